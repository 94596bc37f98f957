# tools/redisping/probe.mk — libraries of the redisping probe (pkg-config names).
PC_redisping := hiredis
