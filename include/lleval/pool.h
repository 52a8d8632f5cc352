/* Pooling authorities (SPEC section 10): reads several authorities'
 * secure/pool.csv files, pools each effect by fixed-effect and REML
 * random-effects meta-analysis (include/lleval/meta.h) and the
 * homelessness 2x2 tables by the Mantel-Haenszel risk difference, and
 * writes DIR/pool_estimates.csv and DIR/report.html (forest plots, under
 * the disclosure rules of SPEC section 8).
 *
 * Child records never reach this module: pool.csv holds only aggregate
 * figures.  Data flow: ll_pool_read -> ll_pool_compute -> ll_pool_write_csv
 * and ll_pool_write_report; ll_pool_run does all four. */
#ifndef LLEVAL_POOL_H
#define LLEVAL_POOL_H

#include "lleval/error.h"
#include "lleval/meta.h"

#include <stddef.h>
#include <stdio.h>

#define LL_POOL_TEXT 64

/* The header of pool.csv, in order (SPEC 10). */
#define LL_POOL_HEADER                                                                      \
    "la,outcome,estimand,term,n_treated,n_comparison,events_treated,events_comparison,"     \
    "estimate,std.error"

/* One authority's row of one effect.  Counts are -1 and numbers NAN when
 * the cell is empty. */
typedef struct ll_pool_entry {
    size_t authority; /* index into ll_pool.la */
    long line;        /* line of the row in its file */
    long n_treated, n_comparison, events_treated, events_comparison;
    double estimate, std_error;
    int used;         /* 1 when it entered the pooled estimate (ll_pool_compute) */
} ll_pool_entry;

/* Why an authority is not in an effect's pooled estimate. */
typedef struct ll_pool_missing {
    size_t authority;
    const char *reason; /* static text: "no row", "not computable", ... */
} ll_pool_missing;

/* One effect: an (outcome, estimand, term) key, its authorities' rows and
 * the pooled results. */
typedef struct ll_pool_effect {
    char outcome[LL_POOL_TEXT], estimand[LL_POOL_TEXT], term[LL_POOL_TEXT];
    int counts;                /* 1: homeless_ever counts (Mantel-Haenszel) */
    ll_pool_entry *entries;    /* in the order of the files */
    size_t n_entries;
    ll_pool_missing *missing;  /* authorities left out, in file order */
    size_t n_missing;
    int pooled;                /* 1: the results below are filled */
    char not_pooled[160];      /* why not, when pooled is 0 */
    ll_meta_result fixed, random; /* inverse-variance effects */
    ll_meta_result mh;            /* counts */
} ll_pool_effect;

typedef struct ll_pool {
    size_t n_authorities;
    char (*la)[LL_POOL_TEXT];  /* authority codes, in file order */
    char **file;               /* the file each came from */
    ll_pool_effect *effects;   /* in order of first appearance */
    size_t n_effects;
} ll_pool;

/* Reads the n pool.csv files into *out (the caller frees it with
 * ll_pool_free).  Errors (LL_EINPUT, nothing returned), each naming the
 * file and, where there is one, the line: a file that cannot be read
 * (LL_EIO for a read failure other than a missing file); a file whose
 * header lacks a column of LL_POOL_HEADER ("not a pool.csv: no column X");
 * a malformed count or number; an `la` that appears in two files (both
 * named) or twice in one; the same effect twice for one authority; a
 * costs row whose price year (term) differs from another file's (both
 * named).  Rows of an unknown outcome/estimand are skipped with a warning
 * on log (may be NULL).  LL_ENOMEM. */
int ll_pool_read(ll_pool **out, const char *const *paths, size_t n, FILE *log, ll_error *err);

/* Pools every effect of p: inverse-variance effects with an estimate and
 * a standard error from at least two authorities get the fixed and REML
 * results, the counts effect the Mantel-Haenszel risk difference when at
 * least one table is usable; authorities left out are listed in each
 * effect's `missing`.  Errors: LL_ENOMEM, LL_ENOCONV (REML), LL_EINTERNAL. */
int ll_pool_compute(ll_pool *p, ll_error *err);

/* Writes pool_estimates.csv (SPEC 10 columns) for the pooled effects of p.
 * LL_EIO when a write fails. */
int ll_pool_write_csv(FILE *f, const ll_pool *p, ll_error *err);

/* Disclosure settings of the report (SPEC 8; defaults 5, 5, 10). */
typedef struct ll_pool_sdc {
    int min_cell, rounding, min_n;
} ll_pool_sdc;

/* Writes dir/report.html (and each forest plot's gnuplot script, data and
 * SVG in dir/charts/): one section per effect, each authority's figure and
 * the pooled ones, withheld under sdc as SPEC 8 says.  gnuplot is the
 * program to run (NULL: "gnuplot" on PATH); a chart it cannot draw is
 * reported as not drawn in the page and on log.  LL_EIO, LL_ENOMEM. */
int ll_pool_write_report(const char *dir, const ll_pool *p, const ll_pool_sdc *sdc,
                         const char *gnuplot, FILE *log, ll_error *err);

/* Frees p; NULL is a no-op. */
void ll_pool_free(ll_pool *p);

/* Everything `lleval pool` does: creates dir, reads, pools, writes both
 * outputs; names every authority left out of an effect on log.  Nothing is
 * written when the input is refused.  Errors as the steps. */
int ll_pool_run(const char *dir, const char *const *paths, size_t n, const ll_pool_sdc *sdc,
                const char *gnuplot, FILE *log, ll_error *err);

#endif
