# mk/plan.mk — `make plan`: every declaration (JetStream streams and consumers, the Pulsar
# tenant, namespaces with their policies and partitioned topics, the SQL schema) against the
# live servers, the three plans at once; changes nothing (mk/scripts/plan.sh, docs/plan.md).
# Exit 0 in sync, 2 changes pending, 1 error. Settings: PLAN_JSON=1 (one JSON object, for
# CI), PLAN_TIMEOUT (seconds per plan, 15); targets as `make bootstrap` takes them.

##@ Plan — what would change, changing nothing (exit 0 in sync, 2 pending, 1 error)

PLAN := $(SCRIPTS)/plan.sh
export PLAN_JSON PLAN_TIMEOUT

.PHONY: plan plan-json plan-help
plan: ## Compare streams, consumers, Pulsar tenant/namespaces/policies/topics and the SQL schema with the live servers
	@$(call probes,svcmeta natsprobe pulsaradm pgcheck)
	@$(PLAN)

plan-json: ## The same plan as one JSON object (for CI; the exit status is the verdict)
	@$(call probes,svcmeta natsprobe pulsaradm pgcheck)
	@$(PLAN) --json

plan-help: ## The plan targets and settings
	@$(MAKE) help-section SECTION=plan
