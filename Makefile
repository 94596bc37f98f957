# A.R.C. platform kit — entry point.
# `make help` is the map. Cross-cutting logic lives in mk/, each service's
# targets in services/<role>/<codename>.mk. The include order is the order of
# the sections in `make help`: what a user types most comes first.

include mk/common.mk
MK_FIRST := mk/platform.mk mk/messaging.mk
include $(MK_FIRST)
-include $(sort $(wildcard services/*/*.mk))
include $(sort $(filter-out mk/common.mk $(MK_FIRST),$(wildcard mk/*.mk)))
