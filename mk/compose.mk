# mk/compose.mk — which compose command the kit uses: the `docker compose` plugin, else
# the standalone docker-compose, else a clear error saying what to install. The detection
# lives in mk/scripts/lib.sh (compose_detect); COMPOSE="..." overrides it.

COMPOSE ?=
export ARC_COMPOSE := $(COMPOSE)

##@ Compose

.PHONY: compose-which
compose-which: ## Show the compose command in use (COMPOSE="docker-compose" to choose)
	@$(SCRIPTS)/compose.sh --which
