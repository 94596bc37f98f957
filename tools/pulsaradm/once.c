/*
 * once.c — pulsaradm's health and apply as functions, for programs that link
 * pulsaradm's objects (cortex): a quiet session, no output, no exit.
 */
#include "pulsaradm.h"

#include <string.h>

int pa_once_open(pa_ctx *x, const char *url, char *err, size_t errlen)
{
    memset(x, 0, sizeof *x);
    x->c = (arc_common){.prog = PA_PROG, .usage = "", .timeout = 5, .quiet = true,
                        .warning = -1, .critical = -1, .t0 = arc_now()};
    const char *from = url ? "PULSAR_ADMIN_URL" : "default URL";
    arc_url parsed;
    char base[1024], why[256];
    if (pa_base_url(url ? url : PA_DEFAULT_URL, &parsed, base, sizeof base, x->target,
                    sizeof x->target, why, sizeof why) != 0) {
        arc_snprintf(err, errlen, "%s: %s", from, why);
        return ARC_EXIT_USAGE;
    }
    x->token = arc_env("PULSAR_AUTH_TOKEN");
    bool has_user = parsed.user[0] || parsed.has_pass;
    x->http = pa_http_open(base, x->token, has_user ? parsed.user : NULL,
                           has_user ? parsed.pass : NULL, false, err, errlen);
    arc_wipe(parsed.pass, sizeof parsed.pass);
    return x->http ? ARC_EXIT_OK : ARC_EXIT_FAIL;
}

void pa_once_close(pa_ctx *x)
{
    pa_http_close(x->http);
    x->http = NULL;
}

int pa_once(const char *url, const char *file, const arc_deadline *dl, pa_counts *k,
            char *why, size_t n)
{
    pa_ctx x;
    pa_spec s;
    *k = (pa_counts){0, 0, 0, 0, 0};
    int rc = file ? pa_spec_load(file, &s, why, n) : ARC_EXIT_OK;
    if (rc != ARC_EXIT_OK)
        return rc;
    rc = pa_once_open(&x, url, why, n);
    if (rc == ARC_EXIT_OK)
        rc = file ? pa_apply_once(&x, &s, dl, k, why, n) : pa_health_once(&x, dl, why, n);
    pa_once_close(&x);
    if (file)
        pa_spec_free(&s);
    return rc;
}
