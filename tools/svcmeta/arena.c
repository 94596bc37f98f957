/* arena.c — one arena for everything a run allocates, and the one error slot. */
#include "svcmeta.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define SM_BLOCK_SIZE 16384

struct sm_block {
    sm_block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

ARC_NORETURN static void out_of_memory(void)
{
    fputs(SM_PROG ": out of memory\n", stderr);
    exit(ARC_EXIT_FAIL);
}

void *sm_alloc(sm_arena *a, size_t size)
{
    size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    sm_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > SM_BLOCK_SIZE ? size : SM_BLOCK_SIZE;
        b = malloc(sizeof *b + cap);
        if (!b)
            out_of_memory();
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *sm_strndup(sm_arena *a, const char *s, size_t n)
{
    char *p = sm_alloc(a, n + 1);
    memcpy(p, s, n);
    return p;
}

char *sm_strdup(sm_arena *a, const char *s)
{
    return sm_strndup(a, s, strlen(s));
}

char *sm_printf(sm_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        out_of_memory();
    char *p = sm_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void sm_arena_free(sm_arena *a)
{
    while (a->head) {
        sm_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* Append a formatted message to e's text. */
static void add_msg(sm_err *e, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return;
    char *s = malloc((size_t)n + 1);
    if (!s)
        out_of_memory();
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    arc_buf_add(&e->msg, s, (size_t)n);
    free(s);
}

int sm_fail(sm_err *e, int code, const char *fmt, ...)
{
    va_list ap;
    arc_buf_reset(&e->msg);
    va_start(ap, fmt);
    add_msg(e, fmt, ap);
    va_end(ap);
    e->code = code;
    return -1;
}

void sm_problem(sm_err *e, const char *fmt, ...)
{
    va_list ap;
    if (e->msg.len)
        arc_buf_add(&e->msg, "\n", 1);
    va_start(ap, fmt);
    add_msg(e, fmt, ap);
    va_end(ap);
    e->code = ARC_EXIT_FAIL;
}

void sm_err_clear(sm_err *e)
{
    arc_buf_reset(&e->msg);
    e->code = 0;
}
