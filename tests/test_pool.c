/* Tests of `lleval pool`'s module (include/lleval/pool.h) on the fixture
 * files of fixtures/pool (e1-e4.csv, one authority each).  Their effects
 * are the inputs of fixtures/pool/meta_reference.R, so every pooled figure
 * is checked against the metafor literals printed by that script:
 *   stable_12m: y = c(0.10, 0.12, 0.11), se = c(0.05, 0.06, 0.04) (E4 not
 *     computable) -- "homogeneous";
 *   sdq: y = c(0.2, -0.1), se = c(0.1, 0.2) (E3, E4 no row) -- "k2";
 *   costs: y = c(1520.5, 310.25, 2890), se = c(800, 650.5, 1200) -- "costs";
 *   homeless_ever: tables (3,7,6,4), (0,10,2,12), (5,15,9,11), (0,8,0,9)
 *     -- "mh zero cell" (its fifth table is not in these files).
 * Also the refusals of SPEC 10 and the authorities left out. */
#include "lleval/pool.h"

#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>

#define FIX LL_SOURCE_DIR "/fixtures/pool/"
static const ll_pool_sdc SDC = {5, 5, 10};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s missing", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The cell of column col in the row of pool_estimates.csv starting with
 * prefix ("outcome,estimand,term,model,"). */
static double cell(const char *csv, const char *prefix, int col)
{
    const char *p = strstr(csv, prefix);
    ck_assert_msg(p != NULL, "no row %s", prefix);
    for (int c = 0; c < col; c++)
        p = strchr(p, ',') + 1;
    return tu_num(p[0] == ',' || p[0] == '\n' ? "" : p);
}

enum { K = 4, EST, SE, Z, P, LO, HI, TAU2, I2, Q, QDF, QP };

static void check_row(const char *csv, const char *prefix, const double *w)
{
    for (int c = K; c <= QP; c++) {
        double got = cell(csv, prefix, c), want = w[c - K];
        if (isnan(want))
            ck_assert_msg(isnan(got), "%s column %d should be empty", prefix, c);
        else if (want == 0)
            ck_assert_abs(got, 0, 1e-12);
        else
            ck_assert_rel(got, want, 1e-9);
    }
}

/* metafor on e1..e4 (the rows of fixtures/pool/meta_reference.R, in the
 * columns k .. q.p.value): the homogeneous rows (tau2 = 0, both models the
 * same), two authorities (sdq), pounds, and the Mantel-Haenszel counts. */
static const struct {
    const char *prefix;
    double w[QP - K + 1];
} METAFOR[] = {
    {"stable_12m,adjusted_risk_difference,,fixed,", {3, 0.10906183368869934, 0.027705425792376604, 3.9364792480001762, 8.2685766861801543e-05, 0.05476019695929412, 0.16336347041810456, 0, 0, 0.066631130063965816, 2, 0.96723328642183226}},
    {"stable_12m,adjusted_risk_difference,,random,", {3, 0.10906183368869934, 0.027705425792376604, 3.9364792480001762, 8.2685766861801543e-05, 0.05476019695929412, 0.16336347041810456, 0, 0, 0.066631130063965816, 2, 0.96723328642183226}},
    {"sdq,mixed_model,years:treated,fixed,", {2, 0.13999999999999993, 0.089442719099991574, 1.5652475842498523, 0.1175248680966393, -0.035304508115316324, 0.31530450811531618, 0, 44.444444444444464, 1.8000000000000007, 1, 0.17971249487899973}},
    {"sdq,mixed_model,years:treated,random,", {2, 0.099999999999999922, 0.14142135623730956, 0.70710678118654668, 0.47950012218695404, -0.17718076486993573, 0.37718076486993557, 0.020000000000000032, 44.444444444444507, 1.8000000000000007, 1, 0.17971249487899973}},
    {"costs,annual_saving,2024-25,fixed,", {3, 1107.3002621802912, 465.23348446672901, 2.3800957995306962, 0.017308137713358644, 195.45938822342771, 2019.1411361371547, 0, 49.686311268832675, 3.9750613609076919, 2, 0.1370333872275355}},
    {"costs,annual_saving,2024-25,random,", {3, 1313.4278059543037, 690.91454270961037, 1.9009989293369587, 0.057302152853645344, -40.73981415149342, 2667.5954260601011, 705809.94580854173, 49.509539453014597, 3.9750613609076919, 2, 0.1370333872275355}},
    {"homeless_ever,counts,,mantel_haenszel,", {3, -0.20799999999999996, 0.091128392940948974, -2.2824938889768807, 0.02246019786380464, -0.38660836813327404, -0.029391631866725887, NAN, 0, 0.76148951667615405, 2, 0.68335228733566999}},
};

