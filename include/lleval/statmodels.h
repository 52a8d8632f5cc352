/* Regression and survival models of the statistics library: logistic
 * regression (R's glm binomial), a random-intercept linear mixed model
 * fitted by REML (lme4::lmer), Kaplan-Meier curves (survfit), the log-rank
 * test (survdiff) and Cox regression with Efron ties (coxph).
 *
 * Plain arrays in, result structs out; no knowledge of files or databases.
 * Every fitting function takes its output pointer first (`out`), returns 0
 * or a negative LL_E* code (include/lleval/error.h) and writes a message
 * into `err` (may be NULL).  Result structs own all their arrays and are
 * released with the matching _free function (NULL is a no-op).
 *
 * Matrices are row-major: element (i, j) of an n x p matrix is X[i * p + j].
 * A design matrix is used as given: put a column of ones in it yourself
 * when the model has an intercept (as R's model.matrix does), conventionally
 * as column 0.  Intervals are 95% Wald intervals on the coefficient (link)
 * scale, estimate -/+ qnorm(0.975) * std.error; exponentiate them yourself
 * for odds or hazard ratios.  Two-sided p-values use the normal
 * distribution. */
#ifndef LLEVAL_STATMODELS_H
#define LLEVAL_STATMODELS_H

#include <stddef.h>

#include "lleval/error.h"

/* qnorm(0.975), the multiplier of every 95% interval here. */
#define LL_Z975 1.959963984540054

/* The coefficient table of every model here (glm, lmm, cox): p rows of
 * estimate, standard error, Wald statistic, two-sided normal p-value and
 * 95% Wald interval on the link scale, and the p x p covariance
 * (row-major).  Each fit holds one as `coefs`; its own names for the same
 * arrays (glm and cox: coef, se, z; lmm: beta, se, t) are kept beside it. */
typedef struct ll_coef_table {
    double *estimate, *se, *statistic, *p_value, *conf_low, *conf_high;
    double *cov;
} ll_coef_table;

/* The members of a fit that alias its table, under the model's own names. */
#define LL_COEF_TABLE_UNION(est, stat)                                          \
    union {                                                                    \
        ll_coef_table coefs;                                                   \
        struct {                                                               \
            double *est, *se, *stat, *p_value, *conf_low, *conf_high, *cov;    \
        };                                                                     \
    }

/* Allocates the arrays of a p-row table (zeroed), all in one block.
 * LL_OK or LL_ENOMEM (the table is then all NULL). */
int ll_coef_table_alloc(ll_coef_table *t, size_t p);

/* Frees the arrays of a table from ll_coef_table_alloc and sets them to
 * NULL; NULL is a no-op.  (The tables of ll_lmm and ll_cox live in their
 * fit's own block and go with ll_lmm_free and ll_cox_free.) */
void ll_coef_table_free(ll_coef_table *t);

/* Row j from its estimate and standard error: statistic est / se, p-value
 * 2 pnorm(-|est / se|), interval est -/+ LL_Z975 se. */
void ll_coef_table_wald(ll_coef_table *t, size_t j, double est, double se);

/* ------------------------------------------------------------------ */
/* Logistic regression: glm(y ~ X - 1, family = binomial) by IRLS.     */

/* Control of the IRLS iterations; ll_glm_control_init gives R's
 * glm.control() defaults. */
typedef struct ll_glm_control {
    int maxit;      /* maximum IRLS iterations (R: 25) */
    double epsilon; /* convergence: |dev - dev_old| / (|dev| + 0.1) < epsilon (R: 1e-8) */
} ll_glm_control;

/* A fitted logistic regression.  Arrays of length p are indexed like the
 * columns of X.  A column that is linearly dependent on earlier columns
 * (R's NA coefficient: like glm.fit, a column whose weighted norm falls
 * below min(1e-7, epsilon / 1000) times its own after projection on the
 * earlier kept columns, as in R's dqrdc2 limited pivoting) has
 * aliased[j] = 1 and NAN in coef, se, z, p_value, conf_low, conf_high and
 * in its row and column of cov; rank < p says that some column is aliased.
 * All other values are finite. */
