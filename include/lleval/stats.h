/* Elementary statistics of lleval (SPEC sections 5 and 6), each matching
 * the R function named in its comment: proportions and their contrasts
 * (prop.test, Newcombe, risk ratio, E-value, fisher.test, minimum
 * detectable difference), t tests (t.test), the Wilcoxon signed-rank test
 * (wilcox.test), standardised mean differences and descriptive summaries
 * (mean, sd, median, quantile type 7).
 *
 * Plain arrays in, result structs out; no knowledge of files or databases.
 * Every function takes its output pointer first (`out`), returns 0 or a
 * negative LL_E* code (include/lleval/error.h) and writes a message into
 * `err` (may be NULL).  Nothing here allocates memory that the caller must
 * free: results are plain structs filled in place.  On failure every
 * double of *out is set to NAN, so that a failed result is never mistaken
 * for a number; on success no field is NAN (infinities only where the
 * comment of the field says so, as R gives them).
 *
 * Common errors:
 *   LL_EINPUT  misuse: NULL pointer where data are needed, a count < 0 or
 *              x > n, a level outside (0, 1), a non-finite data value.
 *   LL_EDOM    not computable with these data (n = 0, constant data,
 *              zero events where a ratio needs them, ...).
 *   LL_ENOMEM  a working copy could not be allocated.
 *   LL_ENOCONV a root could not be bracketed or did not converge (not
 *              expected for any table a program can hold).
 * Data arrays must hold finite values: NA handling is the caller's. */
#ifndef LLEVAL_STATS_H
#define LLEVAL_STATS_H

#include <stddef.h>

#include "lleval/error.h"

/* The multiplier of SPEC section 6's risk-ratio interval, 1.959964, as
 * written in the SPEC and used by the reference; qnorm(0.975) differs from
 * it by 8e-9 relative. */
#define LL_STATS_Z_RR 1.959964

/* ------------------------------------------------------------------ */
/* Descriptive statistics                                              */

/* *out = mean(x) as R computes it (long double sum, then one refinement
 * pass).  LL_EDOM when n = 0. */
int ll_stats_mean(double *out, const double *x, size_t n, ll_error *err);

/* *out = var(x), the sample variance with divisor n - 1 (two passes).
 * LL_EDOM when n < 2. */
int ll_stats_var(double *out, const double *x, size_t n, ll_error *err);

/* *out = sd(x) = sqrt(var(x)).  LL_EDOM when n < 2. */
int ll_stats_sd(double *out, const double *x, size_t n, ll_error *err);

/* *out = median(x): the middle value, or the mean of the two middle values
 * when n is even.  x is not modified (a sorted copy is made: LL_ENOMEM).
 * LL_EDOM when n = 0. */
int ll_stats_median(double *out, const double *x, size_t n, ll_error *err);

/* *out = quantile(x, prob, type = 7) for 0 <= prob <= 1 (LL_EINPUT
 * otherwise).  x is not modified (sorted copy: LL_ENOMEM).  LL_EDOM when
 * n = 0. */
int ll_stats_quantile(double *out, const double *x, size_t n, double prob, ll_error *err);

/* out[i] = quantile(x, probs[i], type = 7) for i < nprob: one sort for
 * several probabilities (Monte Carlo percentiles).  out has nprob
 * doubles owned by the caller.  Errors as ll_stats_quantile. */
int ll_stats_quantiles(double *out, const double *x, size_t n, const double *probs, size_t nprob,
                       ll_error *err);

/* As ll_stats_quantile for data already sorted ascending (not checked
 * beyond non-finite values); allocates nothing. */
int ll_stats_quantile_sorted(double *out, const double *sorted, size_t n, double prob,
                             ll_error *err);

/* out[i] = quantile(x, probs[i], type = 7) for i < nprob, reordering x in
 * place (a selection, not a sort: a column of millions of candidate rows
 * needs no copy).  Errors as ll_stats_quantiles but never LL_ENOMEM. */
