# mk/services.mk — every service's targets from one template. For each
# services/*/service.yaml of `kind: service`, <codename>-build, -up, -health, -status,
# -logs, -down, -clean, -shell and -help call mk/scripts/svc.sh (which hands runtime work
# to mk/scripts/runtime-<runtime>.sh). `make help` shows them in a section per service,
# titled from its service.yaml; the `##% ` lines below are their help texts (% = the
# codename). Adding a service is its folder plus a line in profiles.yaml: its targets
# and its help come from here (docs/kit.md). A folder's own .mk (services/otel/otel.mk)
# may add targets of its own beside these.

# "codename:probe" of every `kind: service`, in folder order (one awk over the files at
# parse time; svcmeta validates them): the targets' names, and the probe <codename>-health
# builds first.
SERVICE_ROWS := $(shell awk 'FNR == 1 { if (k == "service") print c ":" p; c = ""; k = ""; p = "" } \
	/^codename:/ { c = $$2 } /^kind:/ { k = $$2 } /^[[:space:]]+probe:/ { p = $$2 } \
	END { if (k == "service") print c ":" p }' $(sort $(wildcard $(ROOT)/services/*/service.yaml)))
SERVICE_CODENAMES := $(foreach r,$(SERVICE_ROWS),$(firstword $(subst :, ,$(r))))
service_probe = $(word 2,$(subst :, ,$(filter $(1):%,$(SERVICE_ROWS))))

##% build: ## Build the arc-% image (docker runtime; the probes image too when absent)
##% up: ## Start arc-% (and its hooks) and wait until healthy (bounded, with progress)
##% health: ## Check % with its probe from the host; the exit status is the verdict
##% status: ## State, health and ports of arc-%
##% logs: ## Logs of arc-% (FOLLOW=1 follows, LOGS_TAIL=N lines)
##% down: ## Stop and remove arc-% (its volumes and data are kept)
##% clean: ## Remove arc-% AND its data (asks; YES=1 without a terminal)
##% shell: ## A shell inside arc-%
##% help: ## The % targets
SERVICE_ACTIONS := build up health status logs down clean shell

define service_rules
$(1)_TARGETS := $(addprefix $(1)-,$(SERVICE_ACTIONS) help)
.PHONY: $$($(1)_TARGETS)
$(addprefix $(1)-,$(filter-out health,$(SERVICE_ACTIONS))): $(1)-%:
	@$$(SVC) $$* $(1)
$(1)-health:
	@$$(call probes,svcmeta $(call service_probe,$(1)))
	@$$(SVC) health $(1)
$(1)-help:
	@$$(MAKE) help-section SECTION=$(1)
endef
$(foreach c,$(SERVICE_CODENAMES),$(eval $(call service_rules,$(c))))

# For `make help`: "codename<US>description<US>folder" of each service, <RS>-separated
# (the ASCII unit and record separators: a description may hold any printable text).
SERVICE_HELP = $(shell awk -v root='$(ROOT)/' 'function out() { if (c != "" && k == "service") printf "%s\037%s\037%s\036", c, d, f } \
	FNR == 1 { out(); c = ""; d = ""; k = ""; f = FILENAME; sub(root, "", f); sub("/service.yaml$$", "", f) } \
	/^codename:/ { c = $$2 } /^description:/ { d = $$0; sub(/^description:[[:space:]]*/, "", d) } \
	/^kind:/ { k = $$2 } END { out() }' \
	$(sort $(wildcard $(ROOT)/services/*/service.yaml)))

##@@ services