static char tmpdir[64];

static const char *fresh_dir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lleval-pool-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    return tmpdir;
}

static void rm_rf(const char *dir)
{
    tu_remove_tree(dir);
}

START_TEST(test_pool_against_metafor)
{
    const char *files[4] = {FIX "e1.csv", FIX "e2.csv", FIX "e3.csv", FIX "e4.csv"};
    char out[128];
    snprintf(out, sizeof out, "%s/out", fresh_dir());
    ll_error err;
    FILE *log = fopen("/dev/null", "w");
    ck_assert_int_eq(ll_pool_run(out, files, 4, &SDC, NULL, log, &err), LL_OK);
    fclose(log);
    char path[256];
    snprintf(path, sizeof path, "%s/pool_estimates.csv", out);
    const char *csv = slurp(path);
    static const char head[] = "outcome,estimand,term,model,k,estimate,std.error,statistic,"
                               "p.value,conf.low,conf.high,tau2,i2,q,q.df,q.p.value\n";
    ck_assert(strncmp(csv, head, sizeof head - 1) == 0);
    for (size_t i = 0; i < sizeof METAFOR / sizeof METAFOR[0]; i++)
        check_row(csv, METAFOR[i].prefix, METAFOR[i].w);
    /* placements: no authority computable, so no row; row order fixed first */
    ck_assert_ptr_null(strstr(csv, "placements"));
    ck_assert(strstr(csv, "stable_12m") < strstr(csv, "sdq,") &&
              strstr(csv, "sdq,") < strstr(csv, "costs,") &&
              strstr(csv, "costs,") < strstr(csv, "homeless_ever"));
    /* the report: every authority, the ones left out named, small counts withheld */
    snprintf(path, sizeof path, "%s/report.html", out);
    const char *html = slurp(path);
    for (int i = 1; i <= 4; i++) {
        char la[8];
        snprintf(la, sizeof la, "E%d", i);
        ck_assert_msg(strstr(html, la) != NULL, "%s not named", la);
    }
    ck_assert_ptr_nonnull(strstr(html, "Left out of this effect: E4 (not computable)"));
    ck_assert_ptr_nonnull(strstr(html, "Left out of this effect: E3 (no row); E4 (no row)"));
    ck_assert_ptr_nonnull(strstr(html, "E4 (no events in either group)"));
    /* E2's table has 0 of 10 and 2 of 14 homeless: rule 3 withholds its RD,
     * rule 2 the 2 of 14 but not the 0%; counts rounded (10, 15) */
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>E2</td><td>10</td><td>0%</td><td>15</td>"
                                       "<td>c</td><td>c</td></tr>"));
    /* E3's comparison group, 9 of 20 homeless: the percentage is that of the
     * published counts (10 of 20), not 45%, which beside 20 gives the 9 back */
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>E3</td><td>20</td><td>c</td><td>20</td>"
                                       "<td>50%</td>"));
    /* E4's 8 and 9 children: below min_n = 10, rounded to 10 */
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>E4</td><td>10</td><td>10</td><td>not computable"));
    ck_assert_ptr_null(strstr(html, "0.0905")); /* no unrounded figure */
    rm_rf(tmpdir);
}
END_TEST

/* A refused input writes nothing (the output folder is not even made). */
static void refused(const char *const *files, size_t n, const char *want1, const char *want2)
{
    char out[128];
    snprintf(out, sizeof out, "%s/out", fresh_dir());
    ll_error err;
    ll_error_clear(&err);
    ck_assert_int_eq(ll_pool_run(out, files, n, &SDC, NULL, NULL, &err), LL_EINPUT);
    ck_assert_msg(strstr(err.msg, want1) != NULL, "message '%s' lacks '%s'", err.msg, want1);
    if (want2)
        ck_assert_msg(strstr(err.msg, want2) != NULL, "message '%s' lacks '%s'", err.msg, want2);
    struct stat st;
    ck_assert_int_ne(stat(out, &st), 0);
    rm_rf(tmpdir);
}