typedef struct ll_glm {
    size_t n, p;       /* rows and columns of the design matrix */
    size_t rank;       /* number of columns not aliased */
    /* p rows: coef (log odds), se (summary.glm()'s), z = coef / se, p_value,
     * conf_low and conf_high (confint.default), cov (vcov, p x p) */
    LL_COEF_TABLE_UNION(coef, z);
    int *aliased;      /* p flags, 1 = aliased column */
    double *eta;       /* n linear predictors X coef (aliased columns excluded) */
    double deviance;   /* residual deviance at coef */
    double aic;        /* deviance + 2 rank (y is 0/1) */
    size_t df_residual; /* n - rank */
    int iter;          /* IRLS iterations used (R's fit$iter) */
    int converged;     /* 1 when R's convergence rule was met within maxit */
    int separation;    /* 1 when a fitted probability is within 10 DBL_EPSILON of 0 or 1 */
} ll_glm;

/* Fills ctl with R's defaults: maxit 25, epsilon 1e-8. */
void ll_glm_control_init(ll_glm_control *ctl);

/* Fits glm(y ~ X - 1, family = binomial("logit")) exactly as R's glm.fit:
 * starting values mustart = (y + 0.5) / 2, IRLS with R's convergence rule,
 * columns aliased at the last iteration dropped.  X is the n x p design
 * matrix (row-major, intercept column included by the caller), y the n
 * responses, each 0 or 1.  ctl may be NULL for the defaults.
 *
 * On success returns 0 and *out is a new fit owned by the caller
 * (ll_glm_free).  A fit whose only problem is numerical is still returned
 * in *out, for diagnosis, with a non-zero status:
 *   LL_ESEPARATION  fitted probabilities numerically 0 or 1 (complete or
 *                   quasi-complete separation; R's warning), converged or not;
 *   LL_ENOCONV      R's rule not met within maxit iterations.
 * The caller must then still free *out, and must not report its numbers.
 * Other errors leave *out NULL: LL_EINPUT (n or p zero, p over 65,535, y
 * not 0/1, a non-finite X), LL_EDOM (every column aliased), LL_ENOMEM.
 * An aliased column is not an error: check rank and aliased[].
 *
 * Cost: one pass over X per iteration accumulating X'WX (O(n p^2), no
 * n x n object; 2e6 x 16 fits in about 0.8 s).  When a column comes within
 * a relative 1e-3 of the span of the earlier ones, where X'WX cannot tell
 * what R would decide, that iteration takes an extra, backward-stable QR
 * pass (Givens rotations, about 0.5 s for 2e6 x 16); an exact dependence
 * found once is then reused.  X and y are only read, never kept. */
int ll_glm_fit(ll_glm **out, const double *X, size_t n, size_t p, const double *y,
               const ll_glm_control *ctl, ll_error *err);

/* A design matrix read in blocks: returns rows [first, first + count) of
 * it, row-major, either written into buf (count x p doubles, owned by the
 * fitter) or pointing into the caller's own storage; count is at most 256.
 * It must return the same values every time it is asked for a row, and it
 * may be called from two threads at once (other rows, another buf), so it
 * must write nothing but buf. */
typedef const double *(*ll_glm_rows_fn)(void *ctx, size_t first, size_t count, double *buf);

/* ll_glm_fit with the design matrix from rows(ctx, ...) instead of one
 * array, so that a caller holding the rows in a compact form need not
 * build the whole n x p matrix of doubles: the same fit, bit for bit (the
 * sums are formed alike, in the same order).  The rows are read once at
 * the start, on two threads; when their pairs of rows are mostly zeros (as
 * one-hot covariates make them) the fitter keeps a sparse copy (18 bytes
 * per column not zero in a pair: about 150 MB for 1.7 million propensity
 * rows, plus 24 bytes per row of weights) and runs each iteration over it
 * on two threads, every sum still formed by one thread in the one-thread
 * order; otherwise it reads the rows once per iteration.  Same ownership
 * and errors as ll_glm_fit (a bad value reported is the first in row
 * order). */
int ll_glm_fit_rows(ll_glm **out, ll_glm_rows_fn rows, void *ctx, size_t n, size_t p,
                    const double *y, const ll_glm_control *ctl, ll_error *err);

