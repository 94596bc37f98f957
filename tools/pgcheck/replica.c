/* replica.c — replication, for --expect-role, --max-lag and --standbys: the
 * role (pg_is_in_recovery(), asked by the health query) against the one
 * expected; on a standby its WAL receiver and how far replay is behind the
 * primary; on a primary its standbys (pg_stat_replication) and physical
 * slots (pg_replication_slots). Sizes are PostgreSQL's memory units. */
#include "pgcheck.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- sizes ------------------------------------------------------------------- */

static const struct {
    const char *unit;
    long long bytes;
} units[] = {{"B", 1}, {"kB", 1LL << 10}, {"MB", 1LL << 20}, {"GB", 1LL << 30},
             {"TB", 1LL << 40}};

int pgc_parse_role(const char *s)
{
    if (strcmp(s, "primary") == 0)
        return PGC_ROLE_PRIMARY;
    if (strcmp(s, "standby") == 0)
        return PGC_ROLE_STANDBY;
    return -1;
}

int pgc_parse_size(const char *s, long long *bytes)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno)
        return -1;
    while (*end == ' ')
        end++;
    if (!*end) {
        *bytes = v;
        return 0;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) == 0 && v <= LLONG_MAX / units[i].bytes) {
            *bytes = v * units[i].bytes;
            return 0;
        }
    }
    return -1;
}

void pgc_format_size(long long bytes, char *out, size_t n)
{
    size_t u = 0;
    double v = (double)bytes;
    while (u + 1 < sizeof units / sizeof units[0] && v >= 1024.0) {
        v /= 1024.0;
        u++;
    }
    double tenths = round(v * 10.0) / 10.0;
    if (u > 0 && tenths < 10.0 && tenths != floor(tenths))
        arc_snprintf(out, n, "%.1f %s", tenths, units[u].unit);
    else
        arc_snprintf(out, n, "%.0f %s", v, units[u].unit);
}

/* ---- the role ------------------------------------------------------------------ */

static const char *role_name(bool in_recovery)
{
    return in_recovery ? "standby" : "primary";
}

/* The role against --expect-role; --standbys asks for a primary too. */
static int check_role(const pgc_session *s, const pgc_repl_want *want, char *why, size_t n)
{
    if (want->role == PGC_ROLE_PRIMARY && s->in_recovery) {
        arc_snprintf(why, n, "role standby, expected primary");
        return 1;
    }
    if (want->role == PGC_ROLE_STANDBY && !s->in_recovery) {
        arc_snprintf(why, n, "role primary, expected standby");
        return 1;
    }
    if (want->standbys > 0 && s->in_recovery) {
        arc_snprintf(why, n, "role standby, expected primary (--standbys %ld)", want->standbys);
        return 1;
    }
    return 0;
}

