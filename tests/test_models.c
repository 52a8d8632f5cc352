/* Tests of the models module (stats/glm.c, lmm.c, surv.c) against R.
 * Every reference value is a literal computed in R 4.2.2 (survival 3.5-3,
 * lme4 1.1-31) with the call quoted beside it; the example-based tests
 * assert the rows of examples/explicit/expected/estimates.csv, reading
 * the data extracted into fixtures/models/ (see its README.md). */
#include "testutil.h"

#include "lleval/error.h"
#include "lleval/statmodels.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define REL 1e-6
#ifdef LL_SOURCE_DIR /* the Makefile's: lets the tests run from any directory */
#define FIXTURE(name) LL_SOURCE_DIR "/fixtures/models/" name
#else
#define FIXTURE(name) "fixtures/models/" name
#endif
#define PABS 1e-8
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Reads the first ncol numeric columns of a CSV with a header line into a
 * new row-major array (caller frees); returns the number of rows. */
static size_t read_csv(const char *path, size_t ncol, double **out)
{
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot open %s (run tests from the repository root)", path);
    char line[4096];
    ck_assert(fgets(line, sizeof line, fp) != NULL);
    size_t cap = 64, n = 0;
    double *v = malloc(cap * ncol * sizeof *v);
    ck_assert(v != NULL);
    while (fgets(line, sizeof line, fp) != NULL) {
        if (n == cap) {
            cap *= 2;
            v = realloc(v, cap * ncol * sizeof *v);
            ck_assert(v != NULL);
        }
        char *s = line;
        for (size_t j = 0; j < ncol; j++) {
            char *end;
            v[n * ncol + j] = strtod(s, &end);
            ck_assert_msg(end != s, "%s: bad number on data line %zu", path, n + 1);
            s = end + (*end == ',');
        }
        n++;
    }
    fclose(fp);
    *out = v;
    return n;
}

/* ------------------------------------------------------------------ */
/* Logistic regression                                                 */

/* The small data set of the glm tests, in R:
 * x1 <- c(0.5,1.2,-0.3,2.1,0.0,-1.5,0.8,1.9,-0.7,0.3,1.1,-2.0,0.6,1.4,-0.9,0.2,2.5,-1.1,0.9,-0.4)
 * x2 <- c(1,0,1,1,0,0,1,0,1,0,1,1,0,0,1,0,1,0,0,1)
 * y  <- c(1,0,0,1,0,0,1,1,0,1,1,0,0,1,0,0,1,0,1,1) */
static const double G_X1[20] = {0.5, 1.2, -0.3, 2.1, 0.0, -1.5, 0.8, 1.9, -0.7, 0.3,
                                1.1, -2.0, 0.6, 1.4, -0.9, 0.2, 2.5, -1.1, 0.9, -0.4};
static const double G_X2[20] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1};
static const double G_Y[20] = {1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1};

/* Design [1, x1, x2, extra...] for the small data set. */
static double *small_design(size_t p, const double *extra)
{
    double *X = malloc(20 * p * sizeof *X);
    ck_assert(X != NULL);
    for (size_t i = 0; i < 20; i++) {
        X[i * p] = 1.0;
        X[i * p + 1] = G_X1[i];
        X[i * p + 2] = G_X2[i];
        if (p > 3)
            X[i * p + 3] = extra[i];
    }
    return X;
}

/* A row source handing out rows of a dense matrix a block at a time, as
 * matching's packed candidate rows do (ll_glm_fit_rows). */
typedef struct copy_src {
    const double *X;
    size_t p;
    atomic_size_t calls; /* the fitter reads on two threads */
} copy_src;

static const double *copy_rows(void *ctx, size_t first, size_t count, double *buf)
{
    copy_src *s = ctx;
    ck_assert(count >= 1 && count <= 256);
    memcpy(buf, s->X + first * s->p, count * s->p * sizeof *buf);
    atomic_fetch_add(&s->calls, 1);
    return buf;
}

/* summary(glm(y ~ x1 + x2, binomial)) */
static const double G_COEF[3] = {-2.2534688683687509, 2.8809129527301054, 2.9298760242338644};
static const double G_SE[3] = {1.3530286864262679, 1.3558744249259487, 1.9777565907181245};
static const double G_P[3] = {0.095813103868161734, 0.033606323309021073, 0.13849632373989132};

START_TEST(glm_small_matches_r)
{
    double *X = small_design(3, NULL);
    ll_glm *f = NULL;
    ll_error err;
    ck_assert_int_eq(ll_glm_fit(&f, X, 20, 3, G_Y, NULL, &err), 0);
    /* z: -1.6654996978081822, 2.1247638422617543, 1.4814138595134323
     * confint.default(f): lower then upper */
    const double z[3] = {-1.6654996978081822, 2.1247638422617543, 1.4814138595134323};
    const double lo[3] = {-4.9053563638137732, 0.22344791231628935, -0.94645566376038293};
    const double hi[3] = {0.39841862707627174, 5.5383779931439214, 6.8062077122281117};
    for (int j = 0; j < 3; j++) {
        ck_assert_rel(f->coef[j], G_COEF[j], REL);
        ck_assert_rel(f->se[j], G_SE[j], REL);
        ck_assert_rel(f->z[j], z[j], REL);
        ck_assert_abs(f->p_value[j], G_P[j], PABS);
        ck_assert_rel(f->conf_low[j], lo[j], REL);
        ck_assert_rel(f->conf_high[j], hi[j], REL);
        ck_assert_int_eq(f->aliased[j], 0);
    }
    ck_assert_rel(f->deviance, 13.354159908634543, REL); /* f$deviance */
    ck_assert_rel(f->aic, 19.354159908634543, REL);      /* f$aic */
    ck_assert_int_eq(f->iter, 6);                        /* f$iter */
    ck_assert_int_eq(f->converged, 1);
    ck_assert_int_eq(f->separation, 0);
    ck_assert_uint_eq(f->rank, 3);
    ck_assert_uint_eq(f->df_residual, 17);
    /* f$linear.predictors[c(1, 7, 20)] */
    ck_assert_rel(f->eta[0], 2.1168636322301664, REL);
    ck_assert_rel(f->eta[6], 2.9811375180491977, REL);
    ck_assert_rel(f->eta[19], -0.47595802522692887, REL);
    /* vcov symmetric, diagonal = se^2 */
    ck_assert_rel(f->cov[1 * 3 + 2], f->cov[2 * 3 + 1], 1e-12);
    ck_assert_rel(f->cov[4], G_SE[1] * G_SE[1], REL);
    ll_glm_free(f);
    free(X);
}
END_TEST

