/*
 * pgcheck.h — the pieces of the pgcheck probe and how they fit:
 *
 *   main.c    options and dispatch (reads like --help)
 *   params.c  connection parameters: --dsn / DATABASE_URL / PG*, the
 *             127.0.0.1 default, --password-file, DSNs that would misplace
 *             a password refused
 *   conn.c    connect and query under a hard deadline (non-blocking libpq)
 *   health.c  the health query: SELECT 1, version, recovery, transport
 *   replica.c replication: the role, a standby's WAL receiver and lag, a
 *             primary's standbys and physical slots; sizes (1 MB, 16kB)
 *   spec.c    the declared schema file (JSON) and its validation
 *   schema.c  checking the declared schema against the server
 *   plan.c    schema --plan: every declared item with its state, exit 0/2/1
 *   run.c     one check with --wait retries, and the verdict
 */
#ifndef PGCHECK_H
#define PGCHECK_H

#include "arc.h"

#include <libpq-fe.h>

#define PGC_NAME_LEN 64 /* NAMEDATALEN: identifiers hold at most 63 bytes */
#define PGC_WHY_LEN 256
#define PGC_REPLY_MAX (8u << 20) /* bytes one session may receive */

/* ---- options (main.c) ----------------------------------------------------- */
typedef enum { PGC_ROLE_ANY = 0, PGC_ROLE_PRIMARY, PGC_ROLE_STANDBY } pgc_role;

/* What the replication options ask; all zero: nothing asked. */
typedef struct {
    bool asked;          /* any of --expect-role, --max-lag, --standbys */
    pgc_role role;       /* --expect-role */
    bool check_lag;      /* --max-lag given */
    long long max_lag;   /* --max-lag, bytes */
    long standbys;       /* --standbys N: at least N streaming (a primary) */
} pgc_repl_want;

typedef struct {
    arc_common common;
    const char *dsn;           /* --dsn, else $DATABASE_URL, else NULL */
    const char *dsn_source;    /* "--dsn" or "DATABASE_URL", for messages */
    const char *password_file; /* --password-file */
    const char *schema_file;   /* "schema FILE", else NULL */
    bool plan;                 /* schema --plan FILE: one line per item, exit 0/2/1 */
    pgc_repl_want repl;        /* --expect-role, --max-lag, --standbys */
} pgc_opts;

/* ---- connection parameters (params.c) ------------------------------------- */
typedef struct {
    PQconninfoOption *parsed; /* the DSN as libpq parsed it, or NULL */
    const char **keys;        /* for PQconnectStartParams, NULL-terminated */
    const char **vals;
    char password[512];       /* from --password-file */
} pgc_params;

/* 0, ARC_EXIT_USAGE (bad DSN) or ARC_EXIT_DATAERR (bad password file);
 * err never holds a password. */
int pgc_params_init(pgc_params *p, const pgc_opts *o, char *err, size_t errlen);
void pgc_params_free(pgc_params *p);

/* ---- one connection under a deadline (conn.c) ----------------------------- */
typedef struct {
    PGconn *conn;
    const pgc_params *params;
    char target[384];    /* host:port/dbname (no password is ever part of it) */
    bool connected;      /* the health query answered */
    bool tcp;            /* the server saw a TCP client (inet_server_addr) */
    bool in_recovery;
    char version[64];    /* server_version, e.g. "15.20" */
} pgc_session;

/* 0 connected; 1 with a reason in why. */
int pgc_connect(pgc_session *s, const pgc_params *p, const arc_deadline *dl,
                char *why, size_t n);
/* Run one statement with text parameters; 0 with *res (PGRES_TUPLES_OK, the
 * caller PQclear()s it) or 1 with a reason in why. */
int pgc_query(pgc_session *s, const char *sql, int nparams,
              const char *const *params, const arc_deadline *dl,
              PGresult **res, char *why, size_t n);
void pgc_close(pgc_session *s);

/* ---- health (health.c) ---------------------------------------------------- */
/* The real query on a connected session; fills version/in_recovery/tcp. */
int pgc_health(pgc_session *s, const arc_deadline *dl, char *why, size_t n);

/* ---- replication (replica.c) ----------------------------------------------- */
typedef struct {
    bool checked;        /* the replication queries answered */
    long long lag;       /* the largest lag seen, bytes; -1 when none measured */
    int streaming;       /* a primary: standbys streaming */
    char summary[512];   /* "role primary, 1 standby streaming (arc_replica lag 0 B)" */
} pgc_repl;

