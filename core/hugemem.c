/* Transparent huge pages for large arrays: see lleval/hugemem.h. */
#include "lleval/hugemem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

void ll_huge_advise(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
    if (p == NULL || size < LL_HUGE_MIN)
        return;
    long ps = sysconf(_SC_PAGESIZE);
    uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
    uintptr_t lo = ((uintptr_t)p + page - 1) / page * page;
    uintptr_t hi = ((uintptr_t)p + size) / page * page;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* a hint: failure is harmless */
#else
    (void)p, (void)size;
#endif
}

void *ll_huge_alloc(size_t size)
{
    void *p = malloc(size);
    ll_huge_advise(p, size);
    return p;
}
