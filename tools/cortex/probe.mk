# tools/cortex/probe.mk — cortex links the four probes' objects (all but their main.o)
# and their libraries, and serves HTTP with libmicrohttpd.
PC_cortex := libmicrohttpd
LINK_cortex := natsprobe pulsaradm redisping pgcheck
EXTRA_LIBS_cortex := -lpthread
