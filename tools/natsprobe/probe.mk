# tools/natsprobe/probe.mk — libraries of the natsprobe probe (pkg-config names).
PC_natsprobe := libnats libcurl
