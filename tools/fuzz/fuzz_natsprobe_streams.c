/* fuzz_natsprobe_streams.c — natsprobe's streams file: load, validate,
 * and the subject-overlap check. */
#include "natsprobe.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    np_streamfile sf = {NULL, 0};
    char err[1024];
    if (path && np_streamfile_load(path, &sf, err, sizeof err) == 0)
        np_apply_check_file(&sf, err, sizeof err);
    np_streamfile_free(&sf);
    return 0;
}
