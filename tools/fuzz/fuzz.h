/*
 * fuzz.h — what the libFuzzer targets share: the parsers that read files
 * take a path, so each input is written to one temporary file per process
 * (removed at exit).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_path[64];

static void fuzz_unlink(void)
{
    unlink(fuzz_path);
}

/* The path of a file holding data[0..size), or NULL. */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    if (!fuzz_path[0]) {
        snprintf(fuzz_path, sizeof fuzz_path, "/tmp/arc-fuzz.%ld", (long)getpid());
        atexit(fuzz_unlink);
    }
    FILE *f = fopen(fuzz_path, "wb");
    if (!f)
        return NULL;
    size_t n = fwrite(data, 1, size, f);
    fclose(f);
    return n == size ? fuzz_path : NULL;
}

#endif /* FUZZ_H */
