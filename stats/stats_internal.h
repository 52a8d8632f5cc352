/* Internals shared by the estimators of the stats module: the one Brent
 * (root finding and minimisation, stats/roots.c). */
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

/* The same with the relative tolerance and the iteration limit given; on
 * LL_ENOCONV *root holds the last iterate. */
int ll_stats_brent_tol(double *root, gsl_function *f, double lo, double hi, double epsabs,
                       double epsrel, int maxit, const char *what, ll_error *err);

/* Brent's minimiser of f on [lo, hi] from mid, until the bracket is within
 * absolute epsabs and relative epsrel or after maxit iterations: the last
 * minimum found (mid when none). */
double ll_stats_brent_min(gsl_function *f, double lo, double mid, double hi, double epsabs,
                          double epsrel, int maxit);

#endif
