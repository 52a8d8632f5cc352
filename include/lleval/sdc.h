/* Disclosure control of published figures (SPEC 8), as pure functions: what
 * a count, a proportion, a crude two-group figure, a safe statistic, a
 * binary covariate's balance figures and a sum of money may show.  The
 * report (report.html, report.md, publish/, charts) formats every figure
 * through these; secure/ is not controlled.  No state, no allocation. */
#ifndef LLEVAL_SDC_H
#define LLEVAL_SDC_H

#include "lleval/config.h"

#include <stddef.h>

/* The parameters of the [report] section. */
typedef struct ll_sdc {
    int min_cell; /* counts from 1 to this are withheld (at least 5) */
    int rounding; /* other counts rounded to this base (1 = none) */
    int min_n;    /* children per group below which a safe statistic is withheld */
} ll_sdc;

/* The parameters of cfg->report, or the SPEC defaults (5, 5, 10) when cfg
 * is NULL. */
ll_sdc ll_sdc_of(const ll_config *cfg);

/* Rule 1: 1 when a count is withheld (1 <= n <= min_cell). */
int ll_sdc_small(const ll_sdc *s, long n);

/* Rule 1: n rounded to the nearest multiple of base (halves up); n itself
 * when base <= 1 or n <= 0. */
long ll_sdc_round_count(long n, int base);

/* Rule 1: the published text of a count into buf: "" for n < 0 (none),
 * "0", "c" for 1..min_cell, else the rounded count.  Returns buf. */
char *ll_sdc_count(char *buf, size_t size, const ll_sdc *s, long n);

/* Rule 2: 1 when the proportion x/n (and its interval) may be shown: n > 0
 * and neither x nor n - x is from 1 to min_cell. */
int ll_sdc_proportion_ok(const ll_sdc *s, long x, long n);

/* Rule 2 as published: the proportion of the published (rounded) counts,
 * x and n each rounded to s->rounding, with its 95% Wilson score interval
 * (prop.test(x, n, correct = FALSE)$conf.int of the rounded counts) into
 * out[0..2] (estimate, low, high).  A percentage of the unrounded counts
 * beside its rounded base gives the unrounded counts back when the base is
 * under about 100 (one percentage point is more than one child), and with
 * them every c that is a difference of such counts; computed from the
 * published counts it tells nothing the counts do not.  Returns 0, or -1
 * (out NAN) when the rounded n is 0. */
int ll_sdc_published_proportion(double out[3], const ll_sdc *s, long x, long n);

/* Rule 5 as published: SPEC 5's SMD of a binary covariate
 * (ll_stats_smd_binary) of the published (rounded) counts: x[0]/n[0]
 * treated and x[1]/n[1] comparison before matching (the denominator),
 * x[2]/n[2] and x[3]/n[3] the groups compared (the before counts again for
 * the SMD before matching).  A binary SMD of exact counts, even to two
 * decimals, beside a comparison pool of thousands gives the treated count
 * back.  NAN when a count is negative or a base rounds to 0. */
double ll_sdc_published_smd(const ll_sdc *s, const long x[4], const long n[4]);

/* Rules 3 and 5: 1 when a figure resting on the 2x2 table (x_t of n_t,
 * x_c of n_c) may be shown: no cell x_t, n_t - x_t, x_c, n_c - x_c from 1 to
 * min_cell.  A one-group figure passes n_c = x_c = 0. */
int ll_sdc_two_by_two_ok(const ll_sdc *s, long x_t, long n_t, long x_c, long n_c);

/* Rule 4: 1 when a safe statistic resting on groups of n[0..k-1] children
 * may be shown: every n[i] >= min_n (k = 0: never). */
int ll_sdc_safe_ok(const ll_sdc *s, const long *n, size_t k);

/* x rounded half away from zero to dp decimal places (dp < 0: to tens,
 * hundreds...).  The rounding is decimal: x is first read as its 15
 * significant digits, so that 1.005 gives 1.01 and 0.125 gives 0.13.
 * NAN and infinities are returned as they are. */
double ll_sdc_round(double x, int dp);

/* x rounded half away from zero to sig significant figures (sig >= 1). */
double ll_sdc_round_sig(double x, int sig);

/* Rule 4's display: x to 2 decimal places, or to 3 significant figures
 * when |x| >= 100 ("1.34", "-0.05", "123", "1230"); "" for NAN, "Inf" and
 * "-Inf" for infinities; never "-0.00".  Returns buf. */
char *ll_sdc_decimal(char *buf, size_t size, double x);

/* Rule 2's display: the proportion p as a whole percentage without the
 * sign ("8" for 0.075, "-3" for -0.025, half away from zero); "" for NAN.
 * Returns buf. */
char *ll_sdc_percent(char *buf, size_t size, double p);

/* Rule 6: money x rounded half away from zero to 2 significant figures,
 * as a number (2221032 -> 2200000, 950.4 -> 950, 0.126 -> 0.13). */
double ll_sdc_money_value(double x);

/* Rule 6's display: "£2.2m", "£22m", "£1.3bn", "£46,000", "£950", "-£800",
 * "£0"; "" for NAN (UTF-8 pound sign).  Returns buf. */
char *ll_sdc_money(char *buf, size_t size, double x);

#endif
