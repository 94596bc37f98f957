/* fields.c — the stream fields a streams file may declare: one table says
 * how each is read (from the file and from the server), compared, printed
 * and sent. */
#include "natsprobe.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000000LL

static const char *const retention_words[] = {"limits", "interest", "workqueue", NULL};
static const char *const storage_words[] = {"file", "memory", NULL};
static const char *const discard_words[] = {"old", "new", NULL};

#define FIELD(k, sk, kd) .key = (k), .server_key = (sk), .kind = (kd)

const np_field np_fields[NP_NFIELDS] = {
    [NP_F_DESCRIPTION] = {FIELD("description", "description", NP_TEXT), .max = 4096},
    [NP_F_SUBJECTS] = {FIELD("subjects", "subjects", NP_SUBJECTS)},
    [NP_F_RETENTION] = {FIELD("retention", "retention", NP_ENUM), .choices = retention_words,
                        .fixed = true},
    [NP_F_STORAGE] = {FIELD("storage", "storage", NP_ENUM), .choices = storage_words,
                      .fixed = true},
    [NP_F_DISCARD] = {FIELD("discard", "discard", NP_ENUM), .choices = discard_words},
    [NP_F_MAX_AGE] = {FIELD("max_age", "max_age", NP_DURATION), .min = 0, .max = LLONG_MAX,
                      .min_nonzero = 100 * MS, .hint = "\"0\" means no limit"},
    [NP_F_DUPLICATE_WINDOW] = {FIELD("duplicate_window", "duplicate_window", NP_DURATION),
                               .min = 1, .max = LLONG_MAX,
                               .hint = "leave it out for the server's default, 2m"},
    [NP_F_MAX_BYTES] = {FIELD("max_bytes", "max_bytes", NP_INT), .min = -1, .max = LLONG_MAX,
                        .zero_unlimited = true, .sizes = true},
    [NP_F_MAX_MSGS] = {FIELD("max_msgs", "max_msgs", NP_INT), .min = -1, .max = LLONG_MAX,
                       .zero_unlimited = true},
    [NP_F_MAX_MSGS_PER_SUBJECT] = {FIELD("max_msgs_per_subject", "max_msgs_per_subject", NP_INT),
                                   .min = -1, .max = LLONG_MAX, .zero_unlimited = true},
    [NP_F_MAX_MSG_SIZE] = {FIELD("max_msg_size", "max_msg_size", NP_INT), .min = -1,
                           .max = INT32_MAX, .zero_unlimited = true, .sizes = true},
    [NP_F_MAX_CONSUMERS] = {FIELD("max_consumers", "max_consumers", NP_INT), .min = -1,
                            .max = LLONG_MAX, .zero_unlimited = true, .fixed = true},
    [NP_F_REPLICAS] = {FIELD("replicas", "num_replicas", NP_INT), .min = 1, .max = 5},
};

const np_field *np_field_by_key(const char *key)
{
    for (int i = 0; i < NP_NFIELDS; i++)
        if (strcmp(np_fields[i].key, key) == 0)
            return &np_fields[i];
    return NULL;
}

/* A decoded copy of string token i (malloc'd), or NULL; *ctrl is set when
 * the text holds a control character (\u0000 included). */
static char *dup_checked(const arc_json *j, int i, bool *ctrl)
{
    int n;
    arc_json_raw(j, i, &n);
    char *s = malloc((size_t)n + 1);
    int rc = s ? arc_json_name(j, i, s, (size_t)n + 1) : -1;
    *ctrl = rc == -2;
    if (rc == -1) {
        free(s);
        s = NULL;
    }
    return s;
}

static char *dup_string(const arc_json *j, int i)
{
    bool ctrl;
    return dup_checked(j, i, &ctrl);
}

static void choices_text(const np_field *f, char *out, size_t n)
{
    arc_buf b;
    arc_buf_init(&b);
    for (int k = 0; f->choices[k]; k++)
        arc_buf_printf(&b, "%s%s", k ? (f->choices[k + 1] ? ", " : " or ") : "", f->choices[k]);
    arc_strlcpy(out, arc_buf_str(&b), n);
    arc_buf_free(&b);
}

static int read_text(const np_field *f, const arc_json *j, int i, bool from_server, np_value *v,
                     char *err, size_t errlen)
{
    if (!arc_json_is(j, i, JSMN_STRING) || !(v->text = dup_string(j, i)))
        return arc_errf(err, errlen, "expected a string");
    if (f->kind == NP_TEXT && f->max && (long long)strlen(v->text) > f->max)
        return arc_errf(err, errlen, "longer than %lld bytes", f->max);
    if (f->kind == NP_TEXT || from_server)
        return 0;
    for (int k = 0; f->choices[k]; k++)
        if (strcmp(v->text, f->choices[k]) == 0)
            return 0;
    char words[128];
    choices_text(f, words, sizeof words);
    return arc_errf(err, errlen, "\"%.60s\" is not one of %s", v->text, words);
}