/* Frees a fit (NULL is a no-op). */
void ll_glm_free(ll_glm *fit);

/* ------------------------------------------------------------------ */
/* Linear mixed model with a random intercept, REML:                   */
/* lme4::lmer(y ~ X - 1 + (1 | cluster), REML = TRUE).                */

/* lme4's isSingular() tolerance on theta. */
#define LL_LMM_SINGULAR_TOL 1e-4

/* A fitted random-intercept model.  theta = sigma_b / sigma is at the exact
 * REML optimum (to about 1e-10), not where lme4's default optimiser stops. */
typedef struct ll_lmm {
    size_t n, p;       /* observations and fixed-effect columns */
    size_t n_groups;   /* distinct clusters */
    /* p rows: beta (fixed effects), se (summary(fit)$coefficients), t =
     * beta / se, p_value 2 pnorm(-|t|) (normal, as SPEC section 6), conf_low
     * and conf_high, cov (vcov of beta, p x p) */
    LL_COEF_TABLE_UNION(beta, t);
    double theta;      /* sigma_b / sigma */
    double sigma2;     /* residual variance sigma^2 */
    double tau2;       /* random-intercept variance sigma_b^2 = theta^2 sigma^2 */
    double reml;       /* REML criterion (-2 restricted log-likelihood), lme4's REMLcrit */
    int singular;      /* 1 when theta < LL_LMM_SINGULAR_TOL (isSingular) */
} ll_lmm;

/* Fits y = X beta + b[cluster] + e, b ~ N(0, tau2), e ~ N(0, sigma2), by
 * REML, profiling beta and sigma2 out and minimising the REML criterion
 * over theta >= 0 (grid, Brent minimiser, then a root of the analytic
 * derivative).  X is the n x p fixed-effect design (row-major, intercept
 * column included by the caller); y the n responses; cluster the n cluster
 * identifiers, any values in any order (rows need not be sorted).  Rows
 * with non-finite values are an error: drop NA rows first.  Costs
 * O(n p^2 + n log n).
 *
 * On success returns 0 and *out is a new fit owned by the caller
 * (ll_lmm_free).  A singular fit (theta < 1e-4, lme4's isSingular) returns
 * LL_ESINGULAR with the fit still in *out (singular = 1), which the caller
 * must free.  Other errors leave *out NULL: LL_EINPUT (n or p zero,
 * non-finite data), LL_EDOM (X rank deficient, lme4's tolerance 1e-7,
 * where lme4 would drop columns; zero residuals; n <= p; fewer than 2
 * clusters or as many clusters as observations, which lme4 refuses),
 * LL_ENOCONV (no optimum found for theta <= 1e8), LL_ENOMEM. */
int ll_lmm_fit(ll_lmm **out, const double *X, size_t n, size_t p, const double *y,
               const long *cluster, ll_error *err);

/* Frees a fit (NULL is a no-op). */
void ll_lmm_free(ll_lmm *fit);

/* ------------------------------------------------------------------ */
/* Kaplan-Meier: survfit(Surv(time, event) ~ 1, conf.type = "log").    */

/* The curve at each distinct observed time (events or censorings). */
typedef struct ll_km {
    size_t n;          /* subjects */
    size_t n_times;    /* distinct observed times */
    double *time;      /* n_times ascending times */
    size_t *n_risk;    /* subjects with time >= time[k] */
    size_t *n_event;   /* events at time[k] */
    size_t *n_censor;  /* censorings at time[k] */
    double *surv;      /* S(time[k]) */
    double *cumhaz_se; /* Greenwood SE of -log S: sqrt(sum d / (r (r - d))); INFINITY once S = 0 */
} ll_km;

/* One point of summary(fit, times = t). */
typedef struct ll_km_point {
    double time;       /* t */
    size_t n_risk;     /* subjects with time >= t */
    size_t n_event;    /* events at times <= t (cumulative) */
    double surv;       /* S at the last event time <= t (1 before any) */
    int ci_defined;    /* 0 when surv == 0: std_err and limits are then NAN (R: NA) */
    double std_err;    /* Greenwood standard error of S (summary.survfit's std.err) */
    double lower;      /* exp(log S - LL_Z975 * se(-log S)) */
    double upper;      /* exp(log S + LL_Z975 * se(-log S)), capped at 1 */
} ll_km_point;

