/* Growing an array one item at a time, as every list lleval builds does
 * (cohort entries, flow rows, estimates, quarantined rows ...). */
#ifndef LLEVAL_GROW_H
#define LLEVAL_GROW_H

#include <stddef.h>

/* The array items (n used of *cap, each size bytes) with room for one more:
 * items itself while n < *cap, else reallocated to twice *cap (first when
 * *cap is 0), *cap updated.  NULL when out of memory, items then untouched
 * (still the caller's to free). */
void *ll_grow(void *items, size_t *cap, size_t n, size_t size, size_t first);

#endif
