# mk/deps.mk — Debian packages the kit needs.

##@ Setup

.PHONY: deps
deps: ## Install the Debian packages for building and testing (as root; else prints the command)
	@$(SCRIPTS)/deps.sh build test

.PHONY: deps-check
deps-check: ## Report missing packages without installing anything
	@$(SCRIPTS)/deps.sh --check build test
