# services/messaging/flash.mk — flash: NATS with JetStream. Each target calls one script:
# $(SVC) = mk/scripts/svc.sh (runtime work goes to mk/scripts/runtime-<runtime>.sh).

##@ flash — NATS with JetStream, messaging (services/messaging)

.PHONY: flash-build flash-up flash-health flash-status flash-logs flash-down flash-clean flash-shell flash-help
flash-build: ## Build the arc-flash image (docker runtime)
	@$(SVC) build flash

flash-up: ## Start arc-flash and wait until healthy (bounded, with progress)
	@$(SVC) up flash

flash-health: ## Check NATS with natsprobe from the host; the exit status is the verdict
	@$(call probes,natsprobe)
	@$(SVC) health flash

flash-status: ## State, health and ports of arc-flash
	@$(SVC) status flash

flash-logs: ## Logs of arc-flash (FOLLOW=1 follows, LOGS_TAIL=N lines)
	@$(SVC) logs flash

flash-down: ## Stop and remove arc-flash (its volume and data are kept)
	@$(SVC) down flash

flash-clean: ## Remove arc-flash AND its data volume (asks; YES=1 without a terminal)
	@$(SVC) clean flash

flash-shell: ## A shell inside arc-flash
	@$(SVC) shell flash

flash-help: ## The flash targets
	@$(MAKE) help-section SECTION=flash
