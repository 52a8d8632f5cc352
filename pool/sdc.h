/* Disclosure control and number display of the pooled report (SPEC 8).
 * Each pl_fmt_* writes HTML text (entities, no markup) into buf. */
#ifndef LLEVAL_POOL_SDC_H
#define LLEVAL_POOL_SDC_H

#include "lleval/pool.h"

#include <stddef.h>

/* 1 when x is a count from 1 to min_cell. */
int pl_small(long x, const ll_pool_sdc *s);

/* Rule 1: "c" for 1..min_cell, 0 as 0, otherwise rounded to `rounding`
 * (halves up); n < 0 (no figure) as a dash. */
void pl_fmt_count(char *buf, size_t size, long n, const ll_pool_sdc *s);

/* Rule 2: x of n as a whole percentage of the published (rounded) counts
 * (ll_sdc_published_proportion), "c" when x or n - x is small. */
void pl_fmt_pct(char *buf, size_t size, long x, long n, const ll_pool_sdc *s);

/* Rule 3: 1 when no cell of the 2x2 table (x_t, n_t - x_t, x_c, n_c - x_c)
 * is from 1 to min_cell. */
int pl_table_shown(long xt, long nt, long xc, long nc, const ll_pool_sdc *s);

/* Rule 4's display: 2 decimals, 3 significant figures from 100 up. */
void pl_fmt_safe(char *buf, size_t size, double v);

/* Rule 6: pounds to 2 significant figures (£2.2m, £1,500). */
void pl_fmt_money(char *buf, size_t size, double v);

#endif