/* A mostly-zero design of N rows and 9 columns (one-hot levels, counts, a
 * column of negatives and zeros) with an outcome drawn from a logit model:
 * the shape of matching's propensity rows. */
static void sparse_design(double **out_X, double **out_y, size_t N)
{
    const size_t P = 9;
    double *D = calloc(N * P, sizeof *D), *y = malloc(N * sizeof *y);
    ck_assert(D != NULL && y != NULL);
    unsigned long long state = 12345;
    for (size_t i = 0; i < N; i++) {
        double u[3];
        for (int k = 0; k < 3; k++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            u[k] = (double)(state >> 11) / 9007199254740992.0;
        }
        double *x = D + i * P;
        x[0] = 1.0;
        x[1] = 18.0 * u[0];                        /* age */
        x[2] = u[1] < 0.5;                         /* binary */
        size_t level = (size_t)(u[2] * 5.0);      /* 5 levels, 0 the reference */
        if (level > 0)
            x[2 + level] = 1.0;                    /* columns 3 .. 6 */
        x[7] = -0.5 * (double)(i % 3);             /* negatives and zeros */
        x[8] = (double)(i % 4);                    /* a count */
        double eta = -1.0 + 0.08 * x[1] + 0.5 * x[2] - 0.4 * x[3] + 0.3 * x[5] + 0.4 * x[7] +
                     0.1 * x[8];
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        y[i] = (double)(state >> 11) / 9007199254740992.0 < 1.0 / (1.0 + exp(-eta));
    }
    *out_X = D;
    *out_y = y;
}

/* The fit from a row source is R's on the small set, and on a larger
 * mostly-zero design (one-hot levels, counts, a column of negatives and
 * zeros; n odd, over several blocks; the sparse copy of the pairs in use)
 * the same as ll_glm_fit's bit for bit: matching prints ps_logit with 17
 * significant digits. */
START_TEST(glm_rows_source_same_fit)
{
    double *X = small_design(3, NULL);
    copy_src src = {X, 3, 0};
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit_rows(&f, copy_rows, &src, 20, 3, G_Y, NULL, NULL), 0);
    for (int j = 0; j < 3; j++) {
        ck_assert_rel(f->coef[j], G_COEF[j], REL);
        ck_assert_rel(f->se[j], G_SE[j], REL);
    }
    ck_assert_rel(f->deviance, 13.354159908634543, REL);
    ck_assert_int_eq(f->iter, 6);
    ll_glm_free(f);
    free(X);

    enum { N = 1001, P = 9 };
    double *D, *y;
    sparse_design(&D, &y, N);
    ll_glm *dense = NULL, *rows = NULL;
    copy_src big = {D, P, 0};
    ck_assert_int_eq(ll_glm_fit(&dense, D, N, P, y, NULL, NULL), 0);
    ck_assert_int_eq(ll_glm_fit_rows(&rows, copy_rows, &big, N, P, y, NULL, NULL), 0);
    ck_assert_int_eq(rows->iter, dense->iter);
    ck_assert(memcmp(rows->coef, dense->coef, P * sizeof *rows->coef) == 0);
    ck_assert(memcmp(rows->se, dense->se, P * sizeof *rows->se) == 0);
    ck_assert(memcmp(rows->eta, dense->eta, N * sizeof *rows->eta) == 0);
    ck_assert(memcmp(&rows->deviance, &dense->deviance, sizeof rows->deviance) == 0);
    /* the sparse copy: every block of rows read once to make it (half of
     * them by the second thread), not once per pass */
    ck_assert_uint_eq(atomic_load(&big.calls), (N + 255) / 256);
    ll_glm_free(dense);
    ll_glm_free(rows);
    free(D);
    free(y);
}
END_TEST

/* A bad value is reported as the first in row order, as ll_glm_fit
 * reports it, although the row source is read on two threads (rows 0-255
 * by one, the rest by the other). */
START_TEST(glm_rows_source_first_bad_row)
{
    enum { N = 1001, P = 9 };
    double *D, *y;
    sparse_design(&D, &y, N);
    y[700] = 2.0;
    D[100 * P + 1] = NAN;
    copy_src src = {D, P, 0};
    ll_glm *f = NULL;
    ll_error err, dense_err;
    ck_assert_int_eq(ll_glm_fit_rows(&f, copy_rows, &src, N, P, y, NULL, &err), LL_EINPUT);
    ck_assert_ptr_null(f);
    ck_assert_str_eq(err.msg, "glm: X[100, 1] is not finite");
    ck_assert_int_eq(ll_glm_fit(&f, D, N, P, y, NULL, &dense_err), LL_EINPUT);
    ck_assert_str_eq(dense_err.msg, err.msg);
    D[100 * P + 1] = 1.0;
    ck_assert_int_eq(ll_glm_fit_rows(&f, copy_rows, &src, N, P, y, NULL, &err), LL_EINPUT);
    ck_assert_str_eq(err.msg, "glm: y[700] = 2 is not 0 or 1");
    ck_assert_ptr_null(f);
    free(D);
    free(y);
}
END_TEST

START_TEST(glm_not_converged_keeps_r_iterate)
{
    /* glm(y ~ x1 + x2, binomial, control = glm.control(maxit = 2)):
     * converged FALSE, and the R iterate after two steps */
    double *X = small_design(3, NULL);
    ll_glm_control ctl;
    ll_glm_control_init(&ctl);
    ck_assert_int_eq(ctl.maxit, 25);
    ctl.maxit = 2;
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit(&f, X, 20, 3, G_Y, &ctl, NULL), LL_ENOCONV);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->converged, 0);
    const double coef[3] = {-1.6461656893888996, 2.125040302720747, 2.009358357200743};
    const double se[3] = {0.85976923877626898, 0.67170307437868604, 1.186969352357119};
    for (int j = 0; j < 3; j++) {
        ck_assert_rel(f->coef[j], coef[j], REL);
        ck_assert_rel(f->se[j], se[j], REL);
    }
    ck_assert_rel(f->deviance, 13.75480069752901, REL);
    ll_glm_free(f);
    free(X);
}
END_TEST

