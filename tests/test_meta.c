/* Tests of the meta-analysis routines (include/lleval/meta.h) against
 * metafor.  Every literal was printed by fixtures/pool/meta_reference.R
 * (rma(..., method = "FE"), rma(..., method = "REML", control =
 * list(threshold = 1e-12, maxiter = 10000)) and rma.mh(..., measure = "RD",
 * drop00 = c(TRUE, TRUE))); the inputs are repeated here. */
#include "lleval/meta.h"

#include "testutil.h"

#define REL 1e-9

/* A result printed by the R script: estimate, se, z, p, ci, tau2, I2, Q, Q p. */
typedef struct want {
    double est, se, z, p, lo, hi, tau2, i2, q, qp;
    size_t k;
} want;

static void check(const ll_meta_result *r, const want *w, double rel)
{
    ck_assert_uint_eq(r->k, w->k);
    ck_assert_rel(r->estimate, w->est, rel);
    ck_assert_rel(r->std_error, w->se, rel);
    ck_assert_rel(r->statistic, w->z, rel);
    ck_assert_rel(r->p_value, w->p, rel);
    ck_assert_abs(r->p_value, w->p, 1e-12);
    ck_assert_rel(r->conf_low, w->lo, rel);
    ck_assert_rel(r->conf_high, w->hi, rel);
    if (w->tau2 == 0)
        ck_assert(r->tau2 == 0 || isnan(r->tau2));
    else
        ck_assert_rel(r->tau2, w->tau2, rel);
    if (w->i2 == 0)
        ck_assert_abs(r->i2, 0, 1e-12);
    else
        ck_assert_rel(r->i2, w->i2, rel);
    if (w->q == 0)
        ck_assert_abs(r->q, 0, 0);
    else
        ck_assert_rel(r->q, w->q, rel);
    ck_assert_rel(r->q_p_value, w->qp, rel);
    ck_assert_abs(r->q_df, (double)w->k - 1, 0);
}

/* Fits the k estimates y with standard errors se by both models and checks
 * them against R: fixed effect to REL, REML random effects to rel_random. */
static void fit_both(ll_meta_result *fe, ll_meta_result *re, const double *y, const double *se,
                     size_t k, const want *wf, const want *wr, double rel_random)
{
    ck_assert_int_eq(ll_meta_fixed(fe, y, se, k, NULL), LL_OK);
    check(fe, wf, REL);
    ck_assert_int_eq(ll_meta_reml(re, y, se, k, NULL), LL_OK);
    check(re, wr, rel_random);
}

/* tau2 = 0: Q (0.067) is far below its df, REML stops at 0 (step halving
 * at the boundary) and both models agree. */
START_TEST(test_homogeneous)
{
    const double y[3] = {0.10, 0.12, 0.11}, se[3] = {0.05, 0.06, 0.04};
    const want w = {0.10906183368869934, 0.027705425792376604, 3.9364792480001762,
                    8.2685766861801543e-05, 0.05476019695929412, 0.16336347041810456, 0,
                    0, 0.066631130063965816, 0.96723328642183226, 3};
    ll_meta_result fe, re;
    fit_both(&fe, &re, y, se, 3, &w, &w, REL);
    ck_assert(re.tau2 == 0);
}
END_TEST

START_TEST(test_heterogeneous)
{
    const double y[5] = {-0.3, 0.1, 0.45, 0.8, 0.05}, se[5] = {0.1, 0.12, 0.08, 0.15, 0.09};
    const want wf = {0.18027981866499929, 0.04501055058433473, 4.0052791251067941,
                     6.1944291601604085e-05, 0.092060760595384941, 0.26849887673461365, 0,
                     92.598882856078802, 54.045894994181303, 5.1475056309367399e-11, 5};
    const want wr = {0.21307304472779506, 0.18387212941243944, 1.1588109922295819,
                     0.24653323591148085, -0.14730970668127416, 0.57345579613686426,
                     0.15695596388064886, 93.70291274749377, 54.045894994181303,
                     5.1475056309367399e-11, 5};
    ll_meta_result fe, re;
    fit_both(&fe, &re, y, se, 5, &wf, &wr, REL);
    ck_assert(re.std_error >= fe.std_error);
    ck_assert_int_gt(re.iterations, 1);
}
END_TEST