int ll_stats_quantiles_inplace(double *out, double *x, size_t n, const double *probs,
                               size_t nprob, ll_error *err);

/* Moments of each column j < ncol of the n x ncol row-major matrix x, all
 * columns in one pass over the rows (a matrix may hold millions): mean[j]
 * and var[j], the sample variance (divisor used - 1; NAN with fewer than 2
 * values), or p (1 - p) from the mean for the columns with binary[j] set
 * (binary may be NULL).  With skip_na the NaN values of a column are left
 * out and used[j] counts the others (used may be NULL only without
 * skip_na; otherwise it gets n); a column without
 * values has mean NAN.  Plain double sums in row order, two passes.
 * Never fails. */
void ll_stats_col_moments(double *mean, double *var, size_t *used, const double *x, size_t n,
                          size_t ncol, const unsigned char *binary, int skip_na);

/* The mean of the non-NaN values of one sample, with its standard error. */
typedef struct ll_stats_mean_se {
    double mean;  /* NAN without values */
    double var;   /* sample variance (n - 1; NAN with fewer than 2 values), or
                   * p (1 - p) from the mean for a binary sample */
    double se;    /* sqrt(var / n); NAN with fewer than 2 values */
    size_t n;     /* values used */
} ll_stats_mean_se;

/* Mean, variance and standard error of the n values x, NaNs left out, as
 * ll_stats_col_moments (one column, skip_na) gives them; binary: the
 * variance is p (1 - p).  Never fails. */
void ll_stats_mean_se_of(ll_stats_mean_se *out, const double *x, size_t n, int binary);

/* The difference of two means a.mean - b.mean into *out with its unpooled
 * (Welch) standard error sqrt(a.var / a.n + b.var / b.n) into *se.
 * Returns 0, or LL_EDOM (both NAN) when a sample has fewer than 2 values. */
int ll_stats_mean_diff(double *out, double *se, const ll_stats_mean_se *a,
                       const ll_stats_mean_se *b);

/* The standard error sqrt(c' Sigma c) of the linear combination c'x of k
 * estimates x with covariance matrix cov (k x k, row-major); a negative
 * c' Sigma c (rounding) counts as 0.  Sums in row order.  Never fails. */
double ll_stats_lincomb_se(const double *c, const double *cov, size_t k);

/* ------------------------------------------------------------------ */
/* Proportions                                                         */

/* A point estimate with its interval. */
typedef struct ll_stats_ci {
    double estimate, conf_low, conf_high;
} ll_stats_ci;

/* One proportion x/n with the Wilson score interval at `level` (0.95):
 * prop.test(x, n, conf.level = level, correct = FALSE)$conf.int.  The lower
 * limit is exactly 0 when x = 0 and the upper exactly 1 when x = n, as in
 * R.  LL_EDOM when n = 0; LL_EINPUT when x < 0, x > n or level is not in
 * (0, 1). */
int ll_stats_wilson(ll_stats_ci *out, long x, long n, double level, ll_error *err);

/* Two proportions, treated (x_t of n_t) against comparison (x_c of n_c). */
typedef struct ll_stats_prop2 {
    double p_t, p_c;    /* x_t / n_t, x_c / n_c */
    double estimate;    /* risk difference p_t - p_c */
    double statistic;   /* Pearson X-squared, df 1, no continuity correction */
    double p_value;     /* pchisq(statistic, 1, lower.tail = FALSE) */
    double conf_low, conf_high; /* Newcombe hybrid score interval (method 10) */
} ll_stats_prop2;

/* Risk difference with Newcombe's method-10 interval, built from the two
 * Wilson intervals at `level`, and the chi-square test of
 * prop.test(c(x_t, x_c), c(n_t, n_c), correct = FALSE).
 * LL_EDOM when a group is empty (n = 0) or when no child or every child
 * has the event (R's X-squared is NaN then).  LL_EINPUT as ll_stats_wilson. */
