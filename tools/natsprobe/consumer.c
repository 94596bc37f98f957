/* consumer.c — the durable consumers a stream declares:
 *   "consumers": [{"name": "workers", "ack_policy": "explicit", "ack_wait": "30s",
 *                  "max_deliver": 5, "filter_subject": "agent.jobs.>"}]
 * One table says how each field is read, compared, printed and sent (the
 * stream fields' machinery, fields.c); what the server cannot change on an
 * existing consumer is marked fixed. */
#include "natsprobe.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const deliver_words[] = {"all", "last", "new", "last_per_subject", NULL};
static const char *const ack_words[] = {"none", "all", "explicit", NULL};
static const char *const replay_words[] = {"instant", "original", NULL};

#define CFIELD(k, kd) .key = (k), .server_key = (k), .kind = (kd)

/* Fixed: nats-server (2.9 and 2.10) refuses to change these on an existing
 * consumer ("deliver policy can not be updated", ...). */
const np_field np_cfields[NP_NCFIELDS] = {
    [NP_C_DESCRIPTION] = {CFIELD("description", NP_TEXT), .max = 4096},
    [NP_C_DELIVER_POLICY] = {CFIELD("deliver_policy", NP_ENUM), .choices = deliver_words,
                             .fixed = true},
    [NP_C_ACK_POLICY] = {CFIELD("ack_policy", NP_ENUM), .choices = ack_words, .fixed = true},
    [NP_C_ACK_WAIT] = {CFIELD("ack_wait", NP_DURATION), .min = 1, .max = LLONG_MAX,
                       .min_nonzero = 1000000LL, .hint = "the server's default is 30s"},
    [NP_C_MAX_DELIVER] = {CFIELD("max_deliver", NP_INT), .min = -1, .max = INT_MAX,
                          .zero_unlimited = true},
    [NP_C_FILTER_SUBJECT] = {CFIELD("filter_subject", NP_TEXT), .max = 4096},
    [NP_C_REPLAY_POLICY] = {CFIELD("replay_policy", NP_ENUM), .choices = replay_words,
                            .fixed = true},
    [NP_C_MAX_ACK_PENDING] = {CFIELD("max_ack_pending", NP_INT), .min = -1, .max = INT_MAX},
    [NP_C_MAX_WAITING] = {CFIELD("max_waiting", NP_INT), .min = 1, .max = INT_MAX,
                          .fixed = true},
};

void np_consumer_free(np_consumer *c)
{
    for (int i = 0; i < NP_NCFIELDS; i++)
        np_value_free(&c->v[i]);
}

static const np_field *cfield_by_key(const char *key)
{
    for (int i = 0; i < NP_NCFIELDS; i++)
        if (strcmp(np_cfields[i].key, key) == 0)
            return &np_cfields[i];
    return NULL;
}

static void known(char *out, size_t n)
{
    arc_buf b;
    arc_buf_init(&b);
    arc_buf_puts(&b, "name");
    for (int i = 0; i < NP_NCFIELDS; i++)
        arc_buf_printf(&b, ", %s", np_cfields[i].key);
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

/* Consumer names follow the stream name rule (no '.', '*', '>', spaces). */
static int read_name(const arc_json *j, int obj, np_consumer *c, int *tok, char *err, size_t n)
{
    int k = arc_json_get(j, obj, "name");
    *tok = k < 0 ? obj : k;
    if (k < 0)
        return arc_errf(err, n, "a consumer without a \"name\"");
    if (arc_json_name(j, k, c->name, sizeof c->name) != 0 || !np_stream_name_valid(c->name))
        return arc_errf(err, n, "consumer field \"name\": not a valid durable name (at most 255 "
                        "bytes without spaces, '.', '*', '>', '/', '\\' or control characters)");
    return 0;
}

static int read_one(const arc_json *j, int obj, np_consumer *c, int *tok, char *err, size_t n)
{
    char key[64], why[512];
    *tok = obj;
    if (!arc_json_is(j, obj, JSMN_OBJECT))
        return arc_errf(err, n, "each consumer must be an object {\"name\": ...}");
    arc_json_pos(j, obj, &c->line, &c->col);
    if (read_name(j, obj, c, tok, err, n) != 0)
        return -1;
    for (int m = 0, k = obj + 1; m < j->tok[obj].size; m++, k = arc_json_next(j, k + 1)) {
        *tok = k;
        if (arc_json_str(j, k, key, sizeof key) != 0)
            arc_strlcpy(key, "(a long key)", sizeof key);
        if (strcmp(key, "name") == 0)
            continue;
        const np_field *f = cfield_by_key(key);
        if (!f) {
            known(why, sizeof why);
            return arc_errf(err, n, "consumer \"%s\", field \"%s\": unknown field (known: %s)",
                            c->name, key, why);
        }
        np_value *v = &c->v[f - np_cfields];
        if (v->set)
            return arc_errf(err, n, "consumer \"%s\", field \"%s\": given twice", c->name, key);
        *tok = k + 1;
        if (np_value_read(f, j, k + 1, false, v, why, sizeof why) != 0)
            return arc_errf(err, n, "consumer \"%s\", field \"%s\": %s", c->name, key, why);
        if (f == &np_cfields[NP_C_FILTER_SUBJECT] && !np_subject_valid(v->text))
            return arc_errf(err, n, "consumer \"%s\", field \"%s\": \"%.80s\" is not a valid "
                            "subject", c->name, key, v->text);
    }
    return 0;
}

int np_consumers_read(const arc_json *j, int arr, np_stream *s, int *tok, char *err,
                      size_t errlen)
{
    *tok = arr;
    if (!arc_json_is(j, arr, JSMN_ARRAY))
        return arc_errf(err, errlen, "field \"consumers\": must be an array of consumer objects");
    if (s->consumers)
        return arc_errf(err, errlen, "field \"consumers\": given twice");
    int n = j->tok[arr].size;
    s->consumers = calloc((size_t)n + 1, sizeof *s->consumers);
    if (!s->consumers)
        return arc_errf(err, errlen, "out of memory");
    for (int m = 0, k = arr + 1; m < n; m++, k = arc_json_next(j, k)) {
        s->nconsumers++;
        if (read_one(j, k, &s->consumers[m], tok, err, errlen) != 0)
            return -1;
        for (int i = 0; i < m; i++)
            if (strcmp(s->consumers[i].name, s->consumers[m].name) == 0)
                return arc_errf(err, errlen, "consumer \"%s\": declared twice",
                                s->consumers[m].name);
    }
    return 0;
}

int np_consumer_from_config(const arc_json *j, int config, np_consumer *c, char *err,
                            size_t errlen)
{
    np_consumer_free(c);
    memset(c, 0, sizeof *c);
    if (arc_json_str(j, arc_json_get(j, config, "durable_name"), c->name, sizeof c->name) != 0)
        return arc_errf(err, errlen, "the server's consumer config has no durable_name");
    for (int i = 0; i < NP_NCFIELDS; i++) {
        const np_field *f = &np_cfields[i];
        int k = arc_json_get(j, config, f->server_key);
        char why[256];
        if (k < 0) /* left out when empty or zero */
            c->v[i].set = f->kind == NP_TEXT || f->kind == NP_INT;
        else if (np_value_read(f, j, k, true, &c->v[i], why, sizeof why) != 0)
            return arc_errf(err, errlen, "consumer %s: the server's %s: %s", c->name,
                            f->server_key, why);
    }
    return 0;
}
