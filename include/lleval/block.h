/* One allocation for a struct's arrays that live and die together (a
 * survival curve's columns, a fitter's work space), so that they are
 * allocated, checked and freed once instead of field by field. */
#ifndef LLEVAL_BLOCK_H
#define LLEVAL_BLOCK_H

#include <stddef.h>

/* One array: the offset of its pointer field in the struct, the size of
 * an element and the number of elements. */
typedef struct ll_block_part {
    size_t field;
    size_t size;
    size_t count;
} ll_block_part;

/* The part for pointer field `field` of struct type `type`, n elements. */
#define LL_BLOCK_PART(type, field, n) \
    { offsetof(type, field), sizeof *((type *)0)->field, (n) }

/* A new zeroed struct of `size` bytes with the nparts arrays after it in
 * the same allocation, each aligned for any type and its field pointing at
 * it: free() of the struct frees them all.  NULL when out of memory. */
void *ll_block_new(size_t size, const ll_block_part *part, size_t nparts);

/* The nparts arrays of the struct at s in one zeroed allocation, each of
 * its fields pointing at its array; the block is returned and is also the
 * first part's array (free() of that field frees them all).  NULL when out
 * of memory, the fields then untouched. */
void *ll_block_arrays(void *s, const ll_block_part *part, size_t nparts);

#endif
