/*
 * once.c — one redisping attempt as a function, for programs that link
 * redisping's objects (cortex): no output, no exit, the verdict returned.
 */
#include "redisping.h"

int rp_once(const char *url, const arc_deadline *dl, char *why, size_t n)
{
    rp_options o = {.url = url, .url_origin = "REDIS_URL"};
    o.common = (arc_common){.prog = "redisping", .usage = "", .timeout = 5, .quiet = true,
                            .warning = -1, .critical = -1, .t0 = arc_now()};
    rp_target t;
    if (rp_target_resolve(&o, &t, why, n) != 0) {
        arc_wipe(&t, sizeof t);
        return ARC_EXIT_USAGE;
    }
    rp_check check = {.opts = &o, .target = &t};
    arc_buf_init(&check.json);
    int rc = rp_attempt(&check, dl, why, n);
    arc_buf_free(&check.json);
    arc_wipe(&t, sizeof t);
    return rc;
}
