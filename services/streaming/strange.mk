# services/streaming/strange.mk — strange: Apache Pulsar standalone. Each target calls one script:
# $(SVC) = mk/scripts/svc.sh (runtime work goes to mk/scripts/runtime-<runtime>.sh).

##@ strange — Apache Pulsar standalone, streaming (services/streaming)

.PHONY: strange-build strange-up strange-health strange-status strange-logs strange-down strange-clean strange-shell strange-help
strange-build: ## Build the arc-strange image (docker runtime)
	@$(SVC) build strange

strange-up: ## Start arc-strange and wait until healthy (bounded, with progress)
	@$(SVC) up strange

strange-health: ## Check Pulsar with pulsaradm from the host; the exit status is the verdict
	@$(call probes,pulsaradm)
	@$(SVC) health strange

strange-status: ## State, health and ports of arc-strange
	@$(SVC) status strange

strange-logs: ## Logs of arc-strange (FOLLOW=1 follows, LOGS_TAIL=N lines)
	@$(SVC) logs strange

strange-down: ## Stop and remove arc-strange (its volume and data are kept)
	@$(SVC) down strange

strange-clean: ## Remove arc-strange AND its data volume (asks; YES=1 without a terminal)
	@$(SVC) clean strange

strange-shell: ## A shell inside arc-strange
	@$(SVC) shell strange

strange-help: ## The strange targets
	@$(MAKE) help-section SECTION=strange
