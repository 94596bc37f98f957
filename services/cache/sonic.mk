# services/cache/sonic.mk — sonic: Redis cache. Each target calls one script:
# $(SVC) = mk/scripts/svc.sh (runtime work goes to mk/scripts/runtime-<runtime>.sh).

##@ sonic — Redis cache (services/cache)

.PHONY: sonic-build sonic-up sonic-health sonic-status sonic-logs sonic-down sonic-clean sonic-shell sonic-help
sonic-build: ## Build the arc-sonic image (docker runtime)
	@$(SVC) build sonic

sonic-up: ## Start arc-sonic and wait until healthy (bounded, with progress)
	@$(SVC) up sonic

sonic-health: ## Check Redis with redisping from the host; the exit status is the verdict
	@$(call probes,redisping)
	@$(SVC) health sonic

sonic-status: ## State, health and ports of arc-sonic
	@$(SVC) status sonic

sonic-logs: ## Logs of arc-sonic (FOLLOW=1 follows, LOGS_TAIL=N lines)
	@$(SVC) logs sonic

sonic-down: ## Stop and remove arc-sonic (its volume and data are kept)
	@$(SVC) down sonic

sonic-clean: ## Remove arc-sonic AND its data volume (asks; YES=1 without a terminal)
	@$(SVC) clean sonic

sonic-shell: ## A shell inside arc-sonic
	@$(SVC) shell sonic

sonic-help: ## The sonic targets
	@$(MAKE) help-section SECTION=sonic
