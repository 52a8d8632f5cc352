/* Doubling growth of the arrays lleval builds item by item. */
#include "lleval/grow.h"

#include <stdlib.h>

void *ll_grow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return items;
    size_t c = *cap ? 2 * *cap : first;
    void *p = realloc(items, c * size);
    if (p != NULL)
        *cap = c;
    return p;
}
