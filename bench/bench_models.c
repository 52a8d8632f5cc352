/* Benchmark of the model fitters on synthetic data from a fixed-seed GSL
 * generator: logistic regression on 2,000,000 rows x 15 covariates (plus
 * intercept), once more with an aliased column, and the random-intercept REML model on 500,000 observations
 * of 150,000 children.  Prints the seconds each fit takes. */
#include "lleval/statmodels.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_glm(gsl_rng *rng, int aliased)
{
    const size_t n = 2000000, k = 15, p = k + 1;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    if (X == NULL || y == NULL) {
        free(X);
        free(y);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        double *x = X + i * p, eta = -0.5;
        x[0] = 1.0;
        for (size_t j = 1; j < p; j++) {
            /* a mix of binary and continuous covariates */
            x[j] = j % 3 == 0 ? (double)(gsl_rng_uniform(rng) < 0.3) : gsl_ran_gaussian(rng, 1.0);
            eta += (j % 2 ? 0.1 : -0.1) * x[j];
        }
        y[i] = gsl_rng_uniform(rng) < 1.0 / (1.0 + exp(-eta));
        if (aliased) /* exactly dependent last column: R's NA coefficient */
            x[p - 1] = x[1] + x[2];
    }
    ll_glm *fit = NULL;
    ll_error err = {0};
    double t0 = now();
    int rc = ll_glm_fit(&fit, X, n, p, y, NULL, &err);
    double t1 = now();
    printf("glm   n=%zu p=%zu%s: %.3f s (status %d, %d iterations, rank %zu)\n", n, p,
           aliased ? " (one column aliased)" : "", t1 - t0, rc, fit ? fit->iter : 0,
           fit ? fit->rank : 0);
    ll_glm_free(fit);
    free(X);
    free(y);
    return rc != 0;
}

static int bench_lmm(gsl_rng *rng)
{
    const size_t n = 500000, m = 150000, p = 4;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    long *id = malloc(n * sizeof *id);
    double *b = malloc(m * sizeof *b);
    if (X == NULL || y == NULL || id == NULL || b == NULL) {
        free(X);
        free(y);
        free(id);
        free(b);
        return 1;
    }
    for (size_t c = 0; c < m; c++)
        b[c] = gsl_ran_gaussian(rng, 2.0);
    for (size_t i = 0; i < n; i++) {
        /* every child seen at least once, in shuffled row order */
        size_t c = i < m ? (i * 7919) % m : gsl_rng_uniform_int(rng, m);
        double years = (double)gsl_rng_uniform_int(rng, 4), treated = (double)(c % 2);
        double *x = X + i * p;
        x[0] = 1.0;
        x[1] = years;
        x[2] = treated;
        x[3] = years * treated;
        id[i] = (long)c * 13 + 5;
        y[i] = 15.0 + 0.2 * years - 0.5 * treated - 1.0 * years * treated + b[c] +
               gsl_ran_gaussian(rng, 3.0);
    }
    ll_lmm *fit = NULL;
    ll_error err = {0};
    double t0 = now();
    int rc = ll_lmm_fit(&fit, X, n, p, y, id, &err);
    double t1 = now();
    printf("lmm   n=%zu groups=%zu: %.3f s (status %d, theta %.6f)\n", n, m, t1 - t0, rc,
           fit ? fit->theta : NAN);
    ll_lmm_free(fit);
    free(X);
    free(y);
    free(id);
    free(b);
    return rc != 0;
}

int main(void)
{
    gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL)
        return 1;
    gsl_rng_set(rng, 20240331);
    int bad = bench_glm(rng, 0);
    bad |= bench_glm(rng, 1);
    bad |= bench_lmm(rng);
    gsl_rng_free(rng);
    return bad;
}
