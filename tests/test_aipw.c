/* Tests of the AIPW estimator (stats/aipw.c) against R.  The reference
 * values are literals printed by fixtures/aipw/aipw_reference.R (R 4.2.2),
 * which writes SPEC 6's formulas with glm, lm and predict; the data below
 * are the same vectors. */
#include "testutil.h"

#include "lleval/aipw.h"
#include "lleval/error.h"

#include <stdio.h>

#define REL 1e-6
#define N 20

static const int T_[N] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const double X1[N] = {0.5, 1.2, -0.3, 2.1, 0.0,  1.5, 0.8, 1.9, -0.7, 0.3,
                             1.1, -2.0, 0.6, 1.4, -0.9, 0.2, -1.1, 0.9, -0.4, -1.3};
static const double X2[N] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0};
static const double X4[N] = {1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const double X5[N] = {3.1, 2.8, 3.5, 2.2, 4.0, 2.9, 3.3, 0.4, 0.1, -0.5,
                             0.3, -1.0, 0.2, 0.5, 2.5, -0.2, 0.0, -0.8, 0.6, -0.3};
static const double YB[N] = {1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0};
static const double YC[N] = {2, 1, 3, 0, 1, 2, 1, 0, 3, 1, 0, 4, 2, 1, 2, 3, 0, 2, 1, 3};

/* n x k matrix from up to three column vectors. */
static double *design(size_t k, const double *a, const double *b, const double *c)
{
    const double *cols[3] = {a, b, c};
    double *X = malloc(N * (k + 1) * sizeof *X);
    ck_assert(X != NULL);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < k; j++)
            X[i * k + j] = cols[j] ? cols[j][i] : 0.0;
    return X;
}

typedef struct ref {
    double tau, se, ess, pval, mt, phi1, phi20;
    size_t p, q;
} ref;

static void check_ref(const ll_aipw_result *r, const ref *w)
{
    ck_assert_msg(r->computable, "not computable: %s", r->why);
    ck_assert_uint_eq(r->p, w->p);
    ck_assert_uint_eq(r->q, w->q);
    ck_assert_rel(r->tau, w->tau, REL);
    ck_assert_rel(r->se, w->se, REL);
    ck_assert_rel(r->ess, w->ess, REL);
    ck_assert_rel(r->p_value, w->pval, REL);
    ck_assert_rel(r->mean_treated, w->mt, REL);
    ck_assert_rel(r->phi[0], w->phi1, REL);
    ck_assert_rel(r->phi[N - 1], w->phi20, REL);
    ck_assert_rel(r->conf_low, w->tau - 1.959963984540054 * w->se, REL);
    ck_assert_rel(r->conf_high, w->tau + 1.959963984540054 * w->se, REL);
}

/* The propensity fitted on X (k columns), which must succeed. */
static ll_aipw_ps *ps_fit(const double *X, size_t k)
{
    ll_aipw_ps *ps = NULL;
    ll_error err;
    ck_assert_msg(ll_aipw_propensity_fit(&ps, T_, X, N, k, &err) == 0, "%s", err.msg);
    return ps;
}

/* Fits the propensity on X (k columns) and one outcome on the same X. */
static void run(const double *X, size_t k, const double *y, ll_aipw_family fam, const ref *w)
{
    ll_aipw_ps *ps = ps_fit(X, k);
    ll_aipw_result *r = NULL;
    ll_error err;
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, y, X, k, fam, &err), 0);
    check_ref(r, w);
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);
}

/* run() of the continuous outcome YC against g and the binary YB against b. */
static void run_both(const double *X, size_t k, const ref *g, const ref *b)
{
    run(X, k, YC, LL_AIPW_GAUSSIAN, g);
    run(X, k, YB, LL_AIPW_BINOMIAL, b);
}

/* No covariates: tau is the crude difference of means (R: none.*). */
START_TEST(aipw_no_covariates_is_crude)
{
    const ref b = {0.33333333333333331, 0.2203334080424221, 12.000000000000002, 0.1303155313642303, 0.75, 0.625, 0.69444444444444442, 1, 1};
    run(NULL, 0, YB, LL_AIPW_BINOMIAL, &b);
    const ref g = {-0.58333333333333337, 0.51626079239209799, 12.000000000000002, 0.25850998565302707, 1.25, 1.875, -1.9444444444444444, 1, 1};
    run(NULL, 0, YC, LL_AIPW_GAUSSIAN, &g);
    /* mean(yb[T==1]) - mean(yb[T==0]) = 6/8 - 5/12 */
    ck_assert_rel(b.tau, 6.0 / 8.0 - 5.0 / 12.0, 1e-15);
}
END_TEST

