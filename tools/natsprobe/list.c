/* list.c — `streams ls` and `stream info NAME`: the server's streams in the
 * streams file's own terms (durations "7d", sizes in bytes). */
#include "natsprobe.h"

#include <string.h>

typedef struct {
    np_run *run;
    int count;
    char err[512];
} ls_ctx;

/* A number (or any primitive) of obj, copied as it is ("0" when absent). */
static void raw_number(const arc_json *j, int obj, const char *key, arc_buf *out)
{
    int n, k = arc_json_get(j, obj, key);
    const char *raw = arc_json_raw(j, k, &n);
    if (arc_json_is(j, k, JSMN_PRIMITIVE))
        arc_buf_add(out, raw, (size_t)n);
    else
        arc_buf_puts(out, "0");
}

/* "name":..., then every field in the file's form. */
static void stream_json(const np_stream *s, arc_buf *out)
{
    arc_buf_puts(out, "\"name\":");
    arc_buf_json_str(out, s->name);
    for (int i = 0; i < NP_NFIELDS; i++) {
        arc_buf_printf(out, ",\"%s\":", np_fields[i].key);
        np_value_json(&np_fields[i], &s->v[i], false, out);
    }
}

static int ls_one(void *ctx, const arc_json *j, int info)
{
    ls_ctx *c = ctx;
    np_stream s = {0};
    int state = arc_json_get(j, info, "state");
    if (np_stream_from_config(j, arc_json_get(j, info, "config"), &s, c->err, sizeof c->err) != 0) {
        np_stream_free(&s); /* the fields read before the bad one */
        return ARC_EXIT_FAIL;
    }
    arc_buf *t = &c->run->text, *x = &c->run->extra;
    arc_buf_printf(t, "%s  subjects ", s.name);
    np_value_text(&np_fields[NP_F_SUBJECTS], &s.v[NP_F_SUBJECTS], t);
    arc_buf_puts(t, "  ");
    np_value_text(&np_fields[NP_F_RETENTION], &s.v[NP_F_RETENTION], t);
    arc_buf_puts(t, "/");
    np_value_text(&np_fields[NP_F_STORAGE], &s.v[NP_F_STORAGE], t);
    arc_buf_puts(t, "  messages ");
    raw_number(j, state, "messages", t);
    arc_buf_puts(t, "  bytes ");
    raw_number(j, state, "bytes", t);
    arc_buf_puts(t, "  consumers ");
    raw_number(j, state, "consumer_count", t);
    arc_buf_puts(t, "\n");
    arc_buf_puts(x, c->count++ ? ",{" : "{");
    stream_json(&s, x);
    static const char *const counters[] = {"messages", "bytes", "consumer_count"};
    for (size_t k = 0; k < sizeof counters / sizeof *counters; k++) {
        arc_buf_printf(x, ",\"%s\":", counters[k]);
        raw_number(j, state, counters[k], x);
    }
    arc_buf_puts(x, "}");
    np_stream_free(&s);
    return ARC_EXIT_OK;
}

int np_streams_ls(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_run *run = ctx;
    natsConnection *nc = NULL;
    if (np_run_connect(run, dl, &nc, why, whylen) != 0)
        return ARC_EXIT_FAIL;
    ls_ctx c = {run, 0, ""};
    arc_buf_puts(&run->extra, ",\"streams\":[");
    int rc = np_js_each_stream(nc, dl, ls_one, &c, why, whylen);
    arc_buf_puts(&run->extra, "]");
    np_disconnect(nc);
    if (rc != ARC_EXIT_OK && c.err[0])
        arc_snprintf(why, whylen, "listing streams: %s", c.err);
    else if (rc == ARC_EXIT_OK)
        arc_snprintf(why, whylen, "%d streams", c.count);
    if (rc != ARC_EXIT_OK)
        arc_buf_reset(&run->text);
    return rc;
}