START_TEST(glm_aliased_column_is_na)
{
    /* x3 <- x1 + x2; coef(glm(y ~ x1 + x2 + x3, binomial)): x3 NA, the
     * others as without x3 */
    double x3[20];
    for (int i = 0; i < 20; i++)
        x3[i] = G_X1[i] + G_X2[i];
    double *X = small_design(4, x3);
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit(&f, X, 20, 4, G_Y, NULL, NULL), 0);
    ck_assert_uint_eq(f->rank, 3);
    ck_assert_int_eq(f->aliased[3], 1);
    ck_assert(isnan(f->coef[3]) && isnan(f->se[3]) && isnan(f->p_value[3]));
    ck_assert(isnan(f->cov[3 * 4 + 0]) && isnan(f->cov[0 * 4 + 3]));
    for (int j = 0; j < 3; j++) {
        ck_assert_int_eq(f->aliased[j], 0);
        ck_assert_rel(f->coef[j], G_COEF[j], REL);
        ck_assert_rel(f->se[j], G_SE[j], REL);
        ck_assert_abs(f->p_value[j], G_P[j], PABS);
    }
    ck_assert_uint_eq(f->df_residual, 17);
    ck_assert_rel(f->deviance, 13.354159908634543, REL);
    ll_glm_free(f);
    free(X);
}
END_TEST

START_TEST(glm_zero_column_is_na)
{
    /* z0 <- rep(0, 20); coef(glm(y ~ x1 + z0 + x2, binomial)): z0 NA */
    double X[20 * 4];
    for (int i = 0; i < 20; i++) {
        X[i * 4] = 1.0;
        X[i * 4 + 1] = G_X1[i];
        X[i * 4 + 2] = 0.0;
        X[i * 4 + 3] = G_X2[i];
    }
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit(&f, X, 20, 4, G_Y, NULL, NULL), 0);
    ck_assert_int_eq(f->aliased[2], 1);
    ck_assert_uint_eq(f->rank, 3);
    ck_assert_rel(f->coef[0], G_COEF[0], REL);
    ck_assert_rel(f->coef[1], G_COEF[1], REL);
    ck_assert_rel(f->coef[3], G_COEF[2], REL);
    ck_assert_rel(f->se[3], G_SE[2], REL);
    ll_glm_free(f);
}
END_TEST

START_TEST(glm_nearly_aliased_kept_like_r)
{
    /* x4 <- x1 + x2 + 1e-7 * e: R's glm.fit tolerance (1e-11) keeps it.
     * summary(glm(y ~ x1 + x2 + x4, binomial)) */
    const double e[20] = {0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.0, -0.1, 0.3, -0.5,
                          0.2, 0.4, -0.3, 0.1, 0.0, -0.2, 0.5, -0.1, 0.3, -0.4};
    double x4[20];
    for (int i = 0; i < 20; i++)
        x4[i] = G_X1[i] + G_X2[i] + 1e-7 * e[i];
    double *X = small_design(4, x4);
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit(&f, X, 20, 4, G_Y, NULL, NULL), 0);
    ck_assert_uint_eq(f->rank, 4);
    const double coef[4] = {-3.0357163353662009, 24893942.796987493, 24893943.48031513,
                            -24893939.333459966};
    const double se[4] = {1.6588847231521808, 25569578.492442913, 25569579.134752642,
                          25569577.782496631};
    for (int j = 0; j < 4; j++) {
        ck_assert_int_eq(f->aliased[j], 0);
        /* condition number ~1e8: both R and we only hold ~1e-8 */
        ck_assert_rel(f->coef[j], coef[j], 1e-5);
        ck_assert_rel(f->se[j], se[j], 1e-5);
    }
    ck_assert_rel(f->deviance, 12.310885084053847, REL);
    ll_glm_free(f);
    free(X);
}
END_TEST

START_TEST(glm_complete_separation)
{
    /* glm(c(0,0,0,1,1,1) ~ I(1:6), binomial): "fitted probabilities
     * numerically 0 or 1 occurred", converged TRUE at iter 25 */
    double X[12];
    const double y[6] = {0, 0, 0, 1, 1, 1};
    for (int i = 0; i < 6; i++) {
        X[2 * i] = 1.0;
        X[2 * i + 1] = i + 1;
    }
    ll_glm *f = NULL;
    ll_error err;
    ck_assert_int_eq(ll_glm_fit(&f, X, 6, 2, y, NULL, &err), LL_ESEPARATION);
    ck_assert_int_eq(err.code, LL_ESEPARATION);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->separation, 1);
    ck_assert_int_eq(f->converged, 1);
    ck_assert_int_eq(f->iter, 25);
    ll_glm_free(f);
}
END_TEST

START_TEST(glm_quasi_separation)
{
    /* glm(c(0,0,0,1,1,1) ~ c(1,2,3,3,4,5), binomial): warning, iter 20 */
    double X[12];
    const double x[6] = {1, 2, 3, 3, 4, 5}, y[6] = {0, 0, 0, 1, 1, 1};
    for (int i = 0; i < 6; i++) {
        X[2 * i] = 1.0;
        X[2 * i + 1] = x[i];
    }
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit(&f, X, 6, 2, y, NULL, NULL), LL_ESEPARATION);
    ck_assert_int_eq(f->separation, 1);
    ck_assert_int_eq(f->iter, 20);
    ll_glm_free(f);
}
END_TEST

