/* A struct's arrays in one allocation (include/lleval/block.h). */
#include "lleval/block.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Offsets aligned for any type. */
static size_t align_up(size_t n)
{
    size_t a = _Alignof(max_align_t);
    return (n + a - 1) / a * a;
}

/* Places the parts after `head` bytes of block b and points each field of
 * the struct at s at its array; the total size when b is NULL, SIZE_MAX on
 * overflow. */
static size_t layout(char *b, void *s, size_t head, const ll_block_part *part, size_t nparts)
{
    size_t at = align_up(head);
    for (size_t i = 0; i < nparts; i++) {
        if (part[i].size && part[i].count > (SIZE_MAX / 2 - at) / part[i].size)
            return SIZE_MAX;
        if (b != NULL) {
            void *p = b + at;
            memcpy((char *)s + part[i].field, &p, sizeof p);
        }
        at = align_up(at + part[i].size * part[i].count);
    }
    return at;
}

void *ll_block_new(size_t size, const ll_block_part *part, size_t nparts)
{
    size_t total = layout(NULL, NULL, size, part, nparts);
    char *b = total == SIZE_MAX ? NULL : calloc(1, total ? total : 1);
    if (b != NULL)
        layout(b, b, size, part, nparts);
    return b;
}

void *ll_block_arrays(void *s, const ll_block_part *part, size_t nparts)
{
    size_t total = layout(NULL, NULL, 0, part, nparts);
    char *b = total == SIZE_MAX ? NULL : calloc(1, total ? total : 1);
    if (b != NULL)
        layout(b, s, 0, part, nparts);
    return b;
}
