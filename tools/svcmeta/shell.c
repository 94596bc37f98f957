/*
 * shell.c — quoting for bash's eval. A word of safe characters stays bare;
 * anything else goes in single quotes, where only ' itself needs care. Values
 * hold no control characters (tree.c and vars.c refuse them); the only ones
 * quoted here are the newlines resolve puts between META_PORTS rows, which
 * single quotes keep as they are.
 */
#include "svcmeta.h"

#include <string.h>

#define SAFE "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-"

void sm_shq(arc_buf *b, const char *s, bool py_compat)
{
    if (*s && s[strspn(s, SAFE)] == '\0') {
        arc_buf_puts(b, s);
        return;
    }
    const char *esc = py_compat ? "'\"'\"'" : "'\\''";
    arc_buf_add(b, "'", 1);
    for (const char *q; (q = strchr(s, '\'')) != NULL; s = q + 1) {
        arc_buf_add(b, s, (size_t)(q - s));
        arc_buf_puts(b, esc);
    }
    arc_buf_puts(b, s);
    arc_buf_add(b, "'", 1);
}

void sm_sh_array(arc_buf *b, const char *name, const char *const *w, size_t n, bool py_compat)
{
    arc_buf_printf(b, "%s=(", name);
    for (size_t i = 0; i < n; i++) {
        if (i)
            arc_buf_add(b, " ", 1);
        sm_shq(b, w[i], py_compat);
    }
    arc_buf_add(b, ")", 1);
}
