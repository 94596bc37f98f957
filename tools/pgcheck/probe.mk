# tools/pgcheck/probe.mk — libraries of the pgcheck probe (libpq).
PC_pgcheck := libpq