START_TEST(glm_bad_input)
{
    double X[4] = {1, 0, 1, 1};
    double y[2] = {0, 2};
    ll_glm *f = (ll_glm *)&f; /* must be reset to NULL */
    ll_error err;
    ck_assert_int_eq(ll_glm_fit(&f, X, 2, 2, y, NULL, &err), LL_EINPUT);
    ck_assert_ptr_null(f);
    ck_assert_int_eq(ll_glm_fit(&f, X, 0, 2, y, NULL, &err), LL_EINPUT);
    X[1] = NAN;
    y[1] = 1;
    ck_assert_int_eq(ll_glm_fit(&f, X, 2, 2, y, NULL, &err), LL_EINPUT);
    ll_glm_free(NULL);
}
END_TEST

START_TEST(glm_explicit_adjusted_odds_ratio)
{
    /* estimates.csv: stable_12m, adjusted_odds_ratio (n = 108, events 71):
     * glm(stable_12m ~ treated + age_years + male + years_in_care +
     * prior_placements + years_in_placement + placements_before + pg_kinship
     * + pg_residential + pg_other + lg_s20, binomial) */
    double *d;
    size_t n = read_csv(FIXTURE("explicit_stable12m.csv"), 12, &d);
    ck_assert_uint_eq(n, 108);
    size_t p = 12;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    ck_assert(X && y);
    double events = 0;
    for (size_t i = 0; i < n; i++) {
        y[i] = d[i * 12];
        events += y[i];
        X[i * p] = 1.0;
        for (size_t j = 1; j < 12; j++)
            X[i * p + j] = d[i * 12 + j];
    }
    ck_assert_rel(events, 71, 0);
    ll_glm *f = NULL;
    ck_assert_int_eq(ll_glm_fit(&f, X, n, p, y, NULL, NULL), 0);
    ck_assert_rel(exp(f->coef[1]), 2.8323452928378643, REL);
    ck_assert_rel(f->se[1], 0.47496938285128154, REL);
    ck_assert_rel(f->z[1], 2.19194148386245, REL);
    ck_assert_abs(f->p_value[1], 0.028383732157125127, PABS);
    ck_assert_rel(exp(f->conf_low[1]), 1.1164814856699645, REL);
    ck_assert_rel(exp(f->conf_high[1]), 7.1852332177697997, REL);
    /* R: f$deviance 120.29769416019253, f$iter 5; pg_kinship coefficient */
    ck_assert_rel(f->deviance, 120.29769416019253, REL);
    ck_assert_int_eq(f->iter, 5);
    ck_assert_rel(f->coef[8], 2.576870795692830729, REL);
    ck_assert_rel(f->se[8], 1.080479536562179099, REL);
    ll_glm_free(f);
    free(X);
    free(y);
    free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Random-intercept mixed model                                        */

/* id <- c(7,3,7,12,5,9,3,1,7,5,5,9,1,3,7,5,1,9,5,1,3,7,1,5)  (id 12 once)
 * x  <- c(0.1,1.3,0.7,2.2,-0.5,1.0,0.4,-1.2,1.8,0.3,0.9,-0.2,0.6,2.0,-0.8,
 *         1.5,0.0,0.5,-1.0,1.1,0.8,0.2,-0.3,1.7)
 * g  <- as.numeric(id %in% c(7,12,9))
 * ctl <- lmerControl(optimizer = "nloptwrap", optCtrl = list(xtol_abs = 1e-14,
 *   ftol_abs = 1e-16, xtol_rel = 1e-14, ftol_rel = 1e-16, maxeval = 1e5))
 * m <- lmer(y ~ x + g + (1 | id), REML = TRUE, control = ctl) */
static const long M_ID[24] = {7, 3, 7, 12, 5, 9, 3, 1, 7, 5, 5, 9, 1, 3, 7, 5, 1, 9, 5, 1, 3, 7, 1, 5};
static const double M_X[24] = {0.1, 1.3, 0.7, 2.2, -0.5, 1.0, 0.4, -1.2, 1.8, 0.3, 0.9, -0.2,
                               0.6, 2.0, -0.8, 1.5, 0.0, 0.5, -1.0, 1.1, 0.8, 0.2, -0.3, 1.7};

/* set.seed(3); y <- round(10 + 0.5*x + g + b[id] + rnorm(24), 1) */
static const double M_Y[24] = {12.1, 8.9, 13.6, 11.4, 10.9, 9.5, 8.8, 10.5, 12.7, 12.4, 10.7, 7.8,
                               9.6, 9.8, 12.8, 11.4, 9, 8.6, 11.7, 10.7, 8.3, 12.2, 9.6, 10.2};

static double *lmm_design(void)
{
    double *X = malloc(24 * 3 * sizeof *X);
    ck_assert(X != NULL);
    for (int i = 0; i < 24; i++) {
        X[i * 3] = 1.0;
        X[i * 3 + 1] = M_X[i];
        X[i * 3 + 2] = (M_ID[i] == 7 || M_ID[i] == 12 || M_ID[i] == 9);
    }
    return X;
}

START_TEST(lmm_small_unsorted_with_singleton_cluster)
{
    const double *y = M_Y;
    double *X = lmm_design();
    ll_lmm *f = NULL;
    ll_error err;
    ck_assert_int_eq(ll_lmm_fit(&f, X, 24, 3, y, M_ID, &err), 0);
    /* summary(m)$coefficients */
    const double beta[3] = {9.9961179964590912, 0.046222464219682437, 0.86064094087605869};
    const double se[3] = {0.97336680902101669, 0.18668555761321737, 1.3893637458284851};
    const double t[3] = {10.269631041264791, 0.24759528701972755, 0.61944968944245327};
    for (int j = 0; j < 3; j++) {
        ck_assert_rel(f->beta[j], beta[j], REL);
        ck_assert_rel(f->se[j], se[j], REL);
        ck_assert_rel(f->t[j], t[j], REL);
        /* 2 * pnorm(-abs(t)) */
        ck_assert_abs(f->p_value[j], 2.0 * gsl_cdf_ugaussian_P(-fabs(t[j])), PABS);
        ck_assert_rel(f->conf_low[j], beta[j] - 1.959963984540054 * se[j], REL);
    }
    ck_assert_rel(f->theta, 2.2562787504222444, REL);   /* getME(m, "theta") */
    ck_assert_rel(f->sigma2, 0.53076267707130886, REL); /* sigma(m)^2 */
    ck_assert_rel(f->tau2, 2.7020033454974128, REL);    /* VarCorr(m)$id */
    ck_assert_rel(f->reml, 65.487432487090814, 1e-9);   /* REMLcrit(m) */
    ck_assert_uint_eq(f->n_groups, 6);
    ck_assert_int_eq(f->singular, 0);
    ll_lmm_free(f);
    free(X);
}
END_TEST

START_TEST(lmm_row_order_does_not_matter)
{
    const double *y = M_Y;
    double *X = lmm_design();
    double Xr[72], yr[24];
    long idr[24];
    for (int i = 0; i < 24; i++) { /* reversed rows, ids relabelled */
        memcpy(Xr + i * 3, X + (23 - i) * 3, 3 * sizeof *Xr);
        yr[i] = y[23 - i];
        idr[i] = -1000 * M_ID[23 - i];
    }
    ll_lmm *a = NULL, *b = NULL;
    ck_assert_int_eq(ll_lmm_fit(&a, X, 24, 3, y, M_ID, NULL), 0);
    ck_assert_int_eq(ll_lmm_fit(&b, Xr, 24, 3, yr, idr, NULL), 0);
    for (int j = 0; j < 3; j++) {
        ck_assert_rel(a->beta[j], b->beta[j], 1e-10);
        ck_assert_rel(a->se[j], b->se[j], 1e-10);
    }
    ck_assert_rel(a->theta, b->theta, 1e-10);
    ll_lmm_free(a);
    ll_lmm_free(b);
    free(X);
}
END_TEST

START_TEST(lmm_singular_fit)
{
    /* set.seed(1); y2 <- round(10 + 0.5*x + rnorm(24, 0, 2), 1):
     * lmer(y2 ~ x + g + (1 | id)) is a boundary (singular) fit, theta 0,
     * and its fixed effects are lm(y2 ~ x + g)'s */
    const double y[24] = {8.8, 11, 8.7, 14.3, 10.4, 8.9, 11.2, 10.9, 12.1, 9.5, 13.5, 10.7,
                          9.1, 6.6, 11.8, 10.7, 10, 12.1, 11.1, 11.7, 12.2, 11.7, 10, 6.9};
    double *X = lmm_design();
    ll_lmm *f = NULL;
    ll_error err;
    ck_assert_int_eq(ll_lmm_fit(&f, X, 24, 3, y, M_ID, &err), LL_ESINGULAR);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->singular, 1);
    ck_assert(f->theta == 0.0);
    ck_assert(f->tau2 == 0.0);
    const double beta[3] = {10.385233709231862, -0.12875074190499036, 0.70455841082118842};
    const double se[3] = {0.53067800562791723, 0.41893697917490824, 0.79545743830785753};
    for (int j = 0; j < 3; j++) {
        ck_assert_rel(f->beta[j], beta[j], REL);
        ck_assert_rel(f->se[j], se[j], REL);
    }
    ck_assert_rel(f->sigma2, 3.5484636381939141, REL);
    ck_assert_rel(f->reml, 94.104086829617671, 1e-9);
    ll_lmm_free(f);
    free(X);
}
END_TEST

