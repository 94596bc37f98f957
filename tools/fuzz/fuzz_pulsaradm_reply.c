/* fuzz_pulsaradm_reply.c — a Pulsar admin reply as one line (JSON reason,
 * text/plain 500 message, HTML title), and the JSON replies it reads. */
#include "pulsaradm.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    pa_ctx x;
    memset(&x, 0, sizeof x);
    arc_common_init(&x.c, "pulsaradm", "");
    pa_reply r;
    pa_reply_init(&r);
    r.status = 200 + data[0] % 400;
    arc_buf_add(&r.body, (const char *)data + 1, size - 1);
    if (!r.body.s)
        arc_buf_add(&r.body, "", 0);
    char out[1024];
    long n;
    pa_reply_line(&x, &r, out, sizeof out);
    pa_describe(&x, "GET", "/admin/v2/tenants", &r, out, sizeof out);
    pa_reply_snippet(&r, out, sizeof out);
    pa_reply_partitions(&x, "/p", &r, &n, out, sizeof out);
    pa_strv v;
    pa_strv_init(&v);
    pa_reply_strv(&x, "GET", "/l", &r, &v, out, sizeof out);
    pa_strv_free(&v);
    pa_reply_free(&r);
    return 0;
}