/* x3 = x1 - 2 x2: aliased in both models (R: rankdef.*). */
START_TEST(aipw_rank_deficient)
{
    double *X = design(3, X1, X2, NULL);
    for (size_t i = 0; i < N; i++)
        X[i * 3 + 2] = X1[i] - 2 * X2[i];
    const ref g = {0.44741395809631723, 0.49863849698097379, 3.7428599242004634, 0.36957422520321803, 1.25, 1.3614008385689791, -0.051361239090233497, 3, 3},
              b = {-0.0067856741792570729, 0.22411928410144352, 3.7428599242004634, 0.97584608749795199, 0.75, 0.67333952689030441, 0.02131188445253979, 3, 3};
    run_both(X, 3, &g, &b);
    ll_aipw_ps *ps = ps_fit(X, 3);
    ck_assert_int_eq(ps->col[2], LL_AIPW_COL_ALIASED);
    ck_assert_int_eq(ps->col[0], LL_AIPW_COL_KEPT);
    ll_aipw_propensity_free(ps);
    free(X);
}
END_TEST

/* x4 varies only among treated rows: kept (quasi-separating) in the
 * propensity model, dropped from the outcome model (R: constc.*). */
START_TEST(aipw_constant_among_comparison)
{
    double *X = design(3, X1, X4, X2);
    const ref g = {0.19909072986134491, 0.48006161022871607, 4.5312930489310341, 0.67834753183039553, 1.25, 1.3614008385689791, -0.036349843406167565, 4, 3},
              b = {0.043451557920020964, 0.26184387767857514, 4.5312930489310341, 0.86820060730697457, 0.75, 0.67333952689030441, 0.019190940405300089, 4, 3};
    run_both(X, 3, &g, &b);
    ll_aipw_ps *ps = ps_fit(X, 3);
    ll_aipw_result *r = NULL;
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, YC, X, 3, LL_AIPW_GAUSSIAN, NULL), 0);
    ck_assert_int_eq(ps->col[1], LL_AIPW_COL_KEPT);
    ck_assert_int_eq(r->col[1], LL_AIPW_COL_CONSTANT);
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);
    free(X);
}
END_TEST

/* x5 nearly separates the groups: treated e up to 0.99999, one comparison
 * row overlapping (R: nearsep.gaussian; glm converges in 8 iterations). */
START_TEST(aipw_near_separation)
{
    double *X = design(2, X5, X2, NULL);
    const ref g = {0.097926222024404153, 0.68318489676789895, 1.9794191942230279, 0.88602340172993876, 1.25, 1.5132568634825116, -0.12324696877598709, 3, 3};
    run(X, 2, YC, LL_AIPW_GAUSSIAN, &g);
    free(X);
}
END_TEST

/* x6 = x1 - 2 x2 + eps z: with eps = 1e-9 lm (tol 1e-7) drops x6 while
 * the propensity glm (tol 1e-11) keeps it; with 1e-5 both keep it
 * (R: nearalias*.gaussian). */
START_TEST(aipw_near_aliasing_tolerances)
{
    static const double Z[N] = {0.3, -0.1, 0.4, -0.2, 0.1, 0.5, -0.4, 0.2, 0.1, -0.3,
                                0.2, 0.4,  -0.5, 0.3, -0.2, 0.1, 0.6, -0.1, 0.2, -0.4};
    double *X = design(3, X1, X2, NULL);
    for (size_t i = 0; i < N; i++)
        X[i * 3 + 2] = X1[i] - 2 * X2[i] + 1e-9 * Z[i];
    /* So close to aliased that R's own propensity (kept at glm's 1e-11)
     * is only good to about 1e-7: its fitted values differ by that much from
     * the same model written glm(T ~ x1 + x2 + z).  The point here is the
     * two tolerances (p 4, q 3); the numbers are checked to 1e-5. */
    ll_aipw_ps *ps = ps_fit(X, 3);
    ll_aipw_result *r = NULL;
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, YC, X, 3, LL_AIPW_GAUSSIAN, NULL), 0);
    ck_assert_uint_eq(r->p, 4);
    ck_assert_uint_eq(r->q, 3);
    ck_assert_int_eq(ps->col[2], LL_AIPW_COL_KEPT);
    ck_assert_int_eq(r->col[2], LL_AIPW_COL_ALIASED);
    ck_assert_rel(r->tau, 0.50272021108547571, 1e-5);
    ck_assert_rel(r->se, 0.5077195209825317, 1e-5);
    ck_assert_rel(r->ess, 3.2805070684441353, 1e-5);
    ck_assert_rel(r->phi[N - 1], -0.028091906853734798, 1e-5);
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);
    for (size_t i = 0; i < N; i++)
        X[i * 3 + 2] = X1[i] - 2 * X2[i] + 1e-5 * Z[i];
    const ref b = {0.43649822409135886, 0.65309251249252354, 3.2805073832739446, 0.5039064482920097, 1.25, 1.700122783146504, -0.003522747288100655, 4, 4};
    run(X, 3, YC, LL_AIPW_GAUSSIAN, &b);
    free(X);
}
END_TEST

