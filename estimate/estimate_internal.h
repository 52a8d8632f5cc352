/* Internals of the estimate module shared between its files. */
#ifndef LLEVAL_ESTIMATE_INTERNAL_H
#define LLEVAL_ESTIMATE_INTERNAL_H

#include "lleval/estimate.h"

#include <stdarg.h>
#include <stddef.h>

/* The state of one ll_estimate_all call: the cohort, the table being
 * built and scratch arrays of n doubles each. */
typedef struct est_ctx {
    const ll_est_child *c;
    size_t n;
    const ll_est_options *opt;
    ll_estimates *t;
    ll_error *err;
    double *a, *b;   /* scratch, n each */
    double *a2, *b2; /* scratch, n each */
} est_ctx;

/* Appends a row with every number empty; NULL when out of memory. */
ll_estimate *est_add(ll_estimates *t, const char *outcome, const char *estimand,
                     const char *group, const char *term);

/* printf into r->method. */
void est_method(ll_estimate *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Sets r's inference numbers: estimate, std.error, statistic, p.value and
 * the confidence interval. */
void est_set(ll_estimate *r, double estimate, double std_error, double statistic,
             double p_value, double conf_low, double conf_high);

/* The double field at byte offset off of child c (offsetof(ll_est_child, x)). */
#define EST_FIELD(c, off) (*(const double *)((const char *)(c) + (off)))

/* Outcome groups of section 6, each appending its rows in SPEC order.
 * Return 0, LL_ENOMEM or LL_EINTERNAL. */
int est_binary(est_ctx *x, const char *outcome, size_t off, int full);
int est_placements(est_ctx *x);
int est_sdq(est_ctx *x);
int est_programme(est_ctx *x);
int est_homelessness(est_ctx *x);
int est_adjusted_or(est_ctx *x, ll_estimate *r, size_t off);
int est_mixed_model(est_ctx *x);

/* The adjusted effects (estimate/adjusted.c). */
#define EST_X_COLS LL_EST_X_COLS
/* The fitted rows for the outcome at off (non-NA outcome and covariates),
 * treated first, then comparison, each in cohort order, as indices into
 * x->c; returns their number. */
size_t est_fitted_rows(const est_ctx *x, size_t off, size_t *rows);
/* Fills r (n, numbers, method or reason) with the AIPW estimate for the
 * outcome at off (binary: outcome glm binomial, else lm); *ptbar gets the
 * treated fitted rows' mean outcome (NAN unless computable).  Returns 0,
 * LL_ENOMEM or LL_EINTERNAL. */
int est_aipw(est_ctx *x, ll_estimate *r, size_t off, int binary, double *ptbar);
/* adjusted_e_value rows point (ep) and ci_limit (ec) from the adjusted
 * risk difference row rd and p_t. */
void est_adjusted_evalues(ll_estimate *ep, ll_estimate *ec, const ll_estimate *rd, double pt);
/* The subgroup rows of stable_12m (estimate/subgroups.c). */
int est_subgroups(est_ctx *x, size_t off);

/* The two-by-two counts of a binary contrast. */
typedef struct est_two {
    long xt, nt, xc, nc;
} est_two;

/* Basic estimators on one row each (estimate/basic.c).  Each fills n (and
 * events where SPEC 6 says so) and either the numbers and `method`, or the
 * reason the row cannot be computed. */
void est_proportion(ll_estimate *r, long x, long n, const char *method);
/* risk_difference, risk_ratio, e_value point, e_value ci_limit, odds_ratio */
void est_contrasts(ll_estimate *rows[5], const est_two *b);
/* Why a binary contrast cannot be computed (NULL when it can). */
const char *est_binary_why(const est_two *b);
void est_mde(ll_estimate *r, const est_two *b);
/* A risk_difference row (n, events, numbers and method, or the reason). */
void est_risk_difference(ll_estimate *r, const est_two *b, const char *method);
void est_mean(ll_estimate *r, const double *v, size_t n);
void est_median(ll_estimate *r, const double *v, size_t n);
void est_paired(ll_estimate *r, const double *after, const double *before, size_t n,
                const char *method);
void est_welch(ll_estimate *r, const double *a, size_t na, const double *b, size_t nb,
               const char *method);
void est_wilcoxon(ll_estimate *r, const double *after, const double *before, size_t n);

/* The level of child c for subgroup variable v (0 age, 1 sex, 2 placement,
 * 3 legal; SPEC 6 order), or -1 when it is not known. */
int est_subgroup_level(const ll_est_child *c, size_t v);

#endif
