# services/otel/otel.mk — what friday (SigNoz and its OpenTelemetry collector) has beyond
# the targets every service gets (mk/services.mk: friday-up, friday-health, ...): the
# names under `otel-`, and the parts that concern the whole SigNoz stack
# (services/otel/stack.sh). The metrics exporters of the other services are friday's
# hooks (service.yaml: hooks), started and removed with it. Docs: docs/otel.md.

OTEL_STACK := $(ROOT)/services/otel/stack.sh

##@ otel — friday: SigNoz + OpenTelemetry collector (UI http://127.0.0.1:3301)

# otel-<x> = friday-<x>: the role's names for the codename's targets.
OTEL_ALIASES := $(addprefix otel-,build up down health status shell)
.PHONY: $(OTEL_ALIASES)
$(OTEL_ALIASES): otel-%: friday-% ## otel-build/up/down/health/status/shell: friday-<x> under the role's name

.PHONY: otel-logs
otel-logs: ## Logs of every SigNoz container, not only the collector (FOLLOW=0|1, LOGS_TAIL=100)
	@$(OTEL_STACK) logs

.PHONY: otel-ps
otel-ps: ## The SigNoz containers and the metrics exporters
	@$(OTEL_STACK) ps

.PHONY: otel-clean
otel-clean: ## Delete the SigNoz data volumes (arc-friday-*); asks first, YES=1 without a terminal
	@ARC_CLEAN_WHAT=otel-clean $(SVC) clean friday

.PHONY: otel-help
otel-help: ## The otel targets (and friday-help for the per-service ones)
	@$(MAKE) help-section SECTION=otel
