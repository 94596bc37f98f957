# mk/bench.mk — benchmarks, kept apart from the tests.

##@ Benchmarks

.PHONY: bench
bench: ## Probes vs redis-cli, pg_isready, psql, curl on real servers; writes docs/benchmarks.md
	@$(SCRIPTS)/deps.sh build test || true
	@$(MAKE) tools
	$(ROOT)/bench/run.sh

# jspub (bench/jspub.c): publish-with-ack load on nats.c, for `make bench` and the ha fault
# test (tests/native/ha.t).
JSPUB := $(BUILD)/bench/jspub
.PHONY: jspub
jspub: $(JSPUB) ## Build bench/jspub (JetStream publish-with-ack load) into build/bench
$(JSPUB): $(ROOT)/bench/jspub.c
	@mkdir -p $(dir $@)
	@echo "  CC  $@"
	@$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $< $$($(PKG_CONFIG) --cflags --libs libnats)
