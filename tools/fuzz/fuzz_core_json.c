/* fuzz_core_json.c — the JSON syntax check and the jsmn-based reader: parse,
 * then walk every token the way the probes do. */
#include "arc.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256], s[64];
    arc_json j;
    if (arc_json_parse(&j, (const char *)data, size, err, sizeof err) != 0)
        return 0;
    for (int i = 0; i < j.ntok; i++) {
        int line, col, len;
        long long n;
        bool b;
        arc_json_pos(&j, i, &line, &col);
        arc_json_raw(&j, i, &len);
        arc_json_str(&j, i, s, sizeof s);
        arc_json_name(&j, i, s, sizeof s);
        arc_json_int(&j, i, &n);
        arc_json_bool(&j, i, &b);
        arc_json_get(&j, i, "name");
        arc_json_next(&j, i);
    }
    arc_json_free(&j);
    return 0;
}