int ll_stats_prop2_compute(ll_stats_prop2 *out, long x_t, long n_t, long x_c, long n_c,
                           double level, ll_error *err);

/* Risk ratio p_t / p_c with the log interval
 * exp(log RR -/+ z sqrt(1/x_t - 1/n_t + 1/x_c - 1/n_c)); pass z =
 * LL_STATS_Z_RR for SPEC section 6 (z must be > 0: LL_EINPUT).  LL_EDOM
 * when n_t or n_c is 0 or when x_t or x_c is 0 (the ratio or its log is
 * not finite).  When both groups have every child with the event the
 * ratio is 1 with a zero-width interval; SPEC 6 treats that contrast as not
 * computable, which is the caller's decision (ll_stats_prop2_compute
 * reports it). */
int ll_stats_risk_ratio(ll_stats_ci *out, long x_t, long n_t, long x_c, long n_c, double z,
                        ll_error *err);

/* E-value of a risk ratio (VanderWeele & Ding 2017, EValue::evalues.RR):
 * *out = RR* + sqrt(RR* (RR* - 1)), RR* = max(rr, 1/rr).  LL_EDOM when rr is
 * not finite and > 0. */
int ll_stats_evalue(double *out, double rr, ll_error *err);

/* E-value of the confidence limit nearer 1: 1 when conf_low <= 1 <=
 * conf_high, else the E-value of conf_low (interval above 1) or of
 * conf_high (interval below 1).  LL_EDOM when the limits are not finite,
 * positive and ordered. */
int ll_stats_evalue_ci(double *out, double conf_low, double conf_high, ll_error *err);

/* Fisher's exact test of a 2 x 2 table, as R's
 * fisher.test(matrix(c(x_t, n_t - x_t, x_c, n_c - x_c), 2), conf.level = level). */
typedef struct ll_stats_fisher {
    double estimate;  /* conditional MLE of the odds ratio; 0 or +INFINITY
                         when x_t is at the bottom or top of its support
                         (a zero cell), as R */
    double p_value;   /* two-sided: sum of the probabilities (odds ratio 1)
                         <= the observed one times 1 + 1e-7 */
    double conf_low;  /* exact conditional interval: 0 when x_t is at the
                         bottom of its support */
    double conf_high; /* +INFINITY when x_t is at the top of its support */
} ll_stats_fisher;

/* Fills *out as fisher.test does, except that every root (MLE and both
 * limits) is solved to full double precision (|error| about 1e-15
 * relative) where R's uniroot stops at about 1e-4.  The noncentral
 * hypergeometric distribution is computed in log space, so that no
 * table overflows.  LL_EDOM when a margin is empty (n_t = 0, n_c = 0, no
 * event or no non-event at all): the support is one point and R's answer
 * (estimate 0, interval 0 to Inf, p 1) carries no information.
 * LL_EINPUT as ll_stats_wilson.  LL_ENOCONV if a root cannot be found. */
int ll_stats_fisher_compute(ll_stats_fisher *out, long x_t, long n_t, long x_c, long n_c,
                            double level, ll_error *err);

/* Minimum detectable difference (SPEC 6 `mde`): the smallest root d in
 * (0, 1 - p_c) of
 *   d = z_a sqrt(pbar (1 - pbar) (1/n_t + 1/n_c))
 *       + z_b sqrt(p1 (1 - p1) / n_t + p_c (1 - p_c) / n_c),
 * p_c = x_c / n_c, p1 = p_c + d, pbar = (n_t p1 + n_c p_c) / (n_t + n_c),
 * z_a = qnorm((1 + level) / 2), z_b = qnorm(power); SPEC: level 0.95,
 * power 0.8.  Solved to about 1e-15.  LL_EDOM when n_t or n_c is 0, when
 * p_c = 1, or when no d below 1 - p_c is detectable (the sides do not
 * cross).  LL_EINPUT when level or power is not in (0, 1). */
int ll_stats_mde(double *out, long n_t, long x_c, long n_c, double level, double power,
                 ll_error *err);

