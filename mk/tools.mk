# mk/tools.mk — build the C probes (tools/<probe>/*.c + tools/core) with pkg-config.
#
#   make tools                 release build into bin/
#   make tools CC=clang        the same with clang
#   make tools-asan            ASan+UBSan build into build/<cc>-asan/bin
#   make tools STATIC=1        fully static binaries (for the probes image)

CC := $(if $(filter default,$(origin CC)),cc,$(CC))
PKG_CONFIG ?= pkg-config
SAN ?=
STATIC ?=
Q := $(if $(V),,@)
CCNAME := $(notdir $(firstword $(CC)))

PROBES := $(sort $(patsubst tools/%/main.c,%,$(wildcard tools/*/main.c)))
# Each probe names its pkg-config packages in tools/<probe>/probe.mk (PC_<probe> := ...).
-include $(wildcard tools/*/probe.mk)

ARC_VERSION ?= $(strip $(file <$(ROOT)/VERSION))
# -gdwarf-4: valgrind 3.19 cannot read the DWARF 5 that clang 14 writes by default
CORE_SRC := $(sort $(wildcard tools/core/*.c))
TOOLS_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral -g -gdwarf-4 -O2 -Itools/core \
	-DARC_VERSION='"$(ARC_VERSION)"'
TOOLS_LDFLAGS :=

ifeq ($(SAN),asan)
TOOLS_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TOOLS_LDFLAGS += -fsanitize=address,undefined
TOOLS_VARIANT := $(CCNAME)-asan
TOOLS_OUT := $(BUILD)/$(TOOLS_VARIANT)/bin
else ifneq ($(STATIC),)
TOOLS_LDFLAGS += -static
TOOLS_VARIANT := $(CCNAME)-static
TOOLS_OUT := $(BUILD)/$(TOOLS_VARIANT)/bin
PKG_STATIC := --static
else
TOOLS_VARIANT := $(CCNAME)-release
# the default compiler's release build is what bin/ holds; others get their own
TOOLS_OUT := $(if $(filter cc,$(CCNAME)),$(BIN),$(BUILD)/$(TOOLS_VARIANT)/bin)
endif
TOOLS_OBJ := $(BUILD)/$(TOOLS_VARIANT)/obj

# A program may link other probes' objects (all but their main.o) and libraries:
# LINK_<prog> := probe... in its probe.mk (cortex runs the four probes' checks in-process).
pc_pkgs = $(PC_$(1)) $(foreach l,$(LINK_$(1)),$(PC_$(l)))
# pkg-config flags for a probe, with a clear error when a library is missing.
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(call pc_pkgs,$(1)) 2>/dev/null) $(addprefix -Itools/,$(LINK_$(1)))
pc_libs = $(shell $(PKG_CONFIG) $(PKG_STATIC) --libs $(call pc_pkgs,$(1)) 2>/dev/null) $(EXTRA_LIBS_$(1))

##@ Probes (C tools)

.PHONY: tools
tools: $(addprefix $(TOOLS_OUT)/,$(PROBES)) ## Build the probes into bin/ (CC=clang, SAN=asan, STATIC=1: into build/<variant>/bin)

.PHONY: tools-asan
tools-asan: ## Build the probes with ASan+UBSan into build/<cc>-asan/bin
	@$(MAKE) tools SAN=asan

.PHONY: tools-clean
tools-clean: ## Remove build/ and the built probes in bin/
	rm -rf $(BUILD) $(addprefix $(BIN)/,$(PROBES))

.PHONY: tools-check-libs
tools-check-libs: ## Check that pkg-config finds every library the probes need
	@missing=""; \
	$(foreach p,$(PROBES),$(foreach l,$(PC_$(p)),$(PKG_CONFIG) --exists $(l) || missing="$$missing $(l)(for $(p))";)) \
	if [ -n "$$missing" ]; then echo "missing libraries:$$missing — run 'make deps'" >&2; exit 1; fi

define probe_rules
.PHONY: $(1)
$(1): $$(TOOLS_OUT)/$(1)

$(1)_SRC := $$(sort $$(wildcard tools/$(1)/*.c))
$(1)_LINK_SRC := $$(filter-out %/main.c,$$(foreach l,$$(LINK_$(1)),$$(sort $$(wildcard tools/$$(l)/*.c))))
$(1)_OBJ := $$(patsubst tools/%.c,$$(TOOLS_OBJ)/%.o,$$($(1)_SRC) $$($(1)_LINK_SRC) $$(CORE_SRC))

$$(TOOLS_OUT)/$(1): $$($(1)_OBJ) | $$(TOOLS_OUT)
	@for l in $$(call pc_pkgs,$(1)); do $$(PKG_CONFIG) --exists $$$$l || { echo "$(1): pkg-config cannot find '$$$$l' — run 'make deps'" >&2; exit 1; }; done
	@echo '  LD  $$@'
	$$(Q)$$(CC) $$(TOOLS_LDFLAGS) -o $$@ $$($(1)_OBJ) $$(call pc_libs,$(1)) -lm

$$(TOOLS_OBJ)/$(1)/%.o: tools/$(1)/%.c $$(wildcard tools/$(1)/*.h $$(addsuffix /*.h,$$(addprefix tools/,$$(LINK_$(1))))) $$(wildcard tools/core/*.h)
	@mkdir -p $$(@D)
	@echo '  CC  $$<'
	$$(Q)$$(CC) $$(TOOLS_CFLAGS) $$(call pc_cflags,$(1)) -c -o $$@ $$<
endef
$(foreach p,$(PROBES),$(eval $(call probe_rules,$(p))))

$(TOOLS_OBJ)/core/%.o: tools/core/%.c tools/core/arc.h
	@mkdir -p $(@D)
	@echo '  CC  $<'
	$(Q)$(CC) $(TOOLS_CFLAGS) -c -o $@ $<

$(TOOLS_OUT):
	@mkdir -p $@

# Unit tests of the core: tools/tests/*.c, each a TAP program.
UNIT_SRC := $(sort $(wildcard tools/tests/*.c))
UNIT_BIN := $(patsubst tools/tests/%.c,$(BUILD)/$(TOOLS_VARIANT)/tests/%,$(UNIT_SRC))

.PHONY: tools-unit
tools-unit: $(UNIT_BIN) ## Build the core's unit tests (TAP programs)

$(UNIT_BIN): $(BUILD)/$(TOOLS_VARIANT)/tests/%: tools/tests/%.c $(patsubst tools/%.c,$(TOOLS_OBJ)/%.o,$(CORE_SRC)) tools/core/arc.h
	@mkdir -p $(@D)
	@echo '  LD  $@'
	$(Q)$(CC) $(TOOLS_CFLAGS) $(TOOLS_LDFLAGS) -o $@ $< $(patsubst tools/%.c,$(TOOLS_OBJ)/%.o,$(CORE_SRC)) -lm