/* Two outcomes of one propensity fit and their covariance (R: cov). */
START_TEST(aipw_covariance_of_two_outcomes)
{
    double *X = design(2, X1, X2, NULL);
    ll_aipw_ps *ps = ps_fit(X, 2);
    ll_aipw_result *a = NULL, *b = NULL;
    ck_assert_int_eq(ll_aipw_outcome(&a, ps, YC, X, 2, LL_AIPW_GAUSSIAN, NULL), 0);
    ck_assert_int_eq(ll_aipw_outcome(&b, ps, YB, X, 2, LL_AIPW_GAUSSIAN, NULL), 0);
    double c, v;
    ck_assert_int_eq(ll_aipw_cov(&c, a, b, NULL), 0);
    ck_assert_rel(c, -0.055368019678904284, REL);
    ck_assert_int_eq(ll_aipw_cov(&v, a, a, NULL), 0);
    ck_assert_rel(sqrt(v), 0.49863849698097379, REL);
    ck_assert_rel(b->se, 0.22520974816969169, REL);
    ll_aipw_free(a);
    ll_aipw_free(b);
    ll_aipw_propensity_free(ps);
    free(X);
}
END_TEST

static void expect_why(const ll_aipw_result *r, const char *fragment)
{
    ck_assert(!r->computable);
    ck_assert_msg(strstr(r->why, fragment) != NULL, "why = '%s', want '%s'", r->why, fragment);
    ck_assert(isnan(r->tau) && isnan(r->se) && r->phi == NULL);
}

START_TEST(aipw_not_computable)
{
    ll_aipw_ps *ps = NULL;
    ll_aipw_result *r = NULL;
    /* one comparison row */
    int t1[3] = {1, 1, 0};
    double y3[3] = {1, 0, 1};
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, t1, NULL, 3, 0, NULL), 0);
    ck_assert(!ps->computable);
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, y3, NULL, 0, LL_AIPW_BINOMIAL, NULL), 0);
    expect_why(r, "fewer than 2");
    double c;
    ck_assert_int_eq(ll_aipw_cov(&c, r, r, NULL), LL_EDOM);
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);

    /* binary outcome constant over the comparison rows */
    double yconst[N];
    for (size_t i = 0; i < N; i++)
        yconst[i] = T_[i] ? YB[i] : 1.0;
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, T_, X1, N, 1, NULL), 0);
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, yconst, X1, 1, LL_AIPW_BINOMIAL, NULL), 0);
    expect_why(r, "constant over the comparison rows");
    ll_aipw_free(r);
    /* ... but a constant count is fine: tau = mean of treated - 1 */
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, yconst, X1, 1, LL_AIPW_GAUSSIAN, NULL), 0);
    ck_assert(r->computable);
    ck_assert_rel(r->tau, 6.0 / 8.0 - 1.0, 1e-12);
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);

    /* complete separation: R's glm(T ~ x) does not converge in 25 iterations
     * (T <- c(1,1,1,1,0,0,0,0,0); x <- c(5,6,7,8,1,2,3,4,4.5)) */
    int t9[9] = {1, 1, 1, 1, 0, 0, 0, 0, 0};
    double x9[9] = {5, 6, 7, 8, 1, 2, 3, 4, 4.5}, y9[9] = {1, 0, 1, 0, 1, 0, 1, 0, 1};
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, t9, x9, 9, 1, NULL), 0);
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, y9, x9, 1, LL_AIPW_GAUSSIAN, NULL), 0);
    expect_why(r, "propensity glm did not converge");
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);

    /* n - p - q < 1: 4 rows, a covariate in both models */
    int t4[4] = {1, 1, 0, 0};
    double x4[4] = {0.3, 0.1, 0.2, 0.5}, y4[4] = {1, 2, 0, 4};
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, t4, x4, 4, 1, NULL), 0);
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, y4, x4, 1, LL_AIPW_GAUSSIAN, NULL), 0);
    expect_why(r, "n - p - q < 1");
    ll_aipw_free(r);
    ll_aipw_propensity_free(ps);
}
END_TEST

START_TEST(aipw_bad_input)
{
    ll_aipw_ps *ps = NULL;
    ll_aipw_result *r = NULL;
    ll_error err;
    int bad[2] = {1, 2};
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, bad, NULL, 2, 0, &err), LL_EINPUT);
    ck_assert(ps == NULL);
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, T_, NULL, 0, 0, &err), LL_EINPUT);
    double xnan[N];
    memcpy(xnan, X1, sizeof xnan);
    xnan[3] = NAN;
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, T_, xnan, N, 1, &err), LL_EINPUT);
    ck_assert_int_eq(ll_aipw_propensity_fit(&ps, T_, X1, N, 1, &err), 0);
    ck_assert_int_eq(ll_aipw_outcome(&r, ps, YC, X1, 1, LL_AIPW_BINOMIAL, &err), LL_EINPUT);
    ck_assert(r == NULL);
    ck_assert_int_eq(ll_aipw_outcome(&r, NULL, YC, X1, 1, LL_AIPW_GAUSSIAN, &err), LL_EINPUT);
    ll_aipw_propensity_free(ps);
    ll_aipw_propensity_free(NULL);
    ll_aipw_free(NULL);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {aipw_no_covariates_is_crude, aipw_rank_deficient,
                                  aipw_constant_among_comparison, aipw_near_separation,
                                  aipw_near_aliasing_tolerances,
                                  aipw_covariance_of_two_outcomes, aipw_not_computable,
                                  aipw_bad_input, NULL};
    return tu_suite("aipw", tests, 0);
}