/* ------------------------------------------------------------------ */
/* t tests (R t.test, two-sided, H0: mean or difference 0, 95% and the  */
/* like at `level`)                                                     */

typedef struct ll_stats_ttest {
    double estimate;  /* mean, mean difference, or mean_x - mean_y */
    double std_error; /* t.test()$stderr */
    double statistic; /* t = estimate / std_error */
    double df;        /* degrees of freedom (Welch-Satterthwaite for Welch) */
    double p_value;   /* 2 pt(-|t|, df) */
    double conf_low, conf_high; /* estimate -/+ qt((1 + level)/2, df) std_error */
} ll_stats_ttest;

/* One-sample t test of x: t.test(x, conf.level = level).  LL_EDOM when
 * n < 2 or the data are constant (std_error 0, or below R's
 * 10 DBL_EPSILON |mean| rule, where R stops with "data are essentially
 * constant" or gives NaN). */
int ll_stats_ttest_one(ll_stats_ttest *out, const double *x, size_t n, double level, ll_error *err);

/* Paired t test t.test(x, y, paired = TRUE): the one-sample test of the n
 * differences x[i] - y[i] (estimate: mean of x - y).  Errors as
 * ll_stats_ttest_one, plus LL_ENOMEM. */
int ll_stats_ttest_paired(ll_stats_ttest *out, const double *x, const double *y, size_t n,
                          double level, ll_error *err);

/* Welch two-sample t test t.test(x, y) (var.equal = FALSE); estimate is
 * mean(x) - mean(y).  LL_EDOM when nx < 2 or ny < 2 or both samples are
 * constant (R's "data are essentially constant"). */
int ll_stats_ttest_welch(ll_stats_ttest *out, const double *x, size_t nx, const double *y,
                         size_t ny, double level, ll_error *err);

/* ------------------------------------------------------------------ */
/* Wilcoxon signed-rank test                                            */

typedef struct ll_stats_wilcoxon {
    double statistic; /* V: sum of the ranks of the positive differences */
    double p_value;   /* two-sided, normal approximation */
    double z;         /* the standardised statistic behind p_value */
    size_t n;         /* non-zero differences used */
} ll_stats_wilcoxon;

/* wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE): zero
 * differences dropped, mid-ranks of |x - y| for ties, normal approximation
 * with the tie correction of the variance and the continuity correction
 * sign(z) 0.5.  LL_EDOM when no difference is non-zero; LL_ENOMEM. */
int ll_stats_wilcoxon_paired(ll_stats_wilcoxon *out, const double *x, const double *y, size_t n,
                             ll_error *err);

/* ------------------------------------------------------------------ */
/* Balance (SPEC 5)                                                    */

/* The standardised mean difference diff / denom as R gives it: NAN when
 * diff or denom is NAN (a group's variance undefined) or denom is 0 with
 * diff 0 (a constant column), +-INFINITY
 * when denom is 0 and diff is not (each group constant at a different
 * value). */
double ll_stats_smd_value(double diff, double denom);

/* SPEC 5's SMD: (mean_t - mean_c) / sqrt((var_t + var_c) / 2), the
 * variances those of the groups before matching (also for the SMD after
 * matching); NAN and infinite cases as ll_stats_smd_value. */
double ll_stats_smd(double mean_t, double mean_c, double var_t, double var_c);

/* SPEC 5's SMD of a binary covariate from group shares: (p_t - p_c) over
 * sqrt((b_t (1 - b_t) + b_c (1 - b_c)) / 2), the denominator from the shares
 * before matching (b_t, b_c; pass p_t, p_c again for the before SMD).  The
 * NAN and infinite cases are ll_stats_smd_value's. */
double ll_stats_smd_binary(double p_t, double p_c, double b_t, double b_c);

/* The variance ratio var_t / var_c as R gives it: INFINITY when only
 * var_c is 0, NAN when both are or either is NAN. */
double ll_stats_var_ratio_value(double var_t, double var_c);

#endif
