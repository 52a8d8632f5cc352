/* Helpers shared by the files of the area module (SPEC 11). */
#ifndef LLEVAL_AREA_INTERNAL_H
#define LLEVAL_AREA_INTERNAL_H

#include "lleval/area.h"
#include "lleval/error.h"

#include <stddef.h>

/* Reads the whole file at path into *out (NUL-terminated, malloc'ed, the
 * caller's) and its length into *len.  Errors: LL_EINPUT naming the file
 * (a missing input is the user's to fix), LL_ENOMEM. */
int ar_read_file(char **out, size_t *len, const char *path, ll_error *err);

/* The index of the header field named `name` (case-insensitive), or -1. */
long ar_column(const char *const *field, size_t n, const char *name);

/* Sorts the n ints v ascending and keeps each value once; the number
 * kept.  (The years of a series, the start years, the event times.) */
size_t ar_sort_unique(int *v, size_t n);

/* Compares two ints for qsort and bsearch. */
int ar_cmp_int(const void *a, const void *b);

/* malloc'ed copy of s; NULL when out of memory. */
char *ar_strdup(const char *s);

#endif
