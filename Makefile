# A.R.C. platform kit — entry point.
# `make help` is the map. Cross-cutting logic lives in mk/, each service's
# targets in services/<role>/<codename>.mk.

include mk/common.mk
include $(sort $(filter-out mk/common.mk,$(wildcard mk/*.mk)))
-include $(sort $(wildcard services/*/*.mk))
