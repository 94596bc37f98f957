# A.R.C. platform kit — entry point.
# `make help` is the map. Cross-cutting logic lives in mk/; every service's targets come
# from one template (mk/services.mk), and a service folder's own .mk may add more. The
# include order is the order of the sections in `make help`: what a user types most first.

include mk/common.mk
MK_FIRST := mk/platform.mk mk/messaging.mk mk/services.mk
include $(MK_FIRST)
-include $(sort $(wildcard services/*/*.mk))
include $(sort $(filter-out mk/common.mk $(MK_FIRST),$(wildcard mk/*.mk)))
