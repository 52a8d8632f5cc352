/* Brent root finding to full precision, shared by the estimators whose R
 * reference repeats uniroot with tol = 1e-15. */
#include "stats_internal.h"

#include <gsl/gsl_errno.h>

int ll_stats_brent(double *root, gsl_function *f, double lo, double hi, double epsabs,
                   const char *what, ll_error *err)
{
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    int rc;
    if (s == NULL)
        return ll_error_set(err, LL_ENOMEM, "%s: out of memory", what);
    if ((rc = gsl_root_fsolver_set(s, f, lo, hi)) == GSL_SUCCESS)
        rc = GSL_CONTINUE;
    for (int it = 0; rc == GSL_CONTINUE && it < 500; it++) {
        if ((rc = gsl_root_fsolver_iterate(s)) != GSL_SUCCESS)
            break;
        rc = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                    epsabs, 1e-15);
    }
    *root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (rc != GSL_SUCCESS)
        return ll_error_set(err, rc == GSL_CONTINUE ? LL_ENOCONV : ll_error_from_gsl(rc),
                            "%s: root finding: %s", what, gsl_strerror(rc));
    return 0;
}