START_TEST(test_refusals)
{
    const char *dup[2] = {FIX "e1.csv", FIX "e1_again.csv"};
    refused(dup, 2, "la 'E1' is in two files", "e1_again.csv");
    const char *same[2] = {FIX "e2.csv", FIX "e2.csv"};
    refused(same, 2, "la 'E2' is in two files", NULL);
    const char *year[2] = {FIX "e1.csv", FIX "e5_year.csv"};
    refused(year, 2, "price year 2023-24", "e1.csv has 2024-25");
    const char *notpool[2] = {FIX "e1.csv", FIX "not_pool.csv"};
    refused(notpool, 2, "not_pool.csv: line 1: not a pool.csv: no column 'std.error'", NULL);
    const char *missing[1] = {FIX "no_such.csv"};
    refused(missing, 1, "no_such.csv: cannot read", NULL);
    const char *none[1] = {FIX "e1.csv"};
    refused(none, 0, "no pool.csv files", NULL);
}
END_TEST

/* Bad cells name the file and line. */
START_TEST(test_bad_cells)
{
    char dir[64];
    snprintf(dir, sizeof dir, "%s", fresh_dir());
    char path[128];
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    FILE *f = fopen(path, "w");
    fputs(LL_POOL_HEADER "\nX1,stable_12m,adjusted_risk_difference,,10,x,,,0.1,0.2\n", f);
    fclose(f);
    const char *files[1] = {path};
    ll_pool *p = NULL;
    ll_error err;
    ck_assert_int_eq(ll_pool_read(&p, files, 1, NULL, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "bad.csv: line 2: n_comparison 'x' is not a count"));
    ck_assert_ptr_null(p);
    f = fopen(path, "w");
    fputs(LL_POOL_HEADER "\nX1,stable_12m,adjusted_risk_difference,,10,10,,,0.1,0.2\n"
                         "X1,stable_12m,adjusted_risk_difference,,10,10,,,0.1,0.2\n", f);
    fclose(f);
    ck_assert_int_eq(ll_pool_read(&p, files, 1, NULL, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "line 3: a second stable_12m"));
    f = fopen(path, "w");
    fputs(LL_POOL_HEADER "\nX1,homeless_ever,counts,,10,10,11,2,,\n", f);
    fclose(f);
    ck_assert_int_eq(ll_pool_read(&p, files, 1, NULL, &err), LL_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "more events than children"));
    /* one authority: read and computed, nothing pooled for the IV effect,
     * its one usable table gives the MH row with Q = 0, p = 1 */
    f = fopen(path, "w");
    fputs(LL_POOL_HEADER "\nX1,stable_12m,adjusted_risk_difference,,10,10,,,0.1,0.2\n"
                         "X1,homeless_ever,counts,,10,14,2,5,,\n", f);
    fclose(f);
    ck_assert_int_eq(ll_pool_read(&p, files, 1, NULL, &err), LL_OK);
    ck_assert_int_eq(ll_pool_compute(p, &err), LL_OK);
    ck_assert_uint_eq(p->n_effects, 2);
    ck_assert_int_eq(p->effects[0].pooled, 0);
    ck_assert_ptr_nonnull(strstr(p->effects[0].not_pooled, "1 authority with an estimate"));
    ck_assert_int_eq(p->effects[1].pooled, 1);
    ck_assert(p->effects[1].mh.q == 0 && p->effects[1].mh.q_p_value == 1);
    /* rma.mh(ai=2, bi=8, ci=5, di=9, measure="RD"): -0.15714285714285714 */
    ck_assert_rel(p->effects[1].mh.estimate, -0.15714285714285714, 1e-12);
    ll_pool_free(p);
    ll_pool_free(NULL);
    rm_rf(dir);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {test_pool_against_metafor, test_refusals, test_bad_cells,
                                  NULL};
    return tu_suite("pool", tests, 60);
}