/* Two estimates (fixed effect and REML to REL), and pounds: a large tau2
 * on a large scale (REML to 1e-8).  Each row: k, y, se, the tolerance of
 * the random-effects fit, then R's fixed and random-effects results. */
static const struct iv_case {
    size_t k;
    double y[3], se[3], rel_random;
    want wf, wr;
} IV_CASES[] = {
    {2, {0.2, -0.1}, {0.1, 0.2}, REL,
     {0.13999999999999993, 0.089442719099991574, 1.5652475842498523, 0.1175248680966393, -0.035304508115316324, 0.31530450811531618, 0, 44.444444444444464, 1.8000000000000007, 0.17971249487899973, 2},
     {0.099999999999999922, 0.14142135623730956, 0.70710678118654668, 0.47950012218695404, -0.17718076486993573, 0.37718076486993557, 0.020000000000000032, 44.444444444444507, 1.8000000000000007, 0.17971249487899973, 2}},
    {3, {1520.5, 310.25, 2890}, {800, 650.5, 1200}, 1e-8,
     {1107.3002621802912, 465.23348446672901, 2.3800957995306962, 0.017308137713358644, 195.45938822342771, 2019.1411361371547, 0, 49.686311268832675, 3.9750613609076919, 0.1370333872275355, 3},
     {1313.4278059543037, 690.91454270961037, 1.9009989293369587, 0.057302152853645344, -40.73981415149342, 2667.5954260601011, 705809.94580854173, 49.509539453014597, 3.9750613609076919, 0.1370333872275355, 3}},
};

START_TEST(test_iv_cases)
{
    const struct iv_case *c = &IV_CASES[_i];
    ll_meta_result fe, re;
    fit_both(&fe, &re, c->y, c->se, c->k, &c->wf, &c->wr, c->rel_random);
}
END_TEST

START_TEST(test_iv_errors)
{
    const double y[3] = {0.1, 0.2, NAN}, se[3] = {0.1, 0.2, 0.3}, bad[2] = {0.1, 0};
    ll_meta_result r;
    ll_error err;
    ck_assert_int_eq(ll_meta_fixed(&r, y, se, 1, &err), LL_EDOM);
    ck_assert(isnan(r.estimate));
    ck_assert_int_eq(ll_meta_reml(&r, y, se, 1, &err), LL_EDOM);
    ck_assert_int_eq(ll_meta_reml(&r, y, se, 3, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "estimate 3"));
    ck_assert_int_eq(ll_meta_fixed(&r, y, bad, 2, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "standard error 2"));
    ck_assert_int_eq(ll_meta_fixed(&r, NULL, se, 2, &err), LL_EINPUT);
    /* identical estimates: Q = 0, I2 = 0 (not NaN) */
    const double same[2] = {0.3, 0.3};
    ck_assert_int_eq(ll_meta_fixed(&r, same, se, 2, NULL), LL_OK);
    ck_assert(r.q == 0 && r.i2 == 0);
    ck_assert_int_eq(ll_meta_reml(&r, same, se, 2, NULL), LL_OK);
    ck_assert(r.tau2 == 0 && r.i2 == 0);
}
END_TEST

/* Zero cells: table 2 has a = 0 (1/2 added for Q only), table 4 has no
 * events and table 5 only events in both arms (both left out). */
START_TEST(test_mh_zero_cell)
{
    const long a[5] = {3, 0, 5, 0, 5}, b[5] = {7, 10, 15, 8, 0};
    const long c[5] = {6, 2, 9, 0, 6}, d[5] = {4, 12, 11, 9, 0};
    const want w = {-0.20799999999999996, 0.091128392940948974, -2.2824938889768807,
                    0.02246019786380464, -0.38660836813327404, -0.029391631866725887, 0, 0,
                    0.76148951667615405, 0.68335228733566999, 3};
    ll_meta_result r;
    int used[5];
    ck_assert_int_eq(ll_meta_mh_rd(&r, a, b, c, d, 5, used, NULL), LL_OK);
    check(&r, &w, REL);
    ck_assert(isnan(r.tau2));
    ck_assert(used[0] && used[1] && used[2] && !used[3] && !used[4]);
}
END_TEST

