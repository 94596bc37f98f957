# mk/test.mk — every test runs under prove (TAP); one summary at the end.

PROVE ?= prove
PROVE_FLAGS ?= --exec bash --timer
TESTS ?= tests
# The tests run the probes of the chosen compiler's release build; the ASan
# wrappers in tests/asan/ pick build/<cc>-asan/bin from CC.
PROVE_ENV = ARC_BIN=$(TOOLS_OUT) CC=$(CC)

##@ Tests

.PHONY: test
test: ## Run every test (installs missing packages first when root)
	@$(SCRIPTS)/deps.sh build test $(if $(filter 1,$(ARC_SKIP_DOCKER_DEPS)),,docker) || true
	@$(SCRIPTS)/docker-engine.sh || echo "test: no Docker engine: the docker tests will say so and skip"
	@$(MAKE) test-build
	$(PROVE_ENV) $(PROVE) $(PROVE_FLAGS) -r $(TESTS)

.PHONY: test-build
test-build: ## Build what the tests run: probes (release and ASan+UBSan) and unit tests; the probes with clang too
	@$(MAKE) tools tools-unit jspub
	@$(MAKE) tools tools-unit SAN=asan
	@if command -v clang >/dev/null; then $(MAKE) tools CC=clang; else echo "test-build: clang not installed: clang build skipped"; fi

.PHONY: test-unit
test-unit: test-build ## Unit tests of the probe core
	$(PROVE_ENV) $(PROVE) $(PROVE_FLAGS) -r tests/unit

.PHONY: test-probes
test-probes: test-build ## Probe tests against real servers (and the Pulsar stand-in), release and ASan builds
	$(PROVE_ENV) $(PROVE) $(PROVE_FLAGS) -r tests/probes tests/asan
