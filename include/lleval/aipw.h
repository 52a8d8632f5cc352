/* Doubly robust estimate of the average effect on the treated (ATT) by
 * augmented inverse probability weighting (AIPW; Glynn & Quinn 2010), as
 * SPEC section 6 "Adjusted effects" defines it, for any outcome: binary
 * (outcome model glm binomial) or continuous (lm).
 *
 * Two steps, so that one propensity model serves several outcomes (the
 * cost components of SPEC 7 share the fitted rows and the propensity and
 * add their own columns to the outcome model):
 *   1. ll_aipw_propensity_fit: glm(T ~ X, binomial) on the fitted rows;
 *   2. ll_aipw_outcome, once per outcome: the outcome model on the
 *      comparison rows, tau, its influence values phi_i and the SE;
 *   3. ll_aipw_cov: the covariance of two outcomes' estimates from their
 *      phi's.
 *
 * Covariate matrices are row-major, n x k, WITHOUT an intercept column (it
 * is added here), rows in the caller's order of fitted rows (SPEC 6:
 * treated first, then comparison, each by la then child), columns in the
 * order that decides aliasing (SPEC 6's column order).  Every value must be
 * finite: the caller leaves rows with missing values out.
 *
 * "Not computable" (SPEC 6's list) is not an error: the functions return 0
 * with computable = 0 and the reason in `why`, for the estimates row's
 * method cell.  Errors (negative status, message in err) are bad arguments
 * (LL_EINPUT) and LL_ENOMEM only. */
#ifndef LLEVAL_AIPW_H
#define LLEVAL_AIPW_H

#include <stddef.h>

#include "lleval/error.h"

#define LL_AIPW_WHY 160

/* Outcome model family. */
typedef enum ll_aipw_family {
    LL_AIPW_BINOMIAL, /* glm(y ~ X, binomial) on the comparison rows; y 0/1 */
    LL_AIPW_GAUSSIAN  /* lm(y ~ X) on the comparison rows */
} ll_aipw_family;

/* How a covariate column entered a model. */
enum {
    LL_AIPW_COL_KEPT = 1,      /* has a coefficient */
    LL_AIPW_COL_CONSTANT = 0,  /* constant over the model's rows: dropped */
    LL_AIPW_COL_ALIASED = -1   /* linearly dependent on earlier columns (R's NA coefficient) */
};

/* The propensity model and the weights it gives. */
typedef struct ll_aipw_ps {
    size_t n, n1;       /* fitted rows; treated ones */
    size_t k;           /* covariate columns given */
    int *treated;       /* n: 1 treated, 0 comparison (a copy) */
    double *e;          /* n fitted probabilities (NULL when the glm was not fitted) */
    double *w;          /* n: e/(1-e) for comparison rows, 0 for treated rows (NULL as e) */
    int *col;           /* k: LL_AIPW_COL_* of each covariate in the propensity model */
    size_t p;           /* coefficients of the propensity model, intercept included, aliased not */
    double ess;         /* (sum w)^2 / sum w^2 over comparison rows; NAN unless computable */
    int computable;     /* 0: why says why; ll_aipw_outcome then gives the same reason */
    char why[LL_AIPW_WHY];
} ll_aipw_ps;

/* One outcome's estimate.  Numbers are NAN unless computable. */
typedef struct ll_aipw_result {
    size_t n, n1;       /* fitted rows; treated ones */
    size_t p, q;        /* coefficients of the propensity and outcome models (intercepts
                         * included, aliased not) */
    size_t k;           /* outcome covariate columns given */
    int *col;           /* k: LL_AIPW_COL_* of each column in the outcome model */
    double tau;         /* A - B, the ATT */
    double se;          /* sqrt(sum phi^2 / (n (n - p - q))) */
    double z, p_value;  /* tau / se and 2 pnorm(-|z|); NAN when se = 0 */
    double conf_low, conf_high; /* tau -/+ qnorm(0.975) se */
    double mean_treated; /* mean outcome of the treated fitted rows (p_t of SPEC 6) */
    double ess;         /* the comparison weights' effective sample size */
    double *phi;        /* n influence values (NULL unless computable) */
    double *m0;         /* n outcome-model predictions (NULL unless computable) */
    int computable;
    char why[LL_AIPW_WHY];
} ll_aipw_result;

/* Fits the propensity model glm(T ~ X, binomial) (R's glm.fit, intercept
 * added, columns constant over the n rows dropped, aliased columns as R's
 * pivoted QR at glm.fit's tolerance) and the weights w = e/(1-e).
 * treated[i] is 1 or 0; X is n x k (k may be 0: intercept only).
 * Not computable (computable = 0, why filled): fewer than 2 treated or 2
 * comparison rows; the glm not converging by R's rule; a comparison row's
 * e above 1 - 1e-8 (the groups do not overlap).  A glm that converges with
 * fitted probabilities near 0 or 1 (R's separation warning) is used.
 * Returns 0 and a new object in *out (caller frees with
 * ll_aipw_propensity_free); LL_EINPUT for n = 0, a treated value not 0/1 or
 * a non-finite X; LL_ENOMEM.  *out is NULL on error. */
int ll_aipw_propensity_fit(ll_aipw_ps **out, const int *treated, const double *X, size_t n,
                           size_t k, ll_error *err);

/* Frees ps (NULL is a no-op). */
void ll_aipw_propensity_free(ll_aipw_ps *ps);

/* The AIPW estimate of the ATT for outcome y (n values, rows as in ps),
 * with the outcome model on the comparison rows: glm(y ~ Xo, binomial) or
 * lm(y ~ Xo) (Xo n x ko, intercept added, columns constant over the
 * comparison rows dropped, aliased columns dropped as R does: lm's QR
 * tolerance 1e-7, glm's 1e-11 per iteration), predicted for every row with
 * aliased coefficients contributing 0.  Then, SPEC 6: r = y - m0,
 * A = mean of r over treated rows, B = sum w r / sum w over comparison rows,
 * tau = A - B, phi_i = (n/n1) T_i (r_i - A) - (n/W)(1 - T_i) w_i (r_i - B),
 * se = sqrt(sum phi^2 / (n (n - p - q))).
 * Not computable: ps not computable (its reason); a binary outcome constant
 * over the comparison rows; the outcome glm not converging; n - p - q < 1.
 * Returns 0 and a new result in *out (caller frees with ll_aipw_free; it
 * owns phi and m0); LL_EINPUT for a NULL ps, a non-finite y or Xo, a
 * binomial y not 0/1; LL_ENOMEM.  *out is NULL on error. */
int ll_aipw_outcome(ll_aipw_result **out, const ll_aipw_ps *ps, const double *y,
                    const double *Xo, size_t ko, ll_aipw_family family, ll_error *err);

/* Frees r (NULL is a no-op). */
void ll_aipw_free(ll_aipw_result *r);

/* The covariance of the estimates of two outcomes of the same propensity
 * fit: sum_i phi_ai phi_bi / (n sqrt((n - p - q_a)(n - p - q_b))), which is
 * SPEC 7's sum phi_k phi_l / (n (n - p - q)) when q_a = q_b and se^2 when
 * a = b.  Returns 0 and *out; LL_EDOM when either is not computable;
 * LL_EINPUT when they do not share n and p. */
int ll_aipw_cov(double *out, const ll_aipw_result *a, const ll_aipw_result *b, ll_error *err);

#endif
