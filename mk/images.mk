# mk/images.mk — the probes image: the four probes, fully static, in an empty image
# (tools/Dockerfile). Service images copy their probe from it (PROBES_IMAGE build arg).
#
#   make probes-image                                   arc-probes:<VERSION> and :latest
#   make probes-image BUILDER_IMAGE=arc-standin/debian:trixie   (a local builder base)

DOCKER ?= docker
PROBES_IMAGE_NAME ?= arc-probes
PROBES_IMAGE_VERSION = $(shell cat $(ROOT)/VERSION 2>/dev/null || echo 0.1.0)
# The builder stage's base: Debian trixie or later (its libnats-dev has a static library).
BUILDER_IMAGE ?= debian:trixie
PROBES_BUILD_FLAGS ?=

# The build context is streamed as a tar of what the image needs, so build/, bin/ and
# everything else in the work tree stay out of it.
PROBES_CONTEXT := Makefile VERSION mk tools

##@ Images

.PHONY: probes-image
probes-image: ## Build the arc-probes image (static probes); BUILDER_IMAGE=... sets the builder base
	@echo "probes-image: building $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) (builder $(BUILDER_IMAGE))"
	tar -C $(ROOT) -cf - --exclude='*.o' --exclude='__pycache__' $(PROBES_CONTEXT) | \
	  $(DOCKER) build --force-rm -f tools/Dockerfile \
	    --build-arg BUILDER_IMAGE=$(BUILDER_IMAGE) \
	    --build-arg VERSION=$(PROBES_IMAGE_VERSION) \
	    -t $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) -t $(PROBES_IMAGE_NAME):latest \
	    $(PROBES_BUILD_FLAGS) -

.PHONY: probes-image-check
probes-image-check: ## Run every probe of arc-probes with --version in an empty container
	@$(DOCKER) image inspect $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) >/dev/null 2>&1 || \
	  { echo "probes-image-check: $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) is not built (make probes-image)" >&2; exit 1; }
	@for p in $(PROBES); do \
	  $(DOCKER) run --rm $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) /usr/local/bin/$$p --version || exit 1; \
	done
