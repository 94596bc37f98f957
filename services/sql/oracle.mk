# services/sql/oracle.mk — oracle: PostgreSQL with pgvector. Each target calls one script:
# $(SVC) = mk/scripts/svc.sh (runtime work goes to mk/scripts/runtime-<runtime>.sh).

##@ oracle — PostgreSQL with pgvector, SQL store (services/sql)

.PHONY: oracle-build oracle-up oracle-health oracle-status oracle-logs oracle-down oracle-clean oracle-shell oracle-help
oracle-build: ## Build the arc-oracle image (docker runtime)
	@$(SVC) build oracle

oracle-up: ## Start arc-oracle and wait until healthy (bounded, with progress)
	@$(SVC) up oracle

oracle-health: ## Check PostgreSQL with pgcheck from the host; the exit status is the verdict
	@$(call probes,pgcheck)
	@$(SVC) health oracle

oracle-status: ## State, health and ports of arc-oracle
	@$(SVC) status oracle

oracle-logs: ## Logs of arc-oracle (FOLLOW=1 follows, LOGS_TAIL=N lines)
	@$(SVC) logs oracle

oracle-down: ## Stop and remove arc-oracle (its volume and data are kept)
	@$(SVC) down oracle

oracle-clean: ## Remove arc-oracle AND its data volume (asks; YES=1 without a terminal)
	@$(SVC) clean oracle

oracle-shell: ## A shell inside arc-oracle
	@$(SVC) shell oracle

oracle-help: ## The oracle targets
	@$(MAKE) help-section SECTION=oracle
