/*
 * report.c — the verdict of a check, rendered once for every probe in the
 * format --format asks for:
 *
 *   text        redisping OK ping 127.0.0.1:6379: PONG (0.31 ms)
 *   json        {"probe":"redisping","check":"ping",...}
 *   nagios      REDISPING OK: ping 127.0.0.1:6379: PONG | 'latency'=0.000310s;;;0; ...
 *               (monitoring-plugins guidelines: exit 0 OK, 1 WARNING, 2 CRITICAL)
 *   prometheus  text exposition format 0.0.4 (node_exporter's textfile collector)
 */
#include "arc.h"

#include <string.h>

static void render_text(const arc_common *c, const arc_result *r, arc_buf *b)
{
    arc_buf_printf(b, "%s %s %s %s", c->prog, r->ok ? "OK" : "FAIL", r->check, r->target);
    if (r->detail && *r->detail)
        arc_buf_printf(b, ": %s", r->detail);
    if (r->latency_ms >= 0)
        arc_buf_printf(b, " (%.2f ms)", r->latency_ms);
    if (r->attempts > 1)
        arc_buf_printf(b, " after %u attempts", r->attempts);
    arc_buf_puts(b, "\n");
}

static void render_json(const arc_common *c, const arc_result *r, arc_buf *b)
{
    arc_buf_puts(b, "{\"probe\":");
    arc_buf_json_str(b, c->prog);
    arc_buf_puts(b, ",\"check\":");
    arc_buf_json_str(b, r->check);
    arc_buf_puts(b, ",\"target\":");
    arc_buf_json_str(b, r->target);
    arc_buf_printf(b, ",\"ok\":%s,\"status\":\"%s\"", r->ok ? "true" : "false",
                   r->ok ? "ok" : "fail");
    if (r->latency_ms >= 0)
        arc_buf_printf(b, ",\"latency_ms\":%.3f", r->latency_ms);
    arc_buf_printf(b, ",\"attempts\":%u,\"detail\":", r->attempts ? r->attempts : 1);
    arc_buf_json_str(b, r->detail ? r->detail : "");
    if (r->json_extra)
        arc_buf_puts(b, r->json_extra);
    arc_buf_puts(b, "}\n");
}

/* ---- nagios --------------------------------------------------------------- */

/* The status word and exit code: unhealthy is CRITICAL; a healthy check
 * slower than --critical / --warning is CRITICAL / WARNING. */
static int nagios_status(const arc_common *c, const arc_result *r, const char **word)
{
    double s = r->latency_ms / 1000.0;
    if (!r->ok || (c->critical >= 0 && r->latency_ms >= 0 && s > c->critical)) {
        *word = "CRITICAL";
        return ARC_NAGIOS_CRITICAL;
    }
    if (c->warning >= 0 && r->latency_ms >= 0 && s > c->warning) {
        *word = "WARNING";
        return ARC_NAGIOS_WARNING;
    }
    *word = "OK";
    return ARC_NAGIOS_OK;
}

/* Plugin text is one line and must not hold '|' (it starts the perfdata). */
static void add_plugin_text(arc_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        arc_buf_add(b, ch == '|' ? "/" : ch < 0x20 ? " " : s, 1);
    }
}

static void add_threshold(arc_buf *b, double v)
{
    arc_buf_puts(b, ";");
    if (v >= 0)
        arc_buf_printf(b, "%.6f", v);
}

static int render_nagios(const arc_common *c, const arc_result *r, arc_buf *b)
{
    const char *word;
    int rc = nagios_status(c, r, &word);
    char svc[64];
    arc_service_name(c, svc, sizeof svc);
    arc_buf_printf(b, "%s %s: ", svc, word);
    add_plugin_text(b, r->check);
    arc_buf_puts(b, " ");
    add_plugin_text(b, r->target);
    if (r->detail && *r->detail) {
        arc_buf_puts(b, ": ");
        add_plugin_text(b, r->detail);
    }
    if (r->ok && rc != ARC_NAGIOS_OK)
        arc_buf_printf(b, " (latency %.3f s over --%s)", r->latency_ms / 1000.0,
                       rc == ARC_NAGIOS_WARNING ? "warning" : "critical");
    arc_buf_puts(b, " |");
    if (r->latency_ms >= 0) {
        arc_buf_printf(b, " 'latency'=%.6fs", r->latency_ms / 1000.0);
        add_threshold(b, c->warning);
        add_threshold(b, c->critical);
        arc_buf_puts(b, ";0;");
    }
    arc_buf_printf(b, " 'attempts'=%u;;;1;\n", r->attempts ? r->attempts : 1);
    return rc;
}

/* ---- prometheus ------------------------------------------------------------ */

/* A label value: backslash, double quote and newline escaped; other control
 * characters dropped. */
static void add_label_value(arc_buf *b, const char *s)
{
    arc_buf_puts(b, "\"");
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            arc_buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            arc_buf_puts(b, "\\n");
        else if ((unsigned char)*s >= 0x20)
            arc_buf_add(b, s, 1);
    }
    arc_buf_puts(b, "\"");
}

static void add_labels(const arc_common *c, const arc_result *r, arc_buf *b)
{
    arc_buf_puts(b, "{probe=");
    add_label_value(b, c->prog);
    arc_buf_puts(b, ",check=");
    add_label_value(b, r->check);
    arc_buf_puts(b, ",target=");
    add_label_value(b, r->target);
    arc_buf_puts(b, "}");
}

static void add_metric(const arc_common *c, const arc_result *r, arc_buf *b,
                       const char *name, const char *help, const char *value)
{
    arc_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s", name, help, name, name);
    add_labels(c, r, b);
    arc_buf_printf(b, " %s\n", value);
}

static void render_prometheus(const arc_common *c, const arc_result *r, arc_buf *b)
{
    char v[64];
    add_metric(c, r, b, "arc_probe_up", "1 when the check passed, 0 when it failed.",
               r->ok ? "1" : "0");
    if (r->latency_ms >= 0) {
        arc_snprintf(v, sizeof v, "%.6f", r->latency_ms / 1000.0);
        add_metric(c, r, b, "arc_probe_duration_seconds",
                   "Duration of the last attempt of the check, in seconds.", v);
    }
    arc_snprintf(v, sizeof v, "%u", r->attempts ? r->attempts : 1);
    add_metric(c, r, b, "arc_probe_attempts", "Attempts made (more than 1 only with --wait).", v);
}

int arc_report(const arc_common *c, const arc_result *r)
{
    int rc = r->ok ? ARC_EXIT_OK : ARC_EXIT_FAIL;
    arc_buf b;
    arc_buf_init(&b);
    switch (c->json ? ARC_FMT_JSON : c->format) { /* json may be set alone */
    case ARC_FMT_NAGIOS: rc = render_nagios(c, r, &b); break;
    case ARC_FMT_PROMETHEUS: render_prometheus(c, r, &b); rc = ARC_EXIT_OK; break;
    case ARC_FMT_JSON: render_json(c, r, &b); break;
    default: render_text(c, r, &b); break;
    }
    if (!c->quiet) {
        fputs(arc_buf_str(&b), stdout);
        fflush(stdout);
    }
    arc_buf_free(&b);
    return rc;
}
