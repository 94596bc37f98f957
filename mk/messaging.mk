# mk/messaging.mk — the messaging layer as one: flash (NATS), strange (Pulsar), sonic (Redis).

MESSAGING := flash strange sonic

##@ Messaging — flash, strange and sonic together

.PHONY: messaging-up messaging-down messaging-health messaging-logs messaging-help
messaging-up: ## Create arc_platform_net if missing, start flash, strange, sonic; wait until healthy
	@ARC_PROFILE_UP=1 $(SVC) up $(MESSAGING)

messaging-down: ## Stop flash, strange and sonic (volumes kept)
	@$(SVC) down $(MESSAGING)

messaging-health: ## Check all three with their probes; non-zero naming every failing one
	@$(call probes,svcmeta natsprobe pulsaradm redisping)
	@ARC_PROFILE_UP=1 $(SVC) health $(MESSAGING)

messaging-logs: ## Logs of all three at once, prefixed (FOLLOW=1 follows, LOGS_TAIL=N lines)
	@$(SVC) logs $(MESSAGING)

messaging-help: ## The messaging targets
	@$(MAKE) help-section SECTION=messaging
