/*
 * once.c — one natsprobe attempt as a function, for programs that link
 * natsprobe's objects (cortex): ping, jetstream or streams apply, with no
 * output and no exit; the verdict and the apply's counts returned.
 */
#include "natsprobe.h"

#include <stdlib.h>

static arc_attempt_fn attempt_of(np_command cmd)
{
    return cmd == NP_STREAMS_APPLY ? np_streams_apply
           : cmd == NP_JETSTREAM   ? np_jetstream
                                   : np_ping;
}

/* Count what the attempt planned, as `streams apply --json` reports it. */
static void count(const np_apply_run *a, np_once_result *out)
{
    for (int i = 0; a->items && i < a->sf->n; i++) {
        if (!a->items[i].planned)
            continue;
        out->created += a->items[i].action == NP_CREATE;
        out->updated += a->items[i].action == NP_UPDATE;
    }
}

int np_once(np_command cmd, const char *server, const char *file, long replicas,
            const arc_deadline *dl, np_once_result *out, char *why, size_t n)
{
    np_options o = {.cmd = cmd, .server = server, .server_origin = "NATS_URL", .file = file};
    o.common = (arc_common){.prog = "natsprobe", .usage = "", .timeout = 5, .quiet = true,
                            .warning = -1, .critical = -1, .t0 = arc_now()};
    np_target *t = calloc(1, sizeof *t);
    np_streamfile sf = {NULL, 0};
    *out = (np_once_result){0, 0};
    if (!t)
        return arc_errf(why, n, "out of memory"), ARC_EXIT_FAIL;
    int rc = np_target_resolve(&o, t, why, n) != 0 ? ARC_EXIT_USAGE : ARC_EXIT_OK;
    if (rc == ARC_EXIT_OK && cmd == NP_STREAMS_APPLY) {
        rc = np_streamfile_load(file, &sf, why, n);
        if (rc == ARC_EXIT_OK && replicas > 0)
            np_streamfile_replicas(&sf, replicas);
        if (rc == ARC_EXIT_OK)
            rc = np_apply_check_file(&sf, why, n);
    }
    if (rc == ARC_EXIT_OK) {
        np_apply_run a = {.run = {.opts = &o, .t = t}, .sf = &sf};
        arc_buf_init(&a.run.extra);
        arc_buf_init(&a.run.text);
        rc = attempt_of(cmd)(&a, dl, why, n);
        if (rc == NP_FAIL_FINAL)
            rc = ARC_EXIT_FAIL;
        if (cmd == NP_STREAMS_APPLY)
            count(&a, out);
        np_apply_free(&a);
        arc_buf_free(&a.run.extra);
        arc_buf_free(&a.run.text);
    }
    np_streamfile_free(&sf);
    arc_wipe(t, sizeof *t);
    free(t);
    return rc;
}
