/* Internals shared by the basic estimators of the stats module. */
#ifndef LLEVAL_STATS_INTERNAL_H
#define LLEVAL_STATS_INTERNAL_H

#include "lleval/error.h"

#include <gsl/gsl_roots.h>

/* Finds the root of f in [lo, hi] (a sign change is required) by Brent's
 * method to a relative 1e-15 (absolute epsabs), as R's uniroot with
 * tol = 1e-15.  Returns 0, LL_ENOCONV after 500 iterations, LL_ENOMEM or
 * the converted GSL status; `what` names the caller in the message. */
int ll_stats_brent(double *root, gsl_function *f, double lo, double hi, double epsabs,
                   const char *what, ll_error *err);

#endif