/* The text form of `stream info`: one "field  value" line each. */
static void info_text(const np_stream *s, const np_reply *r, arc_buf *t)
{
    int state = arc_json_get(&r->j, 0, "state");
    char created[64] = "?";
    arc_json_str(&r->j, arc_json_get(&r->j, 0, "created"), created, sizeof created);
    arc_buf_printf(t, "stream %s\n", s->name);
    for (int i = 0; i < NP_NFIELDS; i++) {
        arc_buf_printf(t, "  %-21s ", np_fields[i].key);
        np_value_text(&np_fields[i], &s->v[i], t);
        arc_buf_puts(t, "\n");
    }
    arc_buf_printf(t, "  %-21s %s\n  %-21s ", "created", created, "messages");
    raw_number(&r->j, state, "messages", t);
    arc_buf_printf(t, "\n  %-21s ", "bytes");
    raw_number(&r->j, state, "bytes", t);
    arc_buf_printf(t, "\n  %-21s ", "consumers");
    raw_number(&r->j, state, "consumer_count", t);
    arc_buf_puts(t, "\n");
}

/* --json: "stream": the file's form plus created, state and the raw config. */
static void info_json(const np_stream *s, const np_reply *r, int config, arc_buf *x)
{
    int n;
    const char *raw;
    arc_buf_puts(x, ",\"stream\":{");
    stream_json(s, x);
    int created = arc_json_get(&r->j, 0, "created"), state = arc_json_get(&r->j, 0, "state");
    if (arc_json_is(&r->j, created, JSMN_STRING)) {
        raw = arc_json_raw(&r->j, created, &n);
        arc_buf_printf(x, ",\"created\":\"%.*s\"", n, raw);
    }
    if (arc_json_is(&r->j, state, JSMN_OBJECT)) {
        raw = arc_json_raw(&r->j, state, &n);
        arc_buf_printf(x, ",\"state\":%.*s", n, raw);
    }
    raw = arc_json_raw(&r->j, config, &n);
    arc_buf_printf(x, ",\"config\":%.*s}", n, raw);
}

static int show_info(np_run *run, const np_reply *r, char *why, size_t whylen)
{
    int config = arc_json_get(&r->j, 0, "config");
    np_stream s = {0};
    char err[512];
    if (!arc_json_is(&r->j, config, JSMN_OBJECT) ||
        np_stream_from_config(&r->j, config, &s, err, sizeof err) != 0) {
        arc_snprintf(why, whylen, "stream %s: the info reply has no readable config",
                     run->opts->stream);
        np_stream_free(&s);
        return ARC_EXIT_FAIL;
    }
    info_text(&s, r, &run->text);
    info_json(&s, r, config, &run->extra);
    arc_snprintf(why, whylen, "stream %s", s.name);
    np_stream_free(&s);
    return ARC_EXIT_OK;
}

int np_stream_info(void *ctx, const arc_deadline *dl, char *why, size_t whylen)
{
    np_run *run = ctx;
    natsConnection *nc = NULL;
    if (np_run_connect(run, dl, &nc, why, whylen) != 0)
        return ARC_EXIT_FAIL;
    char subj[320];
    arc_snprintf(subj, sizeof subj, "$JS.API.STREAM.INFO.%s", run->opts->stream);
    np_reply r;
    int rc = np_js_call(nc, dl, subj, "", &r, why, whylen);
    np_disconnect(nc);
    if (rc == ARC_EXIT_OK && r.err_code == NP_JS_STREAM_NOT_FOUND) {
        arc_snprintf(why, whylen, "stream %s not found", run->opts->stream);
        rc = ARC_EXIT_FAIL;
    } else if (rc == ARC_EXIT_OK && r.err_code) {
        arc_snprintf(why, whylen, "stream %s: %s", run->opts->stream, r.err);
        rc = ARC_EXIT_FAIL;
    } else if (rc == ARC_EXIT_OK) {
        rc = show_info(run, &r, why, whylen);
    }
    np_reply_free(&r);
    return rc;
}