/* A cell's text, or NULL for SQL NULL. */
static const char *cell(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int unreadable(const PGresult *res, int row, int user_col, char *why, size_t n)
{
    const char *user = cell(res, row, user_col);
    arc_snprintf(why, n, "cannot read replication state as %s (needs pg_read_all_stats)",
                 user ? user : "?");
    return 1;
}

static int unexpected(PGresult *res, const char *what, char *why, size_t n)
{
    arc_snprintf(why, n, "unexpected answer to the %s query", what);
    PQclear(res);
    return 1;
}

/* ---- a standby ----------------------------------------------------------------- */

/* The WAL receiver (no row when none runs) and the replay position.
 * latest_end_lsn is the primary's end of WAL as its WAL sender last reported
 * it: walsender.c sends its flush position (SendRqstPtr) as walEnd in every
 * WAL data message and the position sent so far in keepalives, and
 * walreceiver.c ProcessWalSndrMessage() stores walEnd as latestWalEnd, the
 * view's latest_end_lsn (the docs' "reported to origin WAL sender" reads the
 * other way round). So latest_end_lsn - pg_last_wal_replay_lsn() is the WAL
 * the primary has that this standby has not applied. written_lsn,
 * flushed_lsn and pg_last_wal_receive_lsn() only say how far this standby
 * has received: measured against them, a standby that receives nothing
 * shows no lag.
 * latest_end_lsn is NULL until the first message of a connection; a WAL
 * sender with nothing to send keeps quiet for wal_sender_timeout / 2 (30 s).
 * No message yet means nothing was sent since the connection began, which a
 * WAL sender does at once when its standby is behind: the primary's end is
 * then what this standby has received, flushed_lsn.
 * Without pg_read_all_stats the row shows the pid alone. */
static const char standby_sql[] =
    "SELECT r.pid IS NOT NULL, r.status, COALESCE(r.latest_end_lsn, r.flushed_lsn)::text, "
    "pg_catalog.pg_last_wal_replay_lsn()::text, "
    "pg_catalog.pg_wal_lsn_diff(COALESCE(r.latest_end_lsn, r.flushed_lsn), "
    "pg_catalog.pg_last_wal_replay_lsn())::bigint, current_user "
    "FROM (VALUES (1)) AS one (x) LEFT JOIN pg_catalog.pg_stat_wal_receiver AS r ON true";

/* The WAL receiver is not streaming (status, or NULL: none runs). */
static int not_streaming(const char *status, const char *replayed, const pgc_repl_want *want,
                         pgc_repl *r, char *why, size_t n)
{
    if (want->check_lag) {
        arc_snprintf(why, n, "not streaming from the primary (wal receiver: %s)",
                     status ? status : "none");
        return 1;
    }
    arc_snprintf(r->summary, sizeof r->summary,
                 "role standby, not streaming (wal receiver: %s), replayed to %s",
                 status ? status : "none", replayed);
    return 0;
}

/* The verdict on the standby_sql row. */
static int standby_verdict(const PGresult *res, const pgc_repl_want *want, pgc_repl *r,
                           char *why, size_t n)
{
    const char *status = cell(res, 0, 1), *primary_at = cell(res, 0, 2);
    const char *replayed = cell(res, 0, 3) ? cell(res, 0, 3) : "?", *lag = cell(res, 0, 4);
    if (strcmp(PQgetvalue(res, 0, 0), "t") == 0 && !status)
        return unreadable(res, 0, 5, why, n);
    if (!status || strcmp(status, "streaming") != 0)
        return not_streaming(status, replayed, want, r, why, n);
    if (!primary_at || !lag) {
        arc_snprintf(r->summary, sizeof r->summary, "role standby, streaming");
        if (!want->check_lag)
            return 0;
        arc_snprintf(why, n, "streaming, but the primary's position is not known yet "
                     "(replayed to %s)", replayed);
        return 1;
    }
    r->lag = atoll(lag) > 0 ? atoll(lag) : 0;
    char have[32], max[32];
    pgc_format_size(r->lag, have, sizeof have);
    arc_snprintf(r->summary, sizeof r->summary, "role standby, streaming, lag %s", have);
    if (!want->check_lag || r->lag <= want->max_lag)
        return 0;
    pgc_format_size(want->max_lag, max, sizeof max);
    arc_snprintf(why, n, "replication lag %s > %s (replayed to %s, primary at %s)", have, max,
                 replayed, primary_at);
    return 1;
}

static int standby_check(pgc_session *s, const pgc_repl_want *want, const arc_deadline *dl,
                         pgc_repl *r, char *why, size_t n)
{
    PGresult *res;
    if (pgc_query(s, standby_sql, 0, NULL, dl, &res, why, n) != 0)
        return 1;
    if (PQntuples(res) != 1 || PQnfields(res) != 6)
        return unexpected(res, "WAL receiver", why, n);
    r->checked = true;
    int rc = standby_verdict(res, want, r, why, n);
    PQclear(res);
    return rc;
}

/* ---- a primary ----------------------------------------------------------------- */

/* The physical standbys (a logical subscriber's WAL sender holds a logical
 * slot) with their lag behind pg_current_wal_lsn(): replay_lsn, or for a
 * client that does not replay (pg_receivewal) flush_lsn. state is NULL
 * without pg_read_all_stats. */
static const char standbys_sql[] =
    "SELECT COALESCE(NULLIF(r.application_name, ''), 'pid ' || r.pid), r.state, "
    "COALESCE(r.replay_lsn, r.flush_lsn)::text, "
    "pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), "
    "COALESCE(r.replay_lsn, r.flush_lsn))::bigint, "
    "pg_catalog.pg_current_wal_lsn()::text, current_user "
    "FROM pg_catalog.pg_stat_replication AS r "
    "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots AS l "
    "WHERE l.active_pid = r.pid AND l.slot_type = 'logical') ORDER BY 1";

/* Physical slots and the WAL each holds back (pg_current_wal_lsn() -
 * restart_lsn; 0 for a slot that never reserved any). */
static const char slots_sql[] =
    "SELECT slot_name, active, COALESCE(pg_catalog.pg_wal_lsn_diff("
    "pg_catalog.pg_current_wal_lsn(), restart_lsn), 0)::bigint "
    "FROM pg_catalog.pg_replication_slots WHERE slot_type = 'physical' ORDER BY 1";

typedef struct {
    arc_buf streaming;       /* "arc_replica lag 0 B, b lag 1.5 kB" */
    arc_buf inactive;        /* "slot x inactive, 4.2 MB of WAL retained; ..." */
    char behind[PGC_WHY_LEN]; /* the first standby over --max-lag */
} primary_state;

static void note_lag(pgc_repl *r, long long lag)
{
    if (lag > r->lag)
        r->lag = lag;
}

/* A standby over --max-lag, or that has not reported a position yet. */
static void note_behind(const PGresult *res, int i, const pgc_repl_want *want,
                        const char *have, primary_state *p)
{
    const char *name = PQgetvalue(res, i, 0), *at = cell(res, i, 2);
    char max[32];
    if (p->behind[0])
        return;
    pgc_format_size(want->max_lag, max, sizeof max);
    if (!at)
        arc_snprintf(p->behind, sizeof p->behind,
                     "standby %s has not reported its position yet (primary at %s)", name,
                     PQgetvalue(res, i, 4));
    else
        arc_snprintf(p->behind, sizeof p->behind,
                     "standby %s lag %s > %s (replayed to %s, primary at %s)", name, have, max,
                     at, PQgetvalue(res, i, 4));
}

/* One pg_stat_replication row: counted when streaming, its lag measured
 * (NULL until the standby's first reply). */
static void add_standby(const PGresult *res, int i, const pgc_repl_want *want, pgc_repl *r,
                        primary_state *p)
{
    const char *state = PQgetvalue(res, i, 1), *lag = cell(res, i, 3);
    long long bytes = lag && atoll(lag) > 0 ? atoll(lag) : 0;
    char have[32] = "not reported yet";
    if (lag) {
        note_lag(r, bytes);
        pgc_format_size(bytes, have, sizeof have);
    }
    if (strcmp(state, "streaming") == 0) {
        r->streaming++;
        arc_buf_printf(&p->streaming, "%s%s lag %s", p->streaming.len ? ", " : "",
                       PQgetvalue(res, i, 0), have);
    }
    if (want->check_lag && (!lag || bytes > want->max_lag))
        note_behind(res, i, want, have, p);
}

static int read_standbys(pgc_session *s, const pgc_repl_want *want, const arc_deadline *dl,
                         pgc_repl *r, primary_state *p, char *why, size_t n)
{
    PGresult *res;
    if (pgc_query(s, standbys_sql, 0, NULL, dl, &res, why, n) != 0)
        return 1;
    if (PQnfields(res) != 6)
        return unexpected(res, "standbys", why, n);
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
        if (PQgetisnull(res, i, 1))
            rc = unreadable(res, i, 5, why, n);
        else
            add_standby(res, i, want, r, p);
    }
    PQclear(res);
    return rc;
}

