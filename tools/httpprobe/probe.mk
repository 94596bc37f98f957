# tools/httpprobe/probe.mk — libraries of the httpprobe probe (pkg-config names).
PC_httpprobe := libcurl
