/* Meta-analysis of a few studies (SPEC section 10): the pooled effect of
 * several local authorities' estimates, each with its standard error.
 *
 *   ll_meta_fixed   fixed effect, inverse variance: metafor::rma(yi, sei = se,
 *                   method = "FE")
 *   ll_meta_reml    random effects, tau^2 by REML (Fisher scoring with step
 *                   halving, tau^2 >= 0): rma(yi, sei = se, method = "REML",
 *                   control = list(threshold = 1e-12, maxiter = 10000))
 *   ll_meta_mh_rd   Mantel-Haenszel risk difference over 2x2 tables with
 *                   Sato's variance: rma.mh(ai, bi, ci, di, measure = "RD")
 *
 * Every test and interval is the normal one of metafor's default test = "z":
 * z = estimate / SE, p = 2 Phi(-|z|), CI estimate -/+ qnorm(0.975) SE.
 * Plain arrays in, a struct filled in place out; nothing to free.  On
 * failure every double of *out is NAN.  Errors:
 *   LL_EINPUT  NULL data, a non-finite estimate, a standard error that is
 *              not finite and > 0, a negative count.
 *   LL_EDOM    fewer studies than the method needs (two for the
 *              inverse-variance models; one usable table for MH), or an
 *              all-zero table set.
 *   LL_ENOCONV REML did not converge within LL_META_MAXITER iterations. */
#ifndef LLEVAL_META_H
#define LLEVAL_META_H

#include "lleval/error.h"

#include <stddef.h>

/* metafor's control = list(threshold = 1e-12, maxiter = 10000). */
#define LL_META_THRESHOLD 1e-12
#define LL_META_MAXITER 10000

/* One pooled estimate with its heterogeneity statistics. */
typedef struct ll_meta_result {
    size_t k;             /* studies (tables) used */
    double estimate, std_error;
    double statistic;     /* z = estimate / std_error */
    double p_value;       /* 2 Phi(-|z|) */
    double conf_low, conf_high;
    double tau2;          /* 0 for the fixed effect; NAN for Mantel-Haenszel */
    double i2;            /* percent, as SPEC 10 (and metafor) define it */
    double q, q_df, q_p_value; /* Cochran's Q, k - 1, pchisq(Q, k - 1, upper) */
    int iterations;       /* Fisher scoring iterations (REML only, else 0) */
} ll_meta_result;

/* Fixed-effect (inverse-variance) pooling of the k estimates y with
 * standard errors se.  Q = sum w (y - est)^2 with w = 1/se^2, df = k - 1,
 * I^2 = max(0, 100 (Q - df) / Q) (0 when Q = 0), tau2 = 0.  Needs k >= 2
 * (LL_EDOM). */
int ll_meta_fixed(ll_meta_result *out, const double *y, const double *se, size_t k,
                  ll_error *err);

/* Random-effects pooling with tau^2 by REML, found by metafor's Fisher
 * scoring from the Hedges (HE) starting value, each step halved while it
 * would make tau^2 negative, until a step changes tau^2 by at most
 * LL_META_THRESHOLD (or, for a large tau^2 whose last bits the absolute
 * threshold cannot resolve, by at most 8 DBL_EPSILON tau^2); then metafor's
 * check that tau^2 = 0 has no higher restricted likelihood.  Estimate and SE with weights 1/(se^2 + tau^2); Q and
 * its df and p as ll_meta_fixed; I^2 = 100 tau^2 / (tau^2 + v~),
 * v~ = (k - 1) / (sum w - sum w^2 / sum w).  Needs k >= 2 (LL_EDOM);
 * LL_ENOCONV when LL_META_MAXITER iterations do not reach the threshold. */
int ll_meta_reml(ll_meta_result *out, const double *y, const double *se, size_t k,
                 ll_error *err);

/* Mantel-Haenszel risk difference over k 2x2 tables: a[i] events and b[i]
 * non-events in the first (treated) arm, c[i] and d[i] in the second
 * (comparison) arm; the difference is first arm minus second.  A table with
 * no events in both arms or only events in both arms, or with an empty
 * arm, is left out of everything (SPEC 10; rma.mh with drop00 = c(TRUE,
 * TRUE), i.e. rma.mh on the tables kept); used[i] (may be NULL; k entries
 * owned by the caller) is set to 1 for a table used and 0 for one left
 * out.  Estimate sum(a n2/N - c n1/N) / sum(n1 n2/N); SE from Sato's
 * variance (Sato, Greenland & Robins 1989), as rma.mh.  Q = max(0, sum w_i
 * (RD_i - estimate)^2) around the MH estimate (as rma.mh), from each
 * table's own RD_i and variance p1(1-p1)/n1 + p2(1-p2)/n2 (escalc, vtype
 * "LS") with 1/2 added to every cell of a table that has a zero cell,
 * w_i = 1/variance; df = tables used - 1; I^2 = max(0, 100 (Q - df) / Q);
 * one table used: Q = 0, df = 0, p = 1, I^2 = 0.  tau2 is NAN.  LL_EDOM
 * when no table is left; LL_EINPUT for a negative count. */
int ll_meta_mh_rd(ll_meta_result *out, const long *a, const long *b, const long *c,
                  const long *d, size_t k, int *used, ll_error *err);

/* One 2x2 table's own risk difference a/(a+b) - c/(c+d) into *rd and its
 * variance p1(1-p1)/n1 + p2(1-p2)/n2 into *var, with 1/2 added to every
 * cell when one is 0: escalc(measure = "RD", add = 1/2, to = "only0"),
 * vtype "LS" (the terms of ll_meta_mh_rd's Q, and each authority's own
 * figure in the pooled report).  The caller makes sure a + b and c + d are
 * not 0. */
void ll_meta_table_rd(double *rd, double *var, long a, long b, long c, long d);

/* The same risk difference with its 95% Wald interval rd -/+ z sqrt(var)
 * (z = qnorm(0.975)) into out[0..2] (estimate, low, high): each
 * authority's row of the pooled report (metafor's forest plot of escalc's
 * yi and vi). */
void ll_meta_table_rd_ci(double out[3], long a, long b, long c, long d);

#endif
