/* plan.c — what a declared stream needs: compare it with the server's
 * config (declared fields only), and build the create or update request. */
#include "natsprobe.h"

#include <string.h>

int np_plan_diff(np_plan_item *it, char *err, size_t errlen)
{
    it->nchanged = 0;
    if (it->config < 0) {
        it->action = NP_CREATE;
        return 0;
    }
    if (np_stream_from_config(&it->info.j, it->config, &it->have, err, errlen) != 0)
        return -1;
    for (int i = 0; i < NP_NFIELDS; i++) {
        const np_value *want = &it->want->v[i];
        if (want->set && !np_value_equal(&np_fields[i], want, &it->have.v[i]))
            it->changed[it->nchanged++] = (np_field_id)i;
    }
    it->action = it->nchanged ? NP_UPDATE : NP_UNCHANGED;
    return 0;
}

/* ,"server_key":value for every declared field (skip: keys already written). */
static void declared_fields(const np_stream *s, const bool *skip, arc_buf *out)
{
    for (int i = 0; i < NP_NFIELDS; i++) {
        if (!s->v[i].set || (skip && skip[i]))
            continue;
        arc_buf_puts(out, ",");
        arc_buf_json_str(out, np_fields[i].server_key);
        arc_buf_puts(out, ":");
        np_value_json(&np_fields[i], &s->v[i], true, out);
    }
}

/* Create: the name, the declared fields, and the policies spelled out
 * (the server's defaults: limits, file, old) so nothing is left implicit. */
static void create_body(const np_stream *s, arc_buf *out)
{
    static const struct {
        np_field_id id;
        const char *value;
    } defaults[] = {{NP_F_RETENTION, "limits"}, {NP_F_STORAGE, "file"}, {NP_F_DISCARD, "old"}};
    arc_buf_puts(out, "{\"name\":");
    arc_buf_json_str(out, s->name);
    declared_fields(s, NULL, out);
    for (size_t k = 0; k < sizeof defaults / sizeof *defaults; k++)
        if (!s->v[defaults[k].id].set)
            arc_buf_printf(out, ",\"%s\":\"%s\"", np_fields[defaults[k].id].server_key,
                           defaults[k].value);
    arc_buf_puts(out, "}");
}

/* "," unless out ends with "{" (the first member). */
static const char *m_comma(const arc_buf *out)
{
    return out->len && arc_buf_str(out)[out->len - 1] == '{' ? "" : ",";
}

static int field_of_server_key(const arc_json *j, int key, const np_field *f, int nf)
{
    for (int i = 0; i < nf; i++)
        if (arc_json_eq(j, key, f[i].server_key))
            return i;
    return -1;
}

/* The server's config as it is, declared fields replaced, and declared
 * fields it does not have yet appended. Keys this probe does not know
 * (newer server versions) travel back unchanged. */
void np_config_merge(const arc_json *j, int config, const np_field *fields, int nf,
                     const np_value *want, arc_buf *out)
{
    bool written[(int)NP_NFIELDS + (int)NP_NCFIELDS] = {false};
    int n;
    arc_buf_puts(out, "{");
    for (int m = 0, k = config + 1; m < j->tok[config].size; m++, k = arc_json_next(j, k + 1)) {
        const char *raw = arc_json_raw(j, k, &n);
        arc_buf_printf(out, "%s\"%.*s\":", m ? "," : "", n, raw);
        int f = field_of_server_key(j, k, fields, nf);
        if (f >= 0 && want[f].set) {
            np_value_json(&fields[f], &want[f], true, out);
            written[f] = true;
            continue;
        }
        raw = arc_json_raw(j, k + 1, &n);
        bool quoted = arc_json_is(j, k + 1, JSMN_STRING);
        arc_buf_printf(out, "%s%.*s%s", quoted ? "\"" : "", n, raw, quoted ? "\"" : "");
    }
    for (int i = 0; i < nf; i++) {
        if (!want[i].set || written[i])
            continue;
        arc_buf_puts(out, m_comma(out));
        arc_buf_json_str(out, fields[i].server_key);
        arc_buf_puts(out, ":");
        np_value_json(&fields[i], &want[i], true, out);
    }
    arc_buf_puts(out, "}");
}

/* Update: the server's config with the declared fields replaced. */
static void update_body(const np_plan_item *it, arc_buf *out)
{
    np_config_merge(&it->info.j, it->config, np_fields, NP_NFIELDS, it->want->v, out);
}

void np_plan_body(const np_plan_item *it, arc_buf *out)
{
    arc_buf_reset(out);
    if (it->action == NP_CREATE)
        create_body(it->want, out);
    else
        update_body(it, out);
}
