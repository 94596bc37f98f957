/* env.c — environment variables, files, and keeping secrets out of output. */
#include "arc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *arc_env(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

char *arc_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        arc_snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    arc_buf b;
    arc_buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        arc_buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        arc_snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "out of memory");
        arc_buf_free(&b);
        return NULL;
    }
    if (!b.s)
        arc_buf_add(&b, "", 0);
    if (len)
        *len = b.len;
    return b.s;
}

int arc_read_secret_file(const char *path, char *out, size_t n, char *err,
                         size_t errlen)
{
    size_t len = 0;
    char *s = arc_read_file(path, &len, err, errlen);
    if (!s)
        return -1;
    size_t k = strcspn(s, "\r\n");
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        k--;
    s[k] = '\0';
    int rc = 0;
    if (k == 0) {
        arc_snprintf(err, errlen, "%s: file is empty", path);
        rc = -1;
    } else if (arc_strlcpy(out, s, n) != 0) {
        arc_snprintf(err, errlen, "%s: secret is too long", path);
        rc = -1;
    }
    arc_wipe(s, len);
    free(s);
    return rc;
}

void arc_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void arc_redact(char *s, size_t cap, const char *secret)
{
    if (!s || !secret || !*secret)
        return;
    size_t slen = strlen(secret);
    arc_buf b;
    arc_buf_init(&b);
    const char *p = s, *hit;
    bool found = false;
    while ((hit = strstr(p, secret)) != NULL) {
        arc_buf_add(&b, p, (size_t)(hit - p));
        arc_buf_puts(&b, "***");
        p = hit + slen;
        found = true;
    }
    if (found) {
        arc_buf_puts(&b, p);
        arc_strlcpy(s, arc_buf_str(&b), cap);
    }
    arc_buf_free(&b);
}
