# mk/images.mk — the probes image: the four probes, fully static, in an empty image
# (tools/Dockerfile). Service images copy their probe from it (PROBES_IMAGE build arg).
#
#   make probes-image                      arc-probes:<VERSION> and :latest
#   make probes-image BUILDER_IMAGE=...    another builder base (default: tools/Dockerfile's)
# The docker runtime builds it by itself when a service image needs it and it is absent.

DOCKER ?= docker
PROBES_IMAGE_NAME := arc-probes
PROBES_IMAGE_VERSION := $(file <$(ROOT)/VERSION)
# BUILDER_IMAGE=... (environment or make variable) sets the builder stage's base.
export BUILDER_IMAGE

##@ Images

.PHONY: probes-image
probes-image: ## Build arc-probes:<VERSION> (static probes); BUILDER_IMAGE=... sets the builder base
	@$(SCRIPTS)/probes-image.sh $(PROBES_BUILD_FLAGS)

.PHONY: probes-image-check
probes-image-check: ## Run every probe of arc-probes with --version in an empty container
	@$(DOCKER) image inspect $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) >/dev/null 2>&1 || \
	  { echo "probes-image-check: $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) is not built (make probes-image)" >&2; exit 1; }
	@for p in $(PROBES); do \
	  $(DOCKER) run --rm $(PROBES_IMAGE_NAME):$(PROBES_IMAGE_VERSION) /usr/local/bin/$$p --version || exit 1; \
	done
