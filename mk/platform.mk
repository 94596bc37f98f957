# mk/platform.mk — the platform over a profile (profiles.yaml), and the settings every
# service .mk uses. Per-service work goes through $(SVC) (mk/scripts/svc.sh, which hands
# runtime work to mk/scripts/runtime-<runtime>.sh); profile-level work through $(PLATFORM).
#
#   make up                      PROFILE=think by default (profiles.yaml: default)
#   make status PROFILE=ha       ARC_RUNTIME=auto|docker|native (auto: docker if it answers)

PROFILE ?=
PROFILES_FILE ?= $(ROOT)/profiles.yaml
ARC_RUNTIME ?= auto
export ARC_RUNTIME
export ARC_PROFILE := $(PROFILE)
export ARC_PROFILES_FILE := $(abspath $(PROFILES_FILE))
export ARC_MAKE = $(MAKE)
# The probes the health targets run (the release build unless SAN=... / STATIC=...).
ARC_BIN ?= $(TOOLS_OUT)
export ARC_BIN

SVC := $(SCRIPTS)/svc.sh
PLATFORM := $(SCRIPTS)/platform.sh
# $(call probes,redisping ...): build those probes first, when their sources exist.
probes = $(if $(filter $(1),$(PROBES)),$(MAKE) -s $(filter $(1),$(PROBES)),:)

##@ Platform (over PROFILE=think; also reason, ha: profiles.yaml)

.PHONY: up down health status ps logs info validate .env clean
up: ## Start the profile's services (dependencies first), wait until healthy, then its bootstrap
	@$(SCRIPTS)/deps.sh --quiet build kit
	@$(call probes,svcmeta natsprobe pulsaradm redisping pgcheck httpprobe)
	@$(PLATFORM) up

down: ## Stop the profile's services (volumes and data are kept)
	@$(PLATFORM) down

health: ## Check every service of the profile with its probe; non-zero naming the unhealthy
	@$(call probes,svcmeta natsprobe pulsaradm redisping pgcheck httpprobe)
	@$(PLATFORM) health

status: ## One table: service, container, state, health, role (leader/follower, primary/standby), ports
	@$(PLATFORM) status

ps: ## The profile's containers as the runtime lists them
	@$(PLATFORM) ps

logs: ## Recent logs of every service, prefixed (FOLLOW=1 follows, LOGS_TAIL=N lines)
	@$(PLATFORM) logs

info: ## URLs of every service of the profile, and the runtime in use
	@$(PLATFORM) info

validate: ## Check service.yaml, profiles.yaml and every compose file (plugin and docker-compose)
	@$(PLATFORM) validate

.env: ## Create each service's .env from its .env.example (never overwrites)
	@$(PLATFORM) env

clean: ## Remove the profile's services AND their data (asks; YES=1 without a terminal)
	@$(PLATFORM) clean