/* "primary" / "standby" -> PGC_ROLE_*; -1 for anything else. */
int pgc_parse_role(const char *s);
/* "16777216", "16MB", "1 kB": whole bytes with PostgreSQL's memory units (B,
 * kB, MB, GB, TB; 1024-based, case as PostgreSQL writes them). 0 or -1. */
int pgc_parse_size(const char *s, long long *bytes);
/* 0 B, 512 B, 4.2 MB, 12 MB: like pg_size_pretty, one decimal under 10. */
void pgc_format_size(long long bytes, char *out, size_t n);
/* On a session that answered the health query: the role against want, then
 * a standby's WAL receiver and lag, or a primary's standbys and slots. 0
 * healthy with r->summary; 1 with the reason in why. */
int pgc_replication(pgc_session *s, const pgc_repl_want *want, const arc_deadline *dl,
                    pgc_repl *r, char *why, size_t n);

/* ---- the declared schema (spec.c) ------------------------------------------ */
typedef struct {
    char name[PGC_NAME_LEN];
    bool optional;
    char why[PGC_WHY_LEN];
} pgc_extension;

#define PGC_TYPE_LEN 128

typedef struct {
    char schema[PGC_NAME_LEN];
    char name[PGC_NAME_LEN];
    char (*columns)[PGC_NAME_LEN];
    int ncolumns;
    char (*types)[PGC_TYPE_LEN]; /* per column: the declared type, "" when none */
} pgc_table;

typedef struct {
    pgc_extension *extensions;
    int nextensions;
    char (*schemas)[PGC_NAME_LEN];
    int nschemas;
    pgc_table *tables;
    int ntables;
} pgc_spec;

/* 0, or ARC_EXIT_DATAERR with "FILE: line L, column C: reason" in err. */
int pgc_spec_load(pgc_spec *s, const char *path, char *err, size_t errlen);
void pgc_spec_free(pgc_spec *s);
/* Declared items: extensions + schemas + tables + columns. */
int pgc_spec_count(const pgc_spec *s);

/* ---- checking it (schema.c) ------------------------------------------------ */
typedef struct {
    arc_buf missing;  /* one item per line */
    arc_buf warnings; /* one item per line */
    int nmissing;
    int nwarnings;
} pgc_findings;

void pgc_findings_init(pgc_findings *f);
void pgc_findings_reset(pgc_findings *f);
void pgc_findings_free(pgc_findings *f);
/* 0 when every declared item was looked up (findings tell what is missing),
 * 1 when a query failed (reason in why). */
int pgc_schema_check(pgc_session *s, const pgc_spec *spec,
                     const arc_deadline *dl, pgc_findings *f, char *why,
                     size_t n);

/* ---- the plan (plan.c) ------------------------------------------------------ */
/* The columns of schema.name with their types (format_type), from pg_attribute:
 * rows (attname, type). 0 with *res (PQclear it), or 1 with why. */
int pgc_table_columns(pgc_session *s, const pgc_table *t, const arc_deadline *dl,
                      PGresult **res, char *why, size_t n);
/* Does the declared type name the server's (format_type) type? Common
 * aliases are understood: int/int4 = integer, timestamptz, varchar(n), ... */
bool pgc_type_matches(const char *declared, const char *server);
/* schema --plan FILE: every declared item, unchanged / missing / conflict
 * (a column type: PostgreSQL would rewrite the table; never altered here).
 * The exit status: 0 in sync, 2 something missing or in conflict, 1 error. */
int pgc_run_plan(const pgc_opts *o, const pgc_params *p, const pgc_spec *spec);

/* ---- the run and the verdict (run.c) -------------------------------------- */
/* The exit status: 0 healthy, 1 not. spec may be NULL (health only). */
int pgc_run(const pgc_opts *o, const pgc_params *p, const pgc_spec *spec);
/* One attempt as a function, for programs that link pgcheck's objects
 * (cortex): connect to dsn (NULL: libpq's PG* variables), health query, and
 * with schema_file the schema check; nothing printed, nothing exits. 0 with
 * the verdict's detail in why and the first warning (or "") in warning; 1
 * unhealthy; 64 bad DSN; 65 bad file or password file. */
int pgc_once(const char *dsn, const char *schema_file, const arc_deadline *dl, char *warning,
             size_t wn, char *why, size_t n);

#endif /* PGCHECK_H */
