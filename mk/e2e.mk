# mk/e2e.mk — the Docker end-to-end tests (tests/e2e/*.t): the probes image, the
# STAND-IN base images (no registry is reachable where the kit is tested) and
# `make messaging-up` on a real engine. `make test` runs them too; without a usable
# Docker engine they skip, saying why (as root they install and start one first).

##@ Tests — Docker end to end

.PHONY: test-e2e
test-e2e: ## Docker end to end: probes image, stand-ins, messaging-up/health/down (as root starts Docker)
	@$(MAKE) -s tools
	$(PROVE) $(PROVE_FLAGS) -r tests/e2e

.PHONY: docker-engine
docker-engine: ## Make sure a Docker engine answers (as root: install docker.io, start dockerd)
	@$(SCRIPTS)/docker-engine.sh
