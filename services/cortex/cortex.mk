# services/cortex/cortex.mk — cortex: the one-shot bootstrap. `make up` runs it last
# (service.yaml run: cortex.sh), once oracle, flash, strange and sonic are healthy.
# Settings (environment or make variables): BOOTSTRAP_TIMEOUT (s per phase, 300),
# BOOTSTRAP_BACKOFF_BASE (2), BOOTSTRAP_BACKOFF_CAP (30), BOOTSTRAP_BREAKER_THRESHOLD
# (3), BOOTSTRAP_BREAKER_OPEN (30), BOOTSTRAP_RESULT (build/bootstrap/result.json).

##@ cortex — bootstrap: provision and verify the platform (services/cortex)

CORTEX := $(ROOT)/services/cortex/cortex.sh
export BOOTSTRAP_TIMEOUT BOOTSTRAP_BACKOFF_BASE BOOTSTRAP_BACKOFF_CAP
export BOOTSTRAP_BREAKER_THRESHOLD BOOTSTRAP_BREAKER_OPEN BOOTSTRAP_RESULT

.PHONY: bootstrap cortex-bootstrap cortex-up cortex-help
bootstrap: ## Provision NATS streams, Pulsar tenant/topics, check SQL schema and Redis, all at once
	@$(call probes,cortex)
	@$(CORTEX) $(PHASES)

cortex-bootstrap: bootstrap ## The bootstrap under its name in the think profile (PHASES=... for some)

cortex-up: bootstrap ## The bootstrap, as `make up` runs it last (service.yaml run:)

cortex-help: ## The cortex targets and settings
	@$(MAKE) help-section SECTION=cortex
