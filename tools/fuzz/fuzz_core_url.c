/* fuzz_core_url.c — URL parsing and masking by position: the password of a
 * parsed URL never survives into the masked text. */
#include "arc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Letters and digits only: such a password cannot span the punctuation
 * between the parts of the shown URL. */
static bool plain(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    arc_url u;
    char err[160], shown[1200], hp[300];
    if (arc_url_parse(in, &u, err, sizeof err) == 0) {
        arc_url_hostport(&u, hp, sizeof hp);
        arc_url_shown(&u, shown, sizeof shown);
        /* the password is never in the shown form (unless another part
         * happens to hold the same text) */
        if (u.has_pass && u.pass[0] && plain(u.pass) && strstr(shown, u.pass) &&
            !strstr(hp, u.pass) && !strstr(u.user, u.pass) && !strstr(u.scheme, u.pass) &&
            !strstr(u.path, u.pass))
            abort();
    }
    arc_mask_url(in, shown, sizeof shown);
    free(in);
    return 0;
}
