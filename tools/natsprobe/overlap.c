/*
 * overlap.c — checks over many subjects and names in O(n log n) rather than
 * one pair at a time: names listed twice (sort, then compare neighbours),
 * and two streams claiming a common subject (the subjects sorted token by
 * token: only subjects with the same token, or a wildcard, at each depth
 * are ever compared).
 */
#include "natsprobe.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *np_first_duplicate(char **list, int n)
{
    if (n < 2)
        return NULL;
    char **v = malloc((size_t)n * sizeof *v);
    if (!v)
        return NULL;
    memcpy(v, list, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, cmp_str);
    const char *dup = NULL;
    for (int i = 1; i < n && !dup; i++)
        if (strcmp(v[i - 1], v[i]) == 0)
            dup = v[i];
    free(v);
    return dup;
}

/* A subject during the walk: where its current token starts (NULL: ended). */
typedef struct {
    const char *tok;
    int ref;
} cursor;

typedef struct {
    const np_subj_ref *refs;
    int a, b; /* the pair found, -1 when none */
} walk;

static bool conflict(const walk *w, int x, int y)
{
    const np_subj_ref *p = &w->refs[x], *q = &w->refs[y];
    return p->stream != q->stream && (p->declared || q->declared);
}

static bool found(walk *w, int x, int y)
{
    w->a = x;
    w->b = y;
    return true;
}

/* Scan b for a partner of x: O(nb). */
static bool partner(walk *w, int x, const cursor *b, int nb)
{
    for (int i = 0; i < nb; i++)
        if (conflict(w, x, b[i].ref))
            return found(w, x, b[i].ref);
    return false;
}

/* Any x in a, y in b in conflict, in O(na + nb): a conflict needs one side
 * declared and the streams to differ, so trying the first declared member
 * of each side, then the first member of each side against the declared
 * of the other, covers every case. */
static bool any_pair(walk *w, const cursor *a, int na, const cursor *b, int nb)
{
    for (int side = 0; side < 2; side++) {
        const cursor *p = side ? b : a, *q = side ? a : b;
        int np = side ? nb : na, nq = side ? na : nb;
        for (int i = 0; i < np; i++)
            if (w->refs[p[i].ref].declared) {
                if (partner(w, p[i].ref, q, nq))
                    return true;
                break;
            }
        if (np > 0 && partner(w, p[0].ref, q, nq))
            return true;
    }
    return false;
}

static size_t toklen(const char *t)
{
    return strcspn(t, ".");
}

static int cmp_tok(const void *a, const void *b)
{
    const char *x = ((const cursor *)a)->tok, *y = ((const cursor *)b)->tok;
    size_t lx = toklen(x), ly = toklen(y);
    int c = memcmp(x, y, lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

static const char *next_tok(const char *t)
{
    const char *dot = strchr(t, '.');
    return dot ? dot + 1 : NULL;
}

static bool descend(walk *w, cursor *v, int n);

/* Literal groups (sorted) each with the '*' cursors, one token further. */
static bool groups(walk *w, cursor *lit, int nlit, const cursor *star, int nstar)
{
    cursor *g = malloc(((size_t)nlit + (size_t)nstar + 1) * sizeof *g);
    if (!g)
        return false;
    bool hit = false;
    for (int i = 0; i < nlit && !hit;) {
        int j = i, k = 0;
        for (; j < nlit && cmp_tok(&lit[i], &lit[j]) == 0; j++)
            g[k++] = (cursor){next_tok(lit[j].tok), lit[j].ref};
        for (int s = 0; s < nstar; s++)
            g[k++] = (cursor){next_tok(star[s].tok), star[s].ref};
        hit = k > 1 && descend(w, g, k);
        i = j;
    }
    free(g);
    return hit;
}

static int kind_of(const char *t)
{
    if (!t)
        return 0; /* the subject ended */
    if (strcmp(t, ">") == 0)
        return 1;
    if (t[0] == '*' && toklen(t) == 1)
        return 2;
    return 3; /* a literal token */
}

/* v: cursors that matched token for token so far. Ended subjects match
 * only each other; '>' matches whatever has a token left; '*' and a literal
 * go on, one token further, with the same literal (and the other '*'). */
static bool descend(walk *w, cursor *v, int n)
{
    cursor *part = malloc(((size_t)n + 1) * sizeof *part);
    if (!part)
        return false;
    int start[5] = {0};
    for (int kind = 0, k = 0; kind < 4; kind++) {
        start[kind] = k;
        for (int i = 0; i < n; i++)
            if (kind_of(v[i].tok) == kind)
                part[k++] = v[i];
    }
    start[4] = n;
    cursor *ended = part, *gt = part + start[1], *star = part + start[2], *lit = part + start[3];
    int ne = start[1], ng = start[2] - start[1], ns = start[3] - start[2], nl = n - start[3];
    qsort(lit, (size_t)nl, sizeof *lit, cmp_tok);
    bool hit = any_pair(w, ended, ne, ended, ne) || any_pair(w, gt, ng, gt, n - ne) ||
               groups(w, lit, nl, star, ns);
    if (!hit && ns > 1) {
        for (int i = 0; i < ns; i++)
            star[i].tok = next_tok(star[i].tok);
        hit = descend(w, star, ns);
    }
    free(part);
    return hit;
}

bool np_find_overlap(const np_subj_ref *refs, int n, int *a, int *b)
{
    walk w = {refs, -1, -1};
    cursor *v = malloc(((size_t)n + 1) * sizeof *v);
    if (!v)
        return false;
    for (int i = 0; i < n; i++)
        v[i] = (cursor){refs[i].subject, i};
    bool hit = n > 1 && descend(&w, v, n);
    free(v);
    *a = w.a;
    *b = w.b;
    return hit;
}
