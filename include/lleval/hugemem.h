/* Large arrays (candidate rows, the propensity model's sparse rows, the
 * histories) on transparent huge pages where the kernel gives them on
 * request.  Each first touch of a fresh 4 KB page is a page fault, and on
 * a virtual machine a costly one: 200,000 children touch about 400 MB,
 * 100,000 faults, a quarter of matching's time.  A 2 MB page takes one. */
#ifndef LLEVAL_HUGEMEM_H
#define LLEVAL_HUGEMEM_H

#include <stddef.h>

/* Asks for huge pages over the whole pages of [p, p + size) when size is
 * at least LL_HUGE_MIN bytes (madvise MADV_HUGEPAGE where the system has
 * it).  Only a hint: never fails, changes no byte, p stays the caller's
 * (freed with free). */
#define LL_HUGE_MIN ((size_t)4 << 20)
void ll_huge_advise(void *p, size_t size);

/* malloc(size) with ll_huge_advise; NULL when out of memory.  Free with
 * free(). */
void *ll_huge_alloc(size_t size);

#endif
