/* fuzz_pgcheck_spec.c — pgcheck's declared schema file. */
#include "pgcheck.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    pgc_spec s = {0};
    char err[1024];
    if (path && pgc_spec_load(&s, path, err, sizeof err) == 0)
        pgc_spec_count(&s);
    pgc_spec_free(&s);
    return 0;
}