static int read_slots(pgc_session *s, const arc_deadline *dl, pgc_repl *r, primary_state *p,
                      char *why, size_t n)
{
    PGresult *res;
    if (pgc_query(s, slots_sql, 0, NULL, dl, &res, why, n) != 0)
        return 1;
    if (PQnfields(res) != 3)
        return unexpected(res, "replication slots", why, n);
    for (int i = 0; i < PQntuples(res); i++) {
        if (strcmp(PQgetvalue(res, i, 1), "t") == 0)
            continue;
        long long held = atoll(PQgetvalue(res, i, 2));
        char size[32];
        pgc_format_size(held > 0 ? held : 0, size, sizeof size);
        note_lag(r, held > 0 ? held : 0);
        arc_buf_printf(&p->inactive, "%sslot %s inactive, %s of WAL retained",
                       p->inactive.len ? "; " : "", PQgetvalue(res, i, 0), size);
    }
    PQclear(res);
    return 0;
}

/* "1 standby streaming (a lag 0 B)" or "0 standbys streaming". */
static void streaming_words(const pgc_repl *r, const primary_state *p, arc_buf *b)
{
    arc_buf_printf(b, "%d standby%s streaming", r->streaming, r->streaming == 1 ? "" : "s");
    if (p->streaming.len)
        arc_buf_printf(b, " (%s)", arc_buf_str(&p->streaming));
}

