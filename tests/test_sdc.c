/* Tests of the disclosure-control rules of SPEC 8 as pure functions
 * (sdc/sdc.c): counts withheld or rounded on their own, proportions and
 * 2x2-based figures withheld on small cells, safe statistics on small
 * groups, decimal rounding half away from zero, money to 2 significant
 * figures.  The expected values are worked by hand from the rules (no
 * statistic is estimated here, so there is no R reference). */
#include "testutil.h"

#include "lleval/sdc.h"

#include <stdio.h>

static const ll_sdc DEF = {5, 5, 10};

/* Rule 1: 0 stays 0; 1..5 are c; 6 and 7 round to 5, 8 to 10 (halves up
 * only arise for an even base: 15 with base 10 is 20). */
START_TEST(counts)
{
    char b[32];
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 0), "0");
    for (long n = 1; n <= 5; n++)
        ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, n), "c");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 6), "5");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 7), "5");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 8), "10");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 91), "90");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 93), "95");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, 1234567), "1234565");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &DEF, -1), "");
    ck_assert_int_eq(ll_sdc_round_count(15, 10), 20);
    ck_assert_int_eq(ll_sdc_round_count(14, 10), 10);
    ck_assert_int_eq(ll_sdc_round_count(25, 10), 30);
    ck_assert_int_eq(ll_sdc_round_count(7, 1), 7);
    ck_assert_int_eq(ll_sdc_round_count(0, 5), 0);
    ll_sdc strict = {10, 1, 10};
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &strict, 10), "c");
    ck_assert_str_eq(ll_sdc_count(b, sizeof b, &strict, 11), "11");
    ck_assert_int_eq(ll_sdc_small(&DEF, 0), 0);
    ck_assert_int_eq(ll_sdc_small(&DEF, 6), 0);
}
END_TEST

/* Rules 2, 3 and 5: withheld when any cell is 1..min_cell; 0 cells are not
 * small. */
START_TEST(cells)
{
    ck_assert(ll_sdc_proportion_ok(&DEF, 20, 40));
    ck_assert(!ll_sdc_proportion_ok(&DEF, 3, 40));
    ck_assert(!ll_sdc_proportion_ok(&DEF, 37, 40)); /* 3 without */
    ck_assert(ll_sdc_proportion_ok(&DEF, 0, 40));
    ck_assert(ll_sdc_proportion_ok(&DEF, 40, 40));
    ck_assert(!ll_sdc_proportion_ok(&DEF, 0, 0));
    ck_assert(!ll_sdc_proportion_ok(&DEF, 4, 4)); /* n - x = 0 but x = 4 */
    ck_assert(ll_sdc_two_by_two_ok(&DEF, 20, 40, 10, 40));
    ck_assert(!ll_sdc_two_by_two_ok(&DEF, 20, 40, 1, 40));
    ck_assert(!ll_sdc_two_by_two_ok(&DEF, 20, 40, 36, 40));
    ck_assert(!ll_sdc_two_by_two_ok(&DEF, 20, 25, 10, 40));
    ck_assert(ll_sdc_two_by_two_ok(&DEF, 0, 40, 40, 40));
    ck_assert(ll_sdc_two_by_two_ok(&DEF, 20, 40, 0, 0)); /* one group */
}
END_TEST

/* Rule 4: every group at least min_n. */
START_TEST(safe)
{
    long a[2] = {10, 91}, b[2] = {9, 91}, c1[1] = {12};
    ck_assert(ll_sdc_safe_ok(&DEF, a, 2));
    ck_assert(!ll_sdc_safe_ok(&DEF, b, 2));
    ck_assert(ll_sdc_safe_ok(&DEF, c1, 1));
    ck_assert(!ll_sdc_safe_ok(&DEF, a, 0));
}
END_TEST

/* Half away from zero, decimally: 0.125 -> 0.13 and 1.005 -> 1.01 (a
 * binary printf gives 0.12 and 1.00); -0.125 -> -0.13; 2.5 -> 3. */
