/* fuzz_redisping_resp.c — redisping's look-ahead at a reply (resp.c), then
 * hiredis' reader on what it lets through, fed in two pieces (hiredis may
 * have read an item's type byte and be waiting for its line). */
#include "redisping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t half = size / 2;
    redisReader *r = redisReaderCreate();
    if (!r)
        return 0;
    for (int step = 0; step < 2; step++) {
        size_t off = step ? half : 0, n = step ? size - half : half;
        if (redisReaderFeed(r, buf + off, n) != REDIS_OK)
            break;
        if (rp_reader_too_large(r, 4096, 64) != 0)
            break; /* too large: redisping stops here */
        void *reply = NULL;
        while (redisReaderGetReply(r, &reply) == REDIS_OK && reply) {
            freeReplyObject(reply);
            reply = NULL;
            if (rp_reader_too_large(r, 4096, 64) != 0)
                break;
        }
        if (r->err)
            break;
    }
    redisReaderFree(r);
    return 0;
}
