/* strv.c — a list of strings (names from a file or a server reply) with a
 * hash index, so that "listed twice?" and "declared?" stay O(1) for files
 * with tens of thousands of names. */
#include "pulsaradm.h"

#include <stdlib.h>
#include <string.h>

void pa_strv_init(pa_strv *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
    s->slot = NULL;
    s->nslot = 0;
}

void pa_strv_free(pa_strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    free(s->slot);
    pa_strv_init(s);
}

static size_t hash(const char *str) /* FNV-1a */
{
    uint64_t h = 1469598103934665603ULL;
    for (; *str; str++)
        h = (h ^ (unsigned char)*str) * 1099511628211ULL;
    return (size_t)h;
}

/* The slot holding str, or the empty slot where it would go. */
static size_t find(const pa_strv *s, const char *str)
{
    size_t mask = s->nslot - 1, i = hash(str) & mask;
    while (s->slot[i] && strcmp(s->v[s->slot[i] - 1], str) != 0)
        i = (i + 1) & mask;
    return i;
}

static int rehash(pa_strv *s, size_t nslot)
{
    size_t *slot = calloc(nslot, sizeof *slot);
    if (!slot)
        return -1;
    free(s->slot);
    s->slot = slot;
    s->nslot = nslot;
    for (size_t k = 0; k < s->n; k++)
        s->slot[find(s, s->v[k])] = k + 1;
    return 0;
}

int pa_strv_add(pa_strv *s, const char *str)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    if (2 * (s->n + 1) > s->nslot && rehash(s, s->nslot ? s->nslot * 2 : 16) != 0)
        return -1;
    char *copy = strdup(str);
    if (!copy)
        return -1;
    s->v[s->n++] = copy;
    size_t i = find(s, copy);
    if (!s->slot[i]) /* a repeated name keeps its first place */
        s->slot[i] = s->n;
    return 0;
}

bool pa_strv_has(const pa_strv *s, const char *str)
{
    return s->nslot && s->slot[find(s, str)];
}
