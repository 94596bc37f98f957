/* health.c — the real query: accepting connections is not enough, the
 * server must authenticate us and answer SELECT 1. The same round trip
 * tells the version, whether it is a standby, and whether the server saw a
 * TCP client (inet_server_addr() is NULL over a unix socket). */
#include "pgcheck.h"

#include <string.h>

static const char health_sql[] =
    "SELECT 1, pg_catalog.pg_is_in_recovery(), pg_catalog.inet_server_addr() IS NOT NULL, "
    "pg_catalog.current_setting('server_version')";

int pgc_health(pgc_session *s, const arc_deadline *dl, char *why, size_t n)
{
    PGresult *r;
    if (pgc_query(s, health_sql, 0, NULL, dl, &r, why, n) != 0)
        return 1;
    int rc = 1;
    if (PQntuples(r) != 1 || PQnfields(r) != 4 || strcmp(PQgetvalue(r, 0, 0), "1") != 0) {
        arc_snprintf(why, n, "unexpected answer to SELECT 1");
    } else {
        s->in_recovery = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
        s->tcp = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
        const char *v = PQgetvalue(r, 0, 3);
        size_t len = strcspn(v, " ");
        arc_snprintf(s->version, sizeof s->version, "%.*s", (int)(len < 63 ? len : 63), v);
        s->connected = true;
        rc = 0;
    }
    PQclear(r);
    return rc;
}
