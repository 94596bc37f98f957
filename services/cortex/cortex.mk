# services/cortex/cortex.mk — cortex's bootstrap targets beyond the service template
# (mk/services.mk gives cortex-up, -down, -health, ...): `make up` starts `cortex server`
# and its after_up hook (cortex.sh --via-server) asks it for a bootstrap; `make bootstrap`
# runs `cortex bootstrap` directly, no server needed.
# Settings (environment or make variables): BOOTSTRAP_TIMEOUT (s per phase, 300),
# BOOTSTRAP_BACKOFF_BASE (2), BOOTSTRAP_BACKOFF_CAP (30), BOOTSTRAP_BREAKER_THRESHOLD
# (3), BOOTSTRAP_BREAKER_OPEN (30), BOOTSTRAP_RESULT (build/bootstrap/result.json).

##@ Bootstrap — cortex bootstrap: provision and verify the platform (services/cortex)

CORTEX := $(ROOT)/services/cortex/cortex.sh
export BOOTSTRAP_TIMEOUT BOOTSTRAP_BACKOFF_BASE BOOTSTRAP_BACKOFF_CAP
export BOOTSTRAP_BREAKER_THRESHOLD BOOTSTRAP_BREAKER_OPEN BOOTSTRAP_RESULT

.PHONY: bootstrap cortex-bootstrap
bootstrap: ## Provision NATS streams, Pulsar tenant/topics, check SQL schema and Redis, all at once
	@$(call probes,cortex)
	@$(CORTEX) $(PHASES)

cortex-bootstrap: bootstrap ## The bootstrap under its name in the think profile (PHASES=... for some)
