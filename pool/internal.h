/* Internals of the pool module shared by its files. */
#ifndef LLEVAL_POOL_INTERNAL_H
#define LLEVAL_POOL_INTERNAL_H

#include "lleval/pool.h"

/* The effects pool.csv carries (SPEC 10), in SPEC order. */
typedef struct pl_kind {
    const char *outcome, *estimand;
    int counts;         /* 1: 2x2 counts, pooled by Mantel-Haenszel */
    int term_is_year;   /* 1: the term is a price year, equal in every file */
    const char *label;  /* heading in the report */
    const char *scale;  /* what the estimate measures, for the report */
    int money;          /* 1: pounds (SPEC 8 rule 6) */
} pl_kind;

/* The kind of (outcome, estimand), or NULL. */
const pl_kind *pl_kind_find(const char *outcome, const char *estimand);

/* Index of the authority code la in p, or p->n_authorities. */
size_t pl_authority_index(const ll_pool *p, const char *la);

#endif