START_TEST(lmm_degenerate_inputs)
{
    double X[8] = {1, 0, 1, 1, 1, 2, 1, 3};
    double y[4] = {1, 2, 2, 4};
    long each[4] = {1, 2, 3, 4}, one[4] = {5, 5, 5, 5};
    ll_lmm *f = (ll_lmm *)&f;
    /* lme4: number of levels of each grouping factor must be < number of observations */
    ck_assert_int_eq(ll_lmm_fit(&f, X, 4, 2, y, each, NULL), LL_EDOM);
    ck_assert_ptr_null(f);
    /* lme4: grouping factors must have > 1 sampled level */
    ck_assert_int_eq(ll_lmm_fit(&f, X, 4, 2, y, one, NULL), LL_EDOM);
    /* rank-deficient fixed effects */
    double Xd[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    long two[4] = {1, 1, 2, 2};
    ck_assert_int_eq(ll_lmm_fit(&f, Xd, 4, 2, y, two, NULL), LL_EDOM);
    y[2] = NAN;
    ck_assert_int_eq(ll_lmm_fit(&f, X, 4, 2, y, two, NULL), LL_EINPUT);
    ll_lmm_free(NULL);
}
END_TEST

START_TEST(lmm_explicit_sdq)
{
    /* estimates.csv, sdq mixed_model rows (n = 117 children):
     * lme4::lmer(sdq ~ years * treated + (1 | child), REML = TRUE) at the
     * exact REML optimum */
    double *d;
    size_t n = read_csv(FIXTURE("explicit_sdq.csv"), 4, &d);
    ck_assert_uint_eq(n, 253);
    double *X = malloc(n * 4 * sizeof *X), *y = malloc(n * sizeof *y);
    long *id = malloc(n * sizeof *id);
    ck_assert(X && y && id);
    for (size_t i = 0; i < n; i++) {
        y[i] = d[i * 4];
        id[i] = (long)d[i * 4 + 1];
        double years = d[i * 4 + 2], treated = d[i * 4 + 3];
        X[i * 4] = 1.0;
        X[i * 4 + 1] = years;
        X[i * 4 + 2] = treated;
        X[i * 4 + 3] = years * treated;
    }
    ll_lmm *f = NULL;
    ck_assert_int_eq(ll_lmm_fit(&f, X, n, 4, y, id, NULL), 0);
    ck_assert_uint_eq(f->n_groups, 117);
    /* term years */
    ck_assert_rel(f->beta[1], 0.14790848548160976, REL);
    ck_assert_rel(f->se[1], 0.30859538189664715, REL);
    ck_assert_rel(f->t[1], 0.47929584873420544, REL);
    ck_assert_abs(f->p_value[1], 0.63172817497655243, PABS);
    ck_assert_rel(f->conf_low[1], -0.45692734883120234, REL);
    ck_assert_rel(f->conf_high[1], 0.7527443197944218, REL);
    /* term years:treated */
    ck_assert_rel(f->beta[3], -1.2735959122270828, REL);
    ck_assert_rel(f->se[3], 0.37935722086732665, REL);
    ck_assert_rel(f->t[3], -3.3572470541492607, REL);
    ck_assert_abs(f->p_value[3], 0.00078722736979232007, PABS);
    ck_assert_rel(f->conf_low[3], -2.0171224024022494, REL);
    ck_assert_rel(f->conf_high[3], -0.53006942205191609, REL);
    /* devf <- lmer(..., devFunOnly = TRUE); optimize(devf, c(0, 20), tol = 1e-14):
     * minimum 2.7340708896784922 (objective 1475.9223460911116) */
    ck_assert_rel(f->theta, 2.7340708896784922, 1e-8);
    ck_assert_rel(f->reml, 1475.9223460911116, 1e-12);
    ll_lmm_free(f);
    free(X);
    free(y);
    free(id);
    free(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Survival                                                             */

/* tm <- c(1,2,2,2,3,4,4,5,6,6,7,8); ev <- c(1,1,1,0,0,1,0,1,1,1,0,0)
 * (tied events at 2 and 6, an event and a censoring tied at 2 and 4) */
static const double S_T[12] = {1, 2, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8};
static const int S_E[12] = {1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0};
static const double S_X1[12] = {0.5, 1.2, -0.3, 2.1, 0.0, -1.5, 0.8, 1.9, -0.7, 0.3, 1.1, -2.0};

START_TEST(km_summary_times)
{
    /* summary(survfit(Surv(tm, ev) ~ 1), times = c(0.5, 2, 3.5, 6, 8)) */
    const double times[5] = {0.5, 2, 3.5, 6, 8};
    const size_t nrisk[5] = {12, 11, 7, 4, 1};
    const size_t cumev[5] = {0, 3, 3, 7, 7}; /* cumsum(s$n.event) */
    const double surv[5] = {1, 0.75, 0.75, 0.25714285714285712, 0.25714285714285712};
    const double se[5] = {0, 0.125, 0.125, 0.15247233654364556, 0.15247233654364556};
    const double lo[5] = {1, 0.54099635561655635, 0.54099635561655635, 0.080437068284210628,
                          0.080437068284210628};
    const double up[5] = {1, 1, 1, 0.8220395197144611, 0.8220395197144611};
    ll_km *km = NULL;
    ck_assert_int_eq(ll_km_fit(&km, S_T, S_E, 12, NULL), 0);
    ck_assert_uint_eq(km->n_times, 8);
    for (int k = 0; k < 5; k++) {
        ll_km_point pt;
        ck_assert_int_eq(ll_km_at(&pt, km, times[k], NULL), 0);
        ck_assert_uint_eq(pt.n_risk, nrisk[k]);
        ck_assert_uint_eq(pt.n_event, cumev[k]);
        ck_assert_int_eq(pt.ci_defined, 1);
        ck_assert_rel(pt.surv, surv[k], REL);
        ck_assert_abs(pt.std_err, se[k], 1e-12);
        ck_assert_rel(pt.std_err, se[k], REL);
        ck_assert_rel(pt.lower, lo[k], REL);
        ck_assert_rel(pt.upper, up[k], REL);
    }
    /* summary(..., times = 8.5): "no points selected" */
    ll_km_point pt;
    ll_error err;
    ck_assert_int_eq(ll_km_at(&pt, km, 8.5, &err), LL_EDOM);
    ck_assert_int_eq(ll_km_at(&pt, km, NAN, &err), LL_EINPUT);
    ll_km_free(km);
}
END_TEST

START_TEST(km_all_censored_and_to_zero)
{
    /* summary(survfit(Surv(tm, rep(0, 12)) ~ 1), times = 3):
     * surv 1, std.err 0, limits 1, n.risk 8 */
    int none[12] = {0};
    ll_km *km = NULL;
    ll_km_point pt;
    ck_assert_int_eq(ll_km_fit(&km, S_T, none, 12, NULL), 0);
    ck_assert_int_eq(ll_km_at(&pt, km, 3, NULL), 0);
    ck_assert(pt.surv == 1.0 && pt.std_err == 0.0 && pt.lower == 1.0 && pt.upper == 1.0);
    ck_assert_uint_eq(pt.n_risk, 8);
    ck_assert_uint_eq(pt.n_event, 0);
    ll_km_free(km);
    /* summary(survfit(Surv(c(1,2,3), c(1,0,1)) ~ 1), times = c(2.5, 3)):
     * surv 0.66666666666666663 (std.err 0.27216552697590868), then 0 with
     * std.err NaN and NA limits */
    const double t2[3] = {1, 2, 3};
    const int e2[3] = {1, 0, 1};
    ck_assert_int_eq(ll_km_fit(&km, t2, e2, 3, NULL), 0);
    ck_assert_int_eq(ll_km_at(&pt, km, 2.5, NULL), 0);
    ck_assert_rel(pt.surv, 0.66666666666666663, REL);
    ck_assert_rel(pt.std_err, 0.27216552697590868, REL);
    ck_assert_int_eq(ll_km_at(&pt, km, 3, NULL), 0);
    ck_assert(pt.surv == 0.0);
    ck_assert_int_eq(pt.ci_defined, 0);
    ck_assert(isnan(pt.std_err) && isnan(pt.lower) && isnan(pt.upper));
    ll_km_free(km);
    ll_km_free(NULL);
    ck_assert_int_eq(ll_km_fit(&km, t2, e2, 0, NULL), LL_EINPUT);
    ck_assert_ptr_null(km);
}
END_TEST

/* survdiff(Surv(tm, ev) ~ g) with ngroups groups, its chi-square and p
 * checked against R's (caller frees). */
static ll_logrank *logrank_of(const int *g, size_t ngroups, double chisq, double p_value)
{
    ll_logrank *lr = NULL;
    ck_assert_int_eq(ll_logrank_test(&lr, S_T, S_E, g, 12, ngroups, NULL), 0);
    ck_assert_rel(lr->chisq, chisq, REL);
    ck_assert_abs(lr->p_value, p_value, PABS);
    return lr;
}

START_TEST(logrank_three_groups)
{
    /* g3 <- c(0,1,2,0,1,2,0,1,2,0,1,2); survdiff(Surv(tm, ev) ~ g3) */
    const int g3[12] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
    ll_logrank *lr = logrank_of(g3, 3, 0.046898324995084992, 0.97682363268041539);
    ck_assert_int_eq(lr->df, 2);
    const double obs[3] = {2, 2, 3};
    const double ex[3] = {1.8645021645021644, 2.2463203463203465, 2.8891774891774893};
    const double var[9] = {1.1933286482637131, -0.53458949419988377, -0.65873915406382944,
                           -0.53458949419988377, 1.3328327804951181, -0.79824328629523444,
                           -0.65873915406382944, -0.79824328629523444, 1.4569824403590637};
    for (int k = 0; k < 3; k++) {
        ck_assert_rel(lr->obs[k], obs[k], REL);
        ck_assert_rel(lr->exp[k], ex[k], REL);
        ck_assert_uint_eq(lr->n[k], 4);
    }
    for (int k = 0; k < 9; k++)
        ck_assert_rel(lr->var[k], var[k], REL);
    ll_logrank_free(lr);
}
END_TEST

START_TEST(logrank_two_groups_and_degenerate)
{
    /* g2 <- rep(0:1, each = 6); survdiff(Surv(tm, ev) ~ g2) */
    const int g2[12] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    ll_logrank *lr = logrank_of(g2, 2, 7.3198228356594708, 0.0068198134805293785);
    ck_assert_rel(lr->exp[0], 1.551948051948052, REL);
    ll_logrank_free(lr);
    /* gn <- c(0,0,0,1,1,0,1,0,0,0,1,1) (group 1 has no events):
     * survdiff chisq 6.5998963395356913, p 0.010198470510921476 */
    const int gn[12] = {0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1};
    lr = logrank_of(gn, 2, 6.5998963395356913, 0.010198470510921476);
    ck_assert_rel(lr->obs[1], 0, 0);
    ll_logrank_free(lr);
    /* all censored: no expected events, no test */
    int none[12] = {0};
    ll_error err;
    ck_assert_int_eq(ll_logrank_test(&lr, S_T, none, g2, 12, 2, &err), LL_EDOM);
    ck_assert_ptr_null(lr);
    int bad[12] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2};
    ck_assert_int_eq(ll_logrank_test(&lr, S_T, S_E, bad, 12, 2, &err), LL_EINPUT);
}
END_TEST

START_TEST(cox_efron_ties_one_covariate)
{
    /* m <- coxph(Surv(tm, ev) ~ x1, ties = "efron");
     * x1 <- c(0.5,1.2,-0.3,2.1,0.0,-1.5,0.8,1.9,-0.7,0.3,1.1,-2.0) */
    ll_cox *f = NULL;
    ck_assert_int_eq(ll_cox_fit(&f, S_T, S_E, S_X1, 12, 1, NULL), 0);
    ck_assert_rel(f->coef[0], 0.10690291085733591, REL);
    ck_assert_rel(f->se[0], 0.30284021134291689, REL);
    ck_assert_rel(f->z[0], 0.35300104429093104, REL);
    ck_assert_abs(f->p_value[0], 0.72408765764121841, PABS);
    /* summary(m)$conf.int[, 3:4] */
    ck_assert_rel(exp(f->conf_low[0]), 0.6146802921880391, REL);
    ck_assert_rel(exp(f->conf_high[0]), 2.0146768657764094, REL);
    ck_assert_rel(f->loglik0, -13.22564172685783, REL); /* m$loglik */
    ck_assert_rel(f->loglik, -13.162291190794292, REL);
    ck_assert_int_eq(f->iter, 3);
    ck_assert_uint_eq(f->n_event, 7);
    /* the Breslow estimate (0.10576953012715526) differs beyond the tolerance */
    ck_assert(fabs(f->coef[0] - 0.10576953012715526) > 1e-3);
    ll_cox_free(f);
}
END_TEST

START_TEST(cox_two_covariates)
{
    /* g2b <- c(0,1,1,0,1,0,0,1,0,1,1,0);
     * m <- coxph(Surv(tm, ev) ~ x1 + g2b, ties = "efron") */
    const double g2b[12] = {0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0};
    double X[24];
    for (int i = 0; i < 12; i++) {
        X[2 * i] = S_X1[i];
        X[2 * i + 1] = g2b[i];
    }
    ll_cox *f = NULL;
    ck_assert_int_eq(ll_cox_fit(&f, S_T, S_E, X, 12, 2, NULL), 0);
    const double coef[2] = {0.076334423382227734, 0.12384382447220588};
    const double se[2] = {0.39150512237694035, 0.98710611579950713};
    const double z[2] = {0.19497681899735939, 0.12546151066230454};
    const double p[2] = {0.84541109509751422, 0.90015819426519428};
    for (int j = 0; j < 2; j++) {
        ck_assert_rel(f->coef[j], coef[j], REL);
        ck_assert_rel(f->se[j], se[j], REL);
        ck_assert_rel(f->z[j], z[j], REL);
        ck_assert_abs(f->p_value[j], p[j], PABS);
    }
    ck_assert_rel(f->cov[1], -0.24293744632027961, REL); /* vcov(m)[1, 2] */
    ck_assert_rel(f->cov[2], -0.24293744632027961, REL);
    ck_assert_rel(f->loglik, -13.154332156757675, REL);
    ck_assert_int_eq(f->iter, 3);
    ll_cox_free(f);
}
END_TEST

START_TEST(cox_not_computable)
{
    ll_cox *f = (ll_cox *)&f;
    ll_error err;
    /* gn: group 1 has no events; coxph warns "coefficient may be infinite" */
    const double gn[12] = {0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1};
    ck_assert_int_eq(ll_cox_fit(&f, S_T, S_E, gn, 12, 1, &err), LL_EDOM);
    ck_assert_ptr_null(f);
    /* all censored */
    int none[12] = {0};
    ck_assert_int_eq(ll_cox_fit(&f, S_T, none, S_X1, 12, 1, &err), LL_EDOM);
    /* coxph(Surv(tm, ev) ~ x1 + g2), g2 <- rep(0:1, each = 6): both groups
     * have events, but "Loglik converged before variable 2; coefficient may
     * be infinite" (monotone likelihood) */
    double X[24];
    for (int i = 0; i < 12; i++) {
        X[2 * i] = S_X1[i];
        X[2 * i + 1] = i >= 6;
    }
    ck_assert_int_eq(ll_cox_fit(&f, S_T, S_E, X, 12, 2, &err), LL_EDOM);
    ck_assert_ptr_null(f);
    /* a constant covariate: singular information (R: NA coefficient) */
    double c[12];
    for (int i = 0; i < 12; i++)
        c[i] = 2.5;
    ck_assert_int_eq(ll_cox_fit(&f, S_T, S_E, c, 12, 1, &err), LL_ESINGULAR);
    ck_assert_ptr_null(f);
    ll_cox_free(NULL);
}
END_TEST

/* The homelessness rows of examples/explicit/expected/estimates.csv. */
START_TEST(surv_explicit_homelessness)
{
    double *d;
    size_t n = read_csv(FIXTURE("explicit_homeless.csv"), 3, &d);
    ck_assert_uint_eq(n, 24);
    double t[24], tt[24], tc[24], x[24];
    int e[24], et[24], ec[24], g[24];
    size_t nt = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        t[i] = d[i * 3];
        e[i] = (int)d[i * 3 + 1];
        x[i] = d[i * 3 + 2];
        g[i] = x[i] == 1.0 ? 1 : 0;
        if (g[i]) {
            tt[nt] = t[i];
            et[nt++] = e[i];
        } else {
            tc[nc] = t[i];
            ec[nc++] = e[i];
        }
    }
    ck_assert_uint_eq(nt, 10);
    ck_assert_uint_eq(nc, 14);
    /* km_survival: summary(survfit(Surv(homeless_time, homeless_event) ~
     * group), times = 18:21), log CI; events = events at ages <= term */
    ll_km *km = NULL;
    ll_km_point pt;
    ck_assert_int_eq(ll_km_fit(&km, tt, et, nt, NULL), 0); /* treated */
    for (int age = 18; age <= 21; age++) {
        ck_assert_int_eq(ll_km_at(&pt, km, age, NULL), 0);
        ck_assert_uint_eq(pt.n_event, 1);
        ck_assert_rel(pt.surv, 0.88888888888888884, REL);
        ck_assert_rel(pt.std_err, 0.10475656017578482, REL);
        ck_assert_rel(pt.lower, 0.70555750151594321, REL);
        ck_assert_rel(pt.upper, 1, REL);
    }
    ll_km_free(km);
    ck_assert_int_eq(ll_km_fit(&km, tc, ec, nc, NULL), 0); /* comparison */
    const size_t ev[4] = {2, 5, 7, 7};
    const double s[4] = {0.8571428571428571, 0.62337662337662336, 0.37402597402597398,
                         0.37402597402597398};
    const double se[4] = {0.093521952958282431, 0.1336930993960172, 0.15838973463226064,
                          0.15838973463226064};
    const double lo[4] = {0.69211698606205252, 0.4094460732819421, 0.16309523421923372,
                          0.16309523421923372};
    const double up[4] = {1, 0.94908326133794418, 0.85775301722201269, 0.85775301722201269};
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(ll_km_at(&pt, km, 18 + k, NULL), 0);
        ck_assert_uint_eq(pt.n_event, ev[k]);
        ck_assert_rel(pt.surv, s[k], REL);
        ck_assert_rel(pt.std_err, se[k], REL);
        ck_assert_rel(pt.lower, lo[k], REL);
        ck_assert_rel(pt.upper, up[k], REL);
    }
    ll_km_free(km);
    /* log_rank: survdiff, n 24, events 8 */
    ll_logrank *lr = NULL;
    ck_assert_int_eq(ll_logrank_test(&lr, t, e, g, n, 2, NULL), 0);
    ck_assert_rel(lr->chisq, 2.4393315052611411, REL);
    ck_assert_abs(lr->p_value, 0.11832664259787731, PABS);
    ck_assert_rel(lr->obs[0] + lr->obs[1], 8, 0);
    ll_logrank_free(lr);
    /* hazard_ratio: coxph(Surv(homeless_time, homeless_event) ~ treated,
     * ties = "efron") */
    ll_cox *f = NULL;
    ck_assert_int_eq(ll_cox_fit(&f, t, e, x, n, 1, NULL), 0);
    ck_assert_rel(exp(f->coef[0]), 0.21890189546399819, REL);
    ck_assert_rel(f->se[0], 1.0725565433327287, REL);
    ck_assert_rel(f->z[0], -1.4163650624234683, REL);
    ck_assert_abs(f->p_value[0], 0.1566686475647176, PABS);
    ck_assert_rel(exp(f->conf_low[0]), 0.026747779678308756, REL);
    ck_assert_rel(exp(f->conf_high[0]), 1.7914772894809867, REL);
    ck_assert_uint_eq(f->n_event, 8);
    ll_cox_free(f);
    free(d);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const glm[] = {glm_small_matches_r, glm_not_converged_keeps_r_iterate,
                                glm_aliased_column_is_na, glm_zero_column_is_na,
                                glm_nearly_aliased_kept_like_r, glm_complete_separation,
                                glm_quasi_separation, glm_bad_input,
                                glm_explicit_adjusted_odds_ratio, glm_rows_source_same_fit,
                                glm_rows_source_first_bad_row, NULL},
                       *const lmm[] = {lmm_small_unsorted_with_singleton_cluster,
                                       lmm_row_order_does_not_matter, lmm_singular_fit,
                                       lmm_degenerate_inputs, lmm_explicit_sdq, NULL},
                       *const survival[] = {km_summary_times, km_all_censored_and_to_zero,
                                            logrank_three_groups, logrank_two_groups_and_degenerate,
                                            cox_efron_ties_one_covariate, cox_two_covariates,
                                            cox_not_computable, surv_explicit_homelessness, NULL};
    Suite *s = suite_create("models");
    tu_tcase(s, "glm", glm, 0);
    tu_tcase(s, "lmm", lmm, 0);
    tu_tcase(s, "survival", survival, 0);
    return s;
}
