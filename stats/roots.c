/* Brent's methods, the only ones of lleval: root finding to full precision
 * (the estimators whose R reference repeats uniroot with tol = 1e-15, and
 * the REML derivative of the mixed model) and minimisation (the REML
 * criterion). */
#include "stats_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>

int ll_stats_brent(double *root, gsl_function *f, double lo, double hi, double epsabs,
                   const char *what, ll_error *err)
{
    return ll_stats_brent_tol(root, f, lo, hi, epsabs, 1e-15, 500, what, err);
}

int ll_stats_brent_tol(double *root, gsl_function *f, double lo, double hi, double epsabs,
                       double epsrel, int maxit, const char *what, ll_error *err)
{
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    int rc;
    if (s == NULL)
        return ll_error_set(err, LL_ENOMEM, "%s: out of memory", what);
    if ((rc = gsl_root_fsolver_set(s, f, lo, hi)) == GSL_SUCCESS)
        rc = GSL_CONTINUE;
    for (int it = 0; rc == GSL_CONTINUE && it < maxit; it++) {
        if ((rc = gsl_root_fsolver_iterate(s)) != GSL_SUCCESS)
            break;
        rc = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                    epsabs, epsrel);
    }
    *root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (rc != GSL_SUCCESS)
        return ll_error_set(err, rc == GSL_CONTINUE ? LL_ENOCONV : ll_error_from_gsl(rc),
                            "%s: root finding: %s", what, gsl_strerror(rc));
    return 0;
}

double ll_stats_brent_min(gsl_function *f, double lo, double mid, double hi, double epsabs,
                          double epsrel, int maxit)
{
    gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    if (s == NULL)
        return mid;
    double x = mid;
    if (gsl_min_fminimizer_set(s, f, mid, lo, hi) == GSL_SUCCESS) {
        for (int it = 0; it < maxit; it++) {
            if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS)
                break;
            x = gsl_min_fminimizer_x_minimum(s);
            double a = gsl_min_fminimizer_x_lower(s), b = gsl_min_fminimizer_x_upper(s);
            if (gsl_min_test_interval(a, b, epsabs, epsrel) == GSL_SUCCESS)
                break;
        }
    }
    gsl_min_fminimizer_free(s);
    return x;
}
