# mk/ci.mk — the few targets the GitHub workflows call beyond the kit's own
# (.github/workflows/, docs/ci.md). Everything a workflow step runs is a make target.

##@ CI

.PHONY: actionlint
actionlint: ## Lint the GitHub workflows with actionlint (fetched into build/ on first use)
	@$(SCRIPTS)/actionlint.sh

# The tests of one build: the release build runs tests/probes, the ASan+UBSan
# build the tests/asan wrappers (the same tests against build/<cc>-asan/bin).
# PROVE_ENV (mk/test.mk) points the tests at the chosen compiler's build.
CI_TESTS_release := tests/unit/core.t tests/probes
CI_TESTS_asan := tests/unit/core-asan.t tests/asan

.PHONY: ci-probes-test
ci-probes-test: ## One leg of probes.yml: unit and probe tests of one build (CC=gcc|clang, SAN=asan)
	@$(MAKE) test-build SAN=
	$(PROVE_ENV) $(PROVE) $(PROVE_FLAGS) -r $(CI_TESTS_$(if $(filter asan,$(SAN)),asan,release))

.PHONY: ci-release-meta
ci-release-meta: ## Image tag, version, prerelease of a tag: make ci-release-meta TAG=messaging/v0.1.0
	@$(SCRIPTS)/release.sh meta "$$ARC_RELEASE_TAG"

.PHONY: ci-release-notes
ci-release-notes: ## Release notes with the image table: TAG=... IMAGES='image@sha256:... ...'
	@$(SCRIPTS)/release.sh notes "$$ARC_RELEASE_TAG" $(IMAGES)

# The tag reaches the script through the environment, never through the shell's parser.
ci-release-meta ci-release-notes: export ARC_RELEASE_TAG = $(TAG)
