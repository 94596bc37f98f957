# mk/bench.mk — benchmarks, kept apart from the tests.

##@ Benchmarks

.PHONY: bench
bench: ## Probes vs redis-cli, pg_isready, psql, curl on real servers; writes docs/benchmarks.md
	@$(SCRIPTS)/deps.sh build test || true
	@$(MAKE) tools
	$(ROOT)/bench/run.sh