/* Enough standbys streaming, slots active and lag within --max-lag? */
static int primary_verdict(const pgc_repl_want *want, pgc_repl *r, const primary_state *p,
                           char *why, size_t n)
{
    arc_buf b;
    arc_buf_init(&b);
    int rc = 1;
    if (r->streaming < want->standbys) {
        streaming_words(r, p, &b);
        arc_buf_printf(&b, ", expected %ld", want->standbys);
        if (p->inactive.len)
            arc_buf_printf(&b, "; %s", arc_buf_str(&p->inactive));
        arc_strlcpy(why, arc_buf_str(&b), n);
    } else if (want->check_lag && p->inactive.len) {
        arc_strlcpy(why, arc_buf_str(&p->inactive), n);
    } else if (want->check_lag && p->behind[0]) {
        arc_strlcpy(why, p->behind, n);
    } else {
        arc_buf_puts(&b, "role primary, ");
        streaming_words(r, p, &b);
        if (p->inactive.len)
            arc_buf_printf(&b, "; %s", arc_buf_str(&p->inactive));
        arc_strlcpy(r->summary, arc_buf_str(&b), sizeof r->summary);
        rc = 0;
    }
    arc_buf_free(&b);
    return rc;
}

static int primary_check(pgc_session *s, const pgc_repl_want *want, const arc_deadline *dl,
                         pgc_repl *r, char *why, size_t n)
{
    primary_state p = {.behind = ""};
    arc_buf_init(&p.streaming);
    arc_buf_init(&p.inactive);
    int rc = read_standbys(s, want, dl, r, &p, why, n);
    if (rc == 0)
        rc = read_slots(s, dl, r, &p, why, n);
    if (rc == 0) {
        r->checked = true;
        rc = primary_verdict(want, r, &p, why, n);
    }
    arc_buf_free(&p.streaming);
    arc_buf_free(&p.inactive);
    return rc;
}

int pgc_replication(pgc_session *s, const pgc_repl_want *want, const arc_deadline *dl,
                    pgc_repl *r, char *why, size_t n)
{
    *r = (pgc_repl){.lag = -1};
    arc_snprintf(r->summary, sizeof r->summary, "role %s", role_name(s->in_recovery));
    if (check_role(s, want, why, n) != 0)
        return 1;
    return s->in_recovery ? standby_check(s, want, dl, r, why, n)
                          : primary_check(s, want, dl, r, why, n);
}