/* Estimates the Kaplan-Meier curve of n subjects: time[i] finite, event[i]
 * 1 (event) or 0 (censored).  Returns 0 and a new curve in *out (caller
 * frees with ll_km_free); LL_EINPUT for n = 0 or bad values, LL_ENOMEM;
 * *out is NULL on error. */
int ll_km_fit(ll_km **out, const double *time, const int *event, size_t n, ll_error *err);

/* Evaluates km at time t as summary(fit, times = t) does.  Returns 0 and
 * fills *out; LL_EDOM when t is after the last observed time (R drops
 * such times), LL_EINPUT for a non-finite t. */
int ll_km_at(ll_km_point *out, const ll_km *km, double t, ll_error *err);

/* Frees a curve (NULL is a no-op). */
void ll_km_free(ll_km *km);

/* ------------------------------------------------------------------ */
/* Log-rank test: survdiff(Surv(time, event) ~ group) (rho = 0).       */

typedef struct ll_logrank {
    size_t n_groups;   /* groups 0 .. n_groups - 1 */
    size_t *n;         /* n_groups subjects per group */
    double *obs;       /* n_groups observed events */
    double *exp;       /* n_groups expected events */
    double *var;       /* n_groups x n_groups variance of obs - exp, row-major */
    double chisq;      /* chi-square statistic */
    int df;            /* groups with exp > 0, minus 1 */
    double p_value;    /* pchisq(chisq, df, lower.tail = FALSE) */
} ll_logrank;

/* Compares the survival of n subjects in n_groups groups (group[i] in
 * 0 .. n_groups - 1; time finite; event 0/1), as survdiff: the chi-square
 * uses the groups with exp > 0, dropping the first of them.  Returns 0 and
 * a new result in *out (caller frees with ll_logrank_free); LL_EDOM when
 * fewer than two groups have expected events (e.g. all censored);
 * LL_EINPUT for bad values; LL_ESINGULAR for a singular variance; LL_ENOMEM.
 * *out is NULL on error. */
int ll_logrank_test(ll_logrank **out, const double *time, const int *event,
                    const int *group, size_t n, size_t n_groups, ll_error *err);

/* Frees a result (NULL is a no-op). */
void ll_logrank_free(ll_logrank *lr);

/* ------------------------------------------------------------------ */
/* Cox proportional hazards, Efron ties:                               */
/* coxph(Surv(time, event) ~ X, ties = "efron").                       */

typedef struct ll_cox {
    size_t n, p;       /* subjects and covariates */
    size_t n_event;    /* events */
    /* p rows: coef (log hazard ratios), se, z = coef / se, p_value,
     * conf_low and conf_high (exp() gives exp(confint)), cov (the inverse
     * information, p x p) */
    LL_COEF_TABLE_UNION(coef, z);
    double loglik0;    /* partial log-likelihood at coef = 0 */
    double loglik;     /* at coef */
    int iter;          /* Newton-Raphson iterations (coxph's fit$iter) */
} ll_cox;

/* Fits the Cox model to n subjects with covariates X (n x p row-major, no
 * intercept column), time finite and event 0/1, by coxph's Newton-Raphson
 * (start 0, step halving, stop when |1 - loglik_old / loglik| <= 1e-9,
 * at most 20 iterations).  Returns 0 and a new fit in *out (caller frees
 * with ll_cox_free).  Errors leave *out NULL: LL_EDOM when there are no
 * events, when a two-valued covariate has a level without events (for
 * `~ treated`: a group with no events; the estimate would be infinite) or
 * when coxph would warn that a coefficient may be infinite; LL_ESINGULAR
 * when the information matrix is singular (e.g. a constant covariate);
 * LL_ENOCONV after 20 iterations; LL_EINPUT; LL_ENOMEM. */
int ll_cox_fit(ll_cox **out, const double *time, const int *event, const double *X,
               size_t n, size_t p, ll_error *err);

/* Frees a fit (NULL is a no-op). */
void ll_cox_free(ll_cox *fit);

#endif
