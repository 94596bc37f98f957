# mk/fuzz.mk — libFuzzer targets for every parser of the probes (tools/fuzz/),
# built with clang and ASan+UBSan, each run for a bounded time.
#
#   make fuzz                   every target FUZZ_SECONDS (30) seconds
#   make fuzz FUZZ_SECONDS=300  longer
#   make fuzz-build             build them only (build/fuzz/)
#
# tools/fuzz/fuzz_<probe>_<what>.c links <probe>'s files but its main.c
# (fuzz_core_*: the core alone). The corpus of each target starts from the
# test fixtures (tests/fixtures/**/*.json) and tools/fuzz/seeds/<target>/;
# what libFuzzer finds is kept in build/fuzz/corpus/<target>/.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_TARGETS := $(sort $(patsubst tools/fuzz/%.c,%,$(wildcard tools/fuzz/fuzz_*.c)))
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Itools/core -DARC_VERSION='"$(ARC_VERSION)"'
FUZZ_SEEDS := $(sort $(wildcard tests/fixtures/*/*.json))

# fuzz_<probe>_<what> -> <probe> ("core" for the core alone)
fuzz_probe = $(word 2,$(subst _, ,$(1)))
fuzz_src = $(if $(filter core,$(call fuzz_probe,$(1))),,$(filter-out tools/$(call fuzz_probe,$(1))/main.c,$(wildcard tools/$(call fuzz_probe,$(1))/*.c)))

##@ Fuzzing

.PHONY: fuzz
fuzz: fuzz-build ## Run every libFuzzer target for FUZZ_SECONDS (default 30) seconds each
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_OUT)/corpus/$$t; \
		echo "  FUZZ $$t ($(FUZZ_SECONDS) s)"; \
		$(FUZZ_OUT)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/$$t- \
			$(FUZZ_OUT)/corpus/$$t $(FUZZ_OUT)/seeds/$$t 2>$(FUZZ_OUT)/$$t.log \
			|| { tail -n 40 $(FUZZ_OUT)/$$t.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units' $(FUZZ_OUT)/$$t.log || true; \
	done

.PHONY: fuzz-build
fuzz-build: $(addprefix $(FUZZ_OUT)/,$(FUZZ_TARGETS)) ## Build the libFuzzer targets (clang, ASan+UBSan) into build/fuzz/
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_OUT)/seeds/$$t; \
		for f in $(FUZZ_SEEDS) tools/fuzz/seeds/$$t/*; do \
			[ ! -f "$$f" ] || cp "$$f" "$(FUZZ_OUT)/seeds/$$t/$$(echo "$$f" | tr / _)"; \
		done; \
	done

.PHONY: fuzz-clean
fuzz-clean: ## Remove the fuzz targets, their corpora and crash files
	rm -rf $(FUZZ_OUT)

define fuzz_rule
$$(FUZZ_OUT)/$(1): tools/fuzz/$(1).c tools/fuzz/fuzz.h $$(CORE_SRC) $$(call fuzz_src,$(1)) $$(wildcard tools/core/*.h tools/$$(call fuzz_probe,$(1))/*.h)
	@mkdir -p $$(@D)
	@command -v $$(FUZZ_CC) >/dev/null || { echo "fuzz: $$(FUZZ_CC) is not installed (apt-get install clang)" >&2; exit 1; }
	@echo '  FUZZ-LD  $$@'
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -Itools/$$(call fuzz_probe,$(1)) $$(call pc_cflags,$$(call fuzz_probe,$(1))) \
		-o $$@ $$< $$(CORE_SRC) $$(call fuzz_src,$(1)) $$(call pc_libs,$$(call fuzz_probe,$(1))) -lm
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))