static int read_duration(const arc_json *j, int i, bool from_server, np_value *v, char *err,
                         size_t errlen)
{
    if (from_server || arc_json_eq(j, i, "0"))
        return arc_json_int(j, i, &v->num) == 0 ? 0 : arc_errf(err, errlen, "expected a number");
    char s[64];
    if (!arc_json_is(j, i, JSMN_STRING))
        return arc_errf(err, errlen, "a duration needs a unit, e.g. \"7d\", \"12h\", \"90s\"");
    if (arc_json_str(j, i, s, sizeof s) != 0 || np_parse_duration(s, &v->num) != 0)
        return arc_errf(err, errlen, "\"%.60s\" is not a duration (e.g. \"7d\", \"1h30m\", "
                        "\"500ms\"; units d h m s ms us ns)", s);
    return 0;
}

static int read_int(const np_field *f, const arc_json *j, int i, bool from_server, np_value *v,
                    char *err, size_t errlen)
{
    char s[64];
    if (arc_json_int(j, i, &v->num) == 0)
        return 0;
    if (from_server || !f->sizes || !arc_json_is(j, i, JSMN_STRING))
        return arc_errf(err, errlen, "expected a whole number%s",
                        f->sizes && !from_server ? " or a size such as \"512MiB\"" : "");
    if (arc_json_str(j, i, s, sizeof s) != 0 || np_parse_size(s, &v->num) != 0)
        return arc_errf(err, errlen, "\"%.60s\" is not a size (a number of bytes, or with KiB, "
                        "MiB, GiB, TiB)", s);
    return 0;
}

static int read_subjects(const arc_json *j, int i, bool from_server, np_value *v, char *err,
                         size_t errlen)
{
    if (from_server && arc_json_null(j, i))
        return 0;
    if (!arc_json_is(j, i, JSMN_ARRAY))
        return arc_errf(err, errlen, "expected an array of subjects");
    int n = j->tok[i].size;
    v->list = calloc((size_t)n + 1, sizeof *v->list);
    if (!v->list)
        return arc_errf(err, errlen, "out of memory");
    for (int k = i + 1; v->nlist < n; k = arc_json_next(j, k)) {
        bool ctrl = false;
        if (!arc_json_is(j, k, JSMN_STRING) || !(v->list[v->nlist] = dup_checked(j, k, &ctrl)))
            return arc_errf(err, errlen, "subject %d is not a string", v->nlist + 1);
        const char *s = v->list[v->nlist++];
        if (from_server)
            continue;
        if (ctrl)
            return arc_errf(err, errlen, "subject %d contains a control character (\\u0000 "
                            "included)", v->nlist);
        if (!np_subject_valid(s))
            return arc_errf(err, errlen, "\"%.80s\" is not a valid subject", s);
    }
    if (n == 0 && !from_server)
        return arc_errf(err, errlen, "needs at least one subject");
    const char *dup = from_server ? NULL : np_first_duplicate(v->list, v->nlist);
    return dup ? arc_errf(err, errlen, "\"%.80s\" is listed twice", dup) : 0;
}

/* Range rules of the file (the server's own limits). */
static int check_range(const np_field *f, np_value *v, char *err, size_t errlen)
{
    char lo[32], hi[32];
    if (f->zero_unlimited && v->num == 0)
        v->num = -1;
    bool bad = v->num < f->min || v->num > f->max ||
               (v->num != 0 && v->num < f->min_nonzero);
    if (!bad)
        return 0;
    if (f->kind == NP_DURATION && v->num == 0)
        return arc_errf(err, errlen, "must not be 0; %s", f->hint ? f->hint : "");
    if (f->kind == NP_DURATION) {
        np_format_duration(f->min_nonzero ? f->min_nonzero : f->min, lo, sizeof lo);
        return arc_errf(err, errlen, "must be at least %s%s%s", lo, f->hint ? "; " : "",
                        f->hint ? f->hint : "");
    }
    arc_snprintf(lo, sizeof lo, "%lld", f->min);
    arc_snprintf(hi, sizeof hi, "%lld", f->max);
    return arc_errf(err, errlen, "must be from %s to %s%s", lo, hi,
                    f->zero_unlimited ? " (-1 or 0: unlimited)" : "");
}

