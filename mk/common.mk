# mk/common.mk — settings every other .mk relies on, and `make help`.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules --no-print-directory

ROOT := $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))
BIN := $(ROOT)/bin
BUILD := $(ROOT)/build
SCRIPTS := $(ROOT)/mk/scripts
export ARC_ROOT := $(ROOT)

# Colours only on a terminal.
ifneq ($(shell test -t 1 && echo tty),)
C_BOLD := \033[1m
C_CYAN := \033[36m
C_RESET := \033[0m
endif

##@ General

.PHONY: help
help: ## Show every target, grouped by section
	@awk -f $(ROOT)/mk/help.awk -v svcs='$(SERVICE_HELP)' -v bold='$(C_BOLD)' -v cyan='$(C_CYAN)' -v reset='$(C_RESET)' $(MAKEFILE_LIST)

.PHONY: help-section
help-section: # (internal) help for one section: make help-section SECTION=sonic
	@awk -f $(ROOT)/mk/help.awk -v section='$(SECTION)' -v svcs='$(SERVICE_HELP)' -v bold='$(C_BOLD)' -v cyan='$(C_CYAN)' -v reset='$(C_RESET)' $(MAKEFILE_LIST)
