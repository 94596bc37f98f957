# services/otel/otel.mk — friday: SigNoz and its OpenTelemetry collector.
# The collector (container arc-friday) is a service like the others and goes through
# $(SVC) = mk/scripts/svc.sh (compose project arc-friday, the kit's compose command);
# services/otel/stack.sh adds what concerns the whole stack: the metrics exporters of the
# other services, and the logs and containers of every SigNoz part. Docs: docs/otel.md.

OTEL_STACK := $(ROOT)/services/otel/stack.sh

##@ otel — friday: SigNoz + OpenTelemetry collector (UI http://127.0.0.1:3301)

.PHONY: otel-build
otel-build: ## Build the arc-friday collector image (config and httpprobe baked in)
	@$(SVC) build friday

.PHONY: otel-up
otel-up: ## Start SigNoz and the collector (creates arc_platform_net), wait for healthy, start the exporters
	@$(SVC) up friday
	@$(OTEL_STACK) exporters up

.PHONY: friday-after-up friday-before-down
friday-after-up: ## (make up PROFILE=reason runs it) start the services' metrics exporters
	@$(OTEL_STACK) exporters up

friday-before-down: ## (make down PROFILE=reason runs it) remove the metrics exporters
	@$(OTEL_STACK) exporters down

.PHONY: otel-down
otel-down: ## Stop the exporters and the whole SigNoz stack (keeps the data volumes)
	@$(OTEL_STACK) exporters down
	@$(SVC) down friday

.PHONY: otel-health
otel-health: ## Probe the collector's health_check from the host (httpprobe, 127.0.0.1:13133)
	@$(call probes,httpprobe)
	@$(SVC) health friday

.PHONY: otel-status
otel-status: ## State, health and ports of the collector arc-friday
	@$(SVC) status friday

.PHONY: otel-logs
otel-logs: ## Logs of every SigNoz container (FOLLOW=0|1, LOGS_TAIL=100)
	@$(OTEL_STACK) logs

.PHONY: otel-ps
otel-ps: ## The SigNoz containers and the metrics exporters
	@$(OTEL_STACK) ps

.PHONY: otel-shell
otel-shell: ## A shell inside the collector container (arc-friday)
	@$(SVC) shell friday

.PHONY: otel-clean
otel-clean: ## Delete the SigNoz data volumes (arc-friday-*); asks first, YES=1 without a terminal
	@ARC_CLEAN_WHAT=otel-clean $(SVC) clean friday

.PHONY: otel-help
otel-help: ## The otel targets
	@$(MAKE) help-section SECTION=otel

# friday-<x> = otel-<x>: the codename's names, as every service has them.
OTEL_ALIASES := $(addprefix friday-,build up down health status logs ps shell clean)
.PHONY: $(OTEL_ALIASES) friday-help
$(OTEL_ALIASES): friday-%: otel-%
friday-help: otel-help ## friday-<x> is otel-<x> for every target above (friday is the codename)
