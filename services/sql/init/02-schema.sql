-- The platform's first schema (run once on the first start, after 01-extensions.sql).
-- services/sql/schema.json declares the same objects; the bootstrap's sql phase
-- (pgcheck schema) verifies them. Keep the two in step.
CREATE SCHEMA IF NOT EXISTS arc;

-- Agents known to the platform.
CREATE TABLE IF NOT EXISTS arc.agents (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL UNIQUE,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One run of an agent: what it was asked, and where it stands.
CREATE TABLE IF NOT EXISTS arc.sessions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id    uuid NOT NULL REFERENCES arc.agents (id) ON DELETE CASCADE,
    state       text NOT NULL DEFAULT 'open',
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz
);

-- Long-term memory of an agent (text; embeddings live beside it when pgvector is there).
CREATE TABLE IF NOT EXISTS arc.memories (
    id          bigserial PRIMARY KEY,
    agent_id    uuid NOT NULL REFERENCES arc.agents (id) ON DELETE CASCADE,
    content     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Embeddings need pgvector: created only where the extension exists, so a server
-- without it (the native runtime on Debian 12) still gets the rest of the schema.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
        EXECUTE 'CREATE TABLE IF NOT EXISTS arc.memory_embeddings (
                     memory_id  bigint PRIMARY KEY REFERENCES arc.memories (id) ON DELETE CASCADE,
                     embedding  vector(1536) NOT NULL)';
    ELSE
        RAISE WARNING 'pgvector missing: arc.memory_embeddings not created';
    END IF;
END
$$;