START_TEST(rounding)
{
    char b[32];
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 0.125), "0.13");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 1.005), "1.01");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, -0.125), "-0.13");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 1.3449), "1.34");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, -0.004), "0.00");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 0.0), "0.00");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 99.994), "99.99");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 99.995), "100");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 123.456), "123");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 1234.5), "1230");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, -1235), "-1240");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, 12.8), "12.80");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, NAN), "");
    ck_assert_str_eq(ll_sdc_decimal(b, sizeof b, INFINITY), "Inf");
    ck_assert_double_eq(ll_sdc_round(2.5, 0), 3);
    ck_assert_double_eq(ll_sdc_round(-2.5, 0), -3);
    ck_assert_double_eq(ll_sdc_round(0.5, 0), 1);
    ck_assert_double_eq(ll_sdc_round(0.49, 0), 0);
    ck_assert_double_eq(ll_sdc_round(1250, -2), 1300);
    ck_assert_double_eq(ll_sdc_round(0.004, 1), 0);
    ck_assert_double_eq(ll_sdc_round_sig(0.0123456, 2), 0.012);
    ck_assert_double_eq(ll_sdc_round_sig(999.6, 3), 1000);
    ck_assert_str_eq(ll_sdc_percent(b, sizeof b, 0.075), "8");
    ck_assert_str_eq(ll_sdc_percent(b, sizeof b, 0.745), "75");
    ck_assert_str_eq(ll_sdc_percent(b, sizeof b, 0.7449), "74");
    ck_assert_str_eq(ll_sdc_percent(b, sizeof b, -0.025), "-3");
    ck_assert_str_eq(ll_sdc_percent(b, sizeof b, -0.004), "0");
    ck_assert_str_eq(ll_sdc_percent(b, sizeof b, 1), "100");
}
END_TEST

/* Rule 6: 2 significant figures, half away from zero. */
START_TEST(money)
{
    char b[48];
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 2221032), "\xc2\xa3" "2.2m");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 2250000), "\xc2\xa3" "2.3m");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 22210320), "\xc2\xa3" "22m");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 999999), "\xc2\xa3" "1.0m");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 1.26e9), "\xc2\xa3" "1.3bn");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 45678), "\xc2\xa3" "46,000");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, -824.9), "-\xc2\xa3" "820");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, -825), "-\xc2\xa3" "830");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 950.4), "\xc2\xa3" "950");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 1.734), "\xc2\xa3" "1.7");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 0.126), "\xc2\xa3" "0.13");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, 0), "\xc2\xa3" "0");
    ck_assert_str_eq(ll_sdc_money(b, sizeof b, NAN), "");
    ck_assert_double_eq(ll_sdc_money_value(2221032), 2200000);
    ck_assert_double_eq(ll_sdc_money_value(-15.5), -16);
}
END_TEST

/* The published proportion rests on the rounded counts: 41 of 62 is shown
 * as 40 of 60.  References: R 4, prop.test(x, n, correct=FALSE)$conf.int
 * for (40, 60), (0, 10), (10, 10), (20, 40):
 *   0.54056866452119678 0.77270738476477319; 0 0.27753279986288915;
 *   0.72246720013711085 1; 0.35199526933465386 0.64800473066534614 */