START_TEST(test_mh_no_zero)
{
    const long a[3] = {4, 7, 2}, b[3] = {16, 13, 10}, c[3] = {8, 9, 5}, d[3] = {12, 14, 9};
    const want w = {-0.13522592543801873, 0.088139819605382766, -1.5342205831989288,
                    0.12497539554404488, -0.30797679746842632, 0.037524946592388836, 0, 0,
                    0.72484061876131278, 0.69598977532497863, 3};
    ll_meta_result r;
    ck_assert_int_eq(ll_meta_mh_rd(&r, a, b, c, d, 3, NULL, NULL), LL_OK);
    check(&r, &w, REL);
}
END_TEST

/* One table used: Q = 0, df = 0, p = 1, I2 = 0. */
START_TEST(test_mh_one_table)
{
    const long a[2] = {2, 0}, b[2] = {8, 5}, c[2] = {5, 0}, d[2] = {9, 6};
    ll_meta_result r;
    ck_assert_int_eq(ll_meta_mh_rd(&r, a, b, c, d, 2, NULL, NULL), LL_OK);
    ck_assert_uint_eq(r.k, 1);
    ck_assert_rel(r.estimate, -0.15714285714285714, REL);
    ck_assert_rel(r.std_error, 0.17999838029721543, REL);
    ck_assert_rel(r.statistic, -0.87302372878789802, REL);
    ck_assert_rel(r.p_value, 0.38265014419525395, REL);
    ck_assert_rel(r.conf_low, -0.50993319980094343, REL);
    ck_assert_rel(r.conf_high, 0.19564748551522915, REL);
    ck_assert(r.q == 0 && r.q_df == 0 && r.q_p_value == 1 && r.i2 == 0);
    /* nothing usable; a negative count */
    ll_error err;
    ck_assert_int_eq(ll_meta_mh_rd(&r, a + 1, b + 1, c + 1, d + 1, 1, NULL, &err), LL_EDOM);
    ck_assert(isnan(r.estimate));
    const long neg = -1;
    ck_assert_int_eq(ll_meta_mh_rd(&r, &neg, b, c, d, 1, NULL, &err), LL_EINPUT);
}
END_TEST

/* One table's own RD and variance (escalc "RD", add = 1/2, to = "only0";
 * fixtures/pool/meta_reference.R): with a zero cell and without. */
START_TEST(test_table_rd)
{
    double rd, var;
    ll_meta_table_rd(&rd, &var, 3, 7, 0, 10);
    ck_assert_rel(rd, 0.27272727272727271, REL);
    ck_assert_rel(var, 0.023666416228399705, REL);
    ll_meta_table_rd(&rd, &var, 5, 15, 8, 12);
    ck_assert_rel(rd, -0.15000000000000002, REL);
    ck_assert_rel(var, 0.021374999999999998, REL);
    /* with its Wald interval: summary(escalc("RD", ai=3, bi=7, ci=0, di=10,
     * add=1/2, to="only0"))$ci.lb, $ci.ub */
    double ci[3];
    ll_meta_table_rd_ci(ci, 3, 7, 0, 10);
    ck_assert_rel(ci[0], 0.27272727272727271, REL);
    ck_assert_rel(ci[1], -0.028791488504602614, 1e-13);
    ck_assert_rel(ci[2], 0.574246033959147972, REL);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {test_homogeneous, test_heterogeneous, test_iv_errors,
                                  test_mh_zero_cell, test_mh_no_zero, test_mh_one_table,
                                  test_table_rd, NULL};
    Suite *s = suite_create("meta");
    TCase *tc = tu_tcase(s, "meta", tests, 0);
    tcase_add_loop_test(tc, test_iv_cases, 0, sizeof IV_CASES / sizeof IV_CASES[0]);
    return s;
}
