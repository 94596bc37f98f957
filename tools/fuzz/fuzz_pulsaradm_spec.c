/* fuzz_pulsaradm_spec.c — pulsaradm's provisioning file. */
#include "pulsaradm.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    pa_spec s;
    char err[1024];
    if (path && pa_spec_load(path, &s, err, sizeof err) == 0)
        pa_spec_free(&s);
    return 0;
}