START_TEST(published_proportion)
{
    double o[3];
    ck_assert_int_eq(ll_sdc_published_proportion(o, &DEF, 41, 62), 0);
    ck_assert_rel(o[0], 40.0 / 60.0, 1e-15);
    ck_assert_rel(o[1], 0.54056866452119678, 1e-13);
    ck_assert_rel(o[2], 0.77270738476477319, 1e-13);
    ck_assert_int_eq(ll_sdc_published_proportion(o, &DEF, 0, 11), 0);
    ck_assert_double_eq(o[1], 0);
    ck_assert_rel(o[2], 0.27753279986288915, 1e-13);
    ck_assert_int_eq(ll_sdc_published_proportion(o, &DEF, 9, 11), 0); /* 10 of 10 */
    ck_assert_rel(o[1], 0.72246720013711085, 1e-13);
    ck_assert_double_eq(o[2], 1);
    ll_sdc none = {5, 1, 10};
    ck_assert_int_eq(ll_sdc_published_proportion(o, &none, 20, 40), 0);
    ck_assert_rel(o[1], 0.35199526933465386, 1e-13);
    ck_assert_rel(o[2], 0.64800473066534614, 1e-13);
    ck_assert_int_eq(ll_sdc_published_proportion(o, &DEF, 1, 2), -1); /* n rounds to 0 */
    ck_assert(isnan(o[0]));
}
END_TEST

/* The published binary SMD rests on the rounded counts: treated 13 of 40
 * and comparison 480 of 2000 before (shown 15 of 40, 480 of 2000), 9 of 40
 * and 22 of 40 after (shown 10 and 20 of 40); the denominator from the
 * shares before (SPEC 5).  References, R 4:
 *   sh <- c(15/40, 480/2000, 10/40, 20/40)
 *   den <- sqrt((sh[1]*(1-sh[1]) + sh[2]*(1-sh[2]))/2)
 *   (sh[3]-sh[4])/den  # -0.54765136745444953 (after)
 *   (sh[1]-sh[2])/den  #  0.29573173842540279 (before) */
START_TEST(published_smd)
{
    const long x[4] = {13, 480, 9, 22}, n[4] = {40, 2000, 40, 40};
    ck_assert_rel(ll_sdc_published_smd(&DEF, x, n), -0.54765136745444953, 1e-14);
    const long xb[4] = {13, 480, 13, 480}, nb[4] = {40, 2000, 40, 2000};
    ck_assert_rel(ll_sdc_published_smd(&DEF, xb, nb), 0.29573173842540279, 1e-14);
    /* exact counts (rounding 1) give the SMD of the counts themselves */
    ll_sdc none = {5, 1, 10};
    const long xe[4] = {10, 20, 10, 20}, ne[4] = {40, 40, 40, 40};
    ck_assert_rel(ll_sdc_published_smd(&none, xe, ne), (0.25 - 0.5) / sqrt((0.25 * 0.75 + 0.25) / 2),
                  1e-15);
    /* each group constant at a different value: -Inf, as R gives; the same: NaN */
    const long xi[4] = {0, 40, 0, 40}, ni[4] = {40, 40, 40, 40};
    ck_assert(isinf(ll_sdc_published_smd(&DEF, xi, ni)) && ll_sdc_published_smd(&DEF, xi, ni) < 0);
    const long xs[4] = {40, 40, 40, 40};
    ck_assert(isnan(ll_sdc_published_smd(&DEF, xs, ni)));
    /* a base that rounds to 0, or no count */
    const long n0[4] = {2, 40, 2, 40};
    ck_assert(isnan(ll_sdc_published_smd(&DEF, xe, n0)));
    const long xm[4] = {-1, 20, 10, 20};
    ck_assert(isnan(ll_sdc_published_smd(&DEF, xm, ne)));
}
END_TEST

START_TEST(config_params)
{
    ll_sdc s = ll_sdc_of(NULL);
    ck_assert_int_eq(s.min_cell, 5);
    ck_assert_int_eq(s.rounding, 5);
    ck_assert_int_eq(s.min_n, 10);
    ll_config cfg;
    ll_config_init(&cfg);
    cfg.report.min_n = 20;
    s = ll_sdc_of(&cfg);
    ck_assert_int_eq(s.min_n, 20);
    ck_assert_int_eq(s.rounding, 5);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {counts, cells, safe, rounding, money, config_params,
                                  published_proportion, published_smd, NULL};
    return tu_suite("sdc", tests, 0);
}
