-- Run once, on the first start with an empty data volume (the upstream entrypoint runs
-- /docker-entrypoint-initdb.d/*.sql as POSTGRES_USER in POSTGRES_DB).
-- pgvector comes with the pgvector/pgvector image; a server without it (e.g. a stand-in
-- image) warns instead of failing the first start. The bootstrap's schema check says
-- whether `vector` is really there.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE EXTENSION IF NOT EXISTS vector;
    ELSE
        RAISE WARNING 'extension "vector" (pgvector) is not available on this server: not created';
    END IF;
END
$$;