int np_value_read(const np_field *f, const arc_json *j, int i, bool from_server, np_value *v,
                  char *err, size_t errlen)
{
    int rc;
    np_value_free(v);
    v->set = true;
    switch (f->kind) {
    case NP_TEXT:
    case NP_ENUM: return read_text(f, j, i, from_server, v, err, errlen);
    case NP_SUBJECTS: return read_subjects(j, i, from_server, v, err, errlen);
    case NP_DURATION: rc = read_duration(j, i, from_server, v, err, errlen); break;
    default: rc = read_int(f, j, i, from_server, v, err, errlen); break;
    }
    if (rc == 0 && !from_server)
        rc = check_range(f, v, err, errlen);
    return rc;
}

void np_value_free(np_value *v)
{
    free(v->text);
    for (int k = 0; v->list && v->list[k]; k++)
        free(v->list[k]);
    free(v->list);
    memset(v, 0, sizeof *v);
}

static bool has_subject(const np_value *v, const char *s)
{
    for (int k = 0; k < v->nlist; k++)
        if (strcmp(v->list[k], s) == 0)
            return true;
    return false;
}

bool np_value_equal(const np_field *f, const np_value *a, const np_value *b)
{
    if (!a->set || !b->set)
        return a->set == b->set;
    switch (f->kind) {
    case NP_TEXT:
    case NP_ENUM: return strcmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
    case NP_SUBJECTS:
        if (a->nlist != b->nlist)
            return false;
        for (int k = 0; k < a->nlist; k++)
            if (!has_subject(b, a->list[k]))
                return false;
        return true;
    default: return a->num == b->num;
    }
}

void np_value_text(const np_field *f, const np_value *v, arc_buf *out)
{
    char tmp[64];
    if (!v->set) {
        arc_buf_puts(out, "(not set)");
    } else if (f->kind == NP_TEXT) {
        arc_buf_json_str(out, v->text);
    } else if (f->kind == NP_ENUM) {
        arc_buf_puts(out, v->text ? v->text : "");
    } else if (f->kind == NP_SUBJECTS) {
        for (int k = 0; k < v->nlist; k++)
            arc_buf_printf(out, "%s%s", k ? "," : "", v->list[k]);
    } else if ((f->kind == NP_DURATION && v->num == 0 && f->min == 0) ||
               (f->zero_unlimited && v->num == -1)) {
        arc_buf_puts(out, "unlimited");
    } else {
        if (f->kind == NP_DURATION)
            np_format_duration(v->num, tmp, sizeof tmp);
        else if (f->sizes)
            np_format_size(v->num, tmp, sizeof tmp);
        else
            arc_snprintf(tmp, sizeof tmp, "%lld", v->num);
        arc_buf_puts(out, tmp);
    }
}

void np_value_json(const np_field *f, const np_value *v, bool server_form, arc_buf *out)
{
    char tmp[64];
    if (!v->set) {
        arc_buf_puts(out, "null");
    } else if (f->kind == NP_TEXT || f->kind == NP_ENUM) {
        arc_buf_json_str(out, v->text);
    } else if (f->kind == NP_SUBJECTS) {
        arc_buf_puts(out, "[");
        for (int k = 0; k < v->nlist; k++) {
            arc_buf_puts(out, k ? "," : "");
            arc_buf_json_str(out, v->list[k]);
        }
        arc_buf_puts(out, "]");
    } else if (f->kind == NP_DURATION && !server_form) {
        np_format_duration(v->num, tmp, sizeof tmp);
        arc_buf_json_str(out, tmp);
    } else {
        arc_buf_printf(out, "%lld", v->num);
    }
}

void np_stream_free(np_stream *s)
{
    for (int i = 0; i < NP_NFIELDS; i++)
        np_value_free(&s->v[i]);
    for (int i = 0; i < s->nconsumers; i++)
        np_consumer_free(&s->consumers[i]);
    free(s->consumers);
    s->consumers = NULL;
    s->nconsumers = 0;
}

int np_stream_from_config(const arc_json *j, int config, np_stream *s, char *err, size_t errlen)
{
    np_stream_free(s);
    memset(s, 0, sizeof *s);
    if (arc_json_str(j, arc_json_get(j, config, "name"), s->name, sizeof s->name) != 0)
        return arc_errf(err, errlen, "the server's stream config has no name");
    for (int i = 0; i < NP_NFIELDS; i++) {
        const np_field *f = &np_fields[i];
        int k = arc_json_get(j, config, f->server_key);
        char why[256];
        if (k < 0) /* the server leaves out empty descriptions and subjects */
            s->v[i].set = f->kind == NP_TEXT || f->kind == NP_SUBJECTS;
        else if (np_value_read(f, j, k, true, &s->v[i], why, sizeof why) != 0)
            return arc_errf(err, errlen, "stream %s: the server's %s: %s", s->name, f->server_key,
                            why);
    }
    return 0;
}
