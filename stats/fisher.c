/* Fisher's exact test of a 2 x 2 table as R's fisher.test: conditional MLE
 * of the odds ratio, exact conditional interval and two-sided p-value.
 * The noncentral hypergeometric distribution is computed in log space and
 * every root is solved in u = log(odds ratio), so that no odds ratio
 * overflows and the roots are found to full precision (R's uniroot stops at
 * about 1e-4; SPEC 6 wants the exact roots). */
#include "lleval/stats.h"

#include "stats_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* The conditional distribution of the top-left cell given the margins. */
typedef struct fisher_dist {
    long lo, hi, x;    /* support lo..hi and the observed cell */
    size_t k;          /* hi - lo + 1 */
    double *logdc;     /* k central log probabilities (dhyper, log) */
    double *d;         /* k working probabilities */
    double target;     /* the level a root function aims at */
} fisher_dist;

/* Fills fd->d with the distribution at odds ratio exp(u); support values
 * are offset by lo so that u (s - lo) stays small. */
static void dnhyper(fisher_dist *fd, double u)
{
    double mx = -INFINITY, sum = 0;
    for (size_t i = 0; i < fd->k; i++) {
        fd->d[i] = fd->logdc[i] + u * (double)i;
        if (fd->d[i] > mx)
            mx = fd->d[i];
    }
    for (size_t i = 0; i < fd->k; i++) {
        fd->d[i] = exp(fd->d[i] - mx);
        sum += fd->d[i];
    }
    for (size_t i = 0; i < fd->k; i++)
        fd->d[i] /= sum;
}

/* The probability of the support points from to to - 1 at exp(u). */
static double mass(fisher_dist *fd, double u, size_t from, size_t to)
{
    double s = 0;
    dnhyper(fd, u);
    for (size_t i = from; i < to; i++)
        s += fd->d[i];
    return s;
}

/* P(X <= x) - target at exp(u): decreasing in u. */
static double lower_tail(double u, void *p)
{
    fisher_dist *fd = p;
    return mass(fd, u, 0, (size_t)(fd->x - fd->lo) + 1) - fd->target;
}

/* P(X >= x) - target at exp(u): increasing in u. */
static double upper_tail(double u, void *p)
{
    fisher_dist *fd = p;
    return mass(fd, u, (size_t)(fd->x - fd->lo), fd->k) - fd->target;
}

/* E(X) - x at exp(u): increasing in u. */
static double mean_minus_x(double u, void *p)
{
    fisher_dist *fd = p;
    double s = 0;
    dnhyper(fd, u);
    for (size_t i = 0; i < fd->k; i++)
        s += (double)(fd->lo + (long)i) * fd->d[i];
    return s - (double)fd->x;
}

static int brent(double *root, gsl_function *f, double lo, double hi, ll_error *err)
{
    return ll_stats_brent(root, f, lo, hi, 1e-15, "fisher", err);
}

/* The odds ratio exp(u) where f, increasing or decreasing in u, crosses 0:
 * bracket from u = 0 outwards by doubling steps, then Brent. */
static int solve(double *out, double (*fn)(double, void *), int increasing, fisher_dist *fd,
                 ll_error *err)
{
    gsl_function f = {fn, fd};
    double f0 = fn(0, fd);
    if (f0 == 0) {
        *out = 1;
        return 0;
    }
    /* f increasing and f(0) > 0, or decreasing and f(0) < 0: root below 0. */
    double dir = (increasing == (f0 > 0)) ? -1 : 1;
    double a = 0, b;
    for (double step = 1; ; step *= 2) {
        b = dir * step;
        double fb = fn(b, fd);
        if (fb == 0) {
            *out = exp(b);
            return 0;
        }
        if ((fb > 0) != (f0 > 0))
            break;
        a = b;
        if (step > 1024)
            return ll_error_set(err, LL_ENOCONV, "fisher: root not bracketed");
    }
    double u = NAN;
    int rc = brent(&u, &f, fmin(a, b), fmax(a, b), err);
    *out = rc == 0 ? exp(u) : NAN;
    return rc;
}

/* R's two-sided p: the probabilities at odds ratio 1 not above the
 * observed one times 1 + 1e-7. */
static double p_two_sided(fisher_dist *fd)
{
    double p = 0;
    dnhyper(fd, 0);
    double dx = fd->d[fd->x - fd->lo] * (1 + 1e-7);
    for (size_t i = 0; i < fd->k; i++)
        if (fd->d[i] <= dx)
            p += fd->d[i];
    return p;
}

static int fisher_fill(ll_stats_fisher *out, fisher_dist *fd, double level, ll_error *err)
{
    int rc = 0;
    double alpha = (1 - level) / 2;
    out->p_value = p_two_sided(fd);
    if (fd->x == fd->lo)
        out->estimate = 0;
    else if (fd->x == fd->hi)
        out->estimate = INFINITY;
    else if ((rc = solve(&out->estimate, mean_minus_x, 1, fd, err)) != 0)
        return rc;
    fd->target = alpha;
    if (fd->x == fd->lo)
        out->conf_low = 0;
    else if ((rc = solve(&out->conf_low, upper_tail, 1, fd, err)) != 0)
        return rc;
    if (fd->x == fd->hi)
        out->conf_high = INFINITY;
    else if ((rc = solve(&out->conf_high, lower_tail, 0, fd, err)) != 0)
        return rc;
    return 0;
}

int ll_stats_fisher_compute(ll_stats_fisher *out, long x_t, long n_t, long x_c, long n_c,
                            double level, ll_error *err)
{
    fisher_dist fd = {0};
    int rc = 0;
    out->estimate = out->p_value = out->conf_low = out->conf_high = NAN;
    if (n_t < 0 || n_c < 0 || x_t < 0 || x_c < 0 || x_t > n_t || x_c > n_c ||
        n_t > INT_MAX / 2 || n_c > INT_MAX / 2)
        return ll_error_set(err, LL_EINPUT, "fisher: bad counts %ld/%ld, %ld/%ld", x_t, n_t,
                            x_c, n_c);
    if (!(level > 0 && level < 1))
        return ll_error_set(err, LL_EINPUT, "fisher: level %g not in (0, 1)", level);
    long m = n_t, n = n_c, k = x_t + x_c;
    fd.lo = k - n > 0 ? k - n : 0;
    fd.hi = k < m ? k : m;
    fd.x = x_t;
    if (fd.lo == fd.hi)
        return ll_error_set(err, LL_EDOM, "fisher: a margin of the table is empty");
    fd.k = (size_t)(fd.hi - fd.lo + 1);
    fd.logdc = malloc(fd.k * sizeof *fd.logdc);
    fd.d = malloc(fd.k * sizeof *fd.d);
    if (fd.logdc == NULL || fd.d == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "fisher: out of memory");
        goto done;
    }
    for (size_t i = 0; i < fd.k; i++) {
        long s = fd.lo + (long)i;
        fd.logdc[i] = gsl_sf_lnchoose((unsigned)m, (unsigned)s) +
                      gsl_sf_lnchoose((unsigned)n, (unsigned)(k - s)) -
                      gsl_sf_lnchoose((unsigned)(m + n), (unsigned)k);
    }
    rc = fisher_fill(out, &fd, level, err);
    if (rc != 0)
        out->estimate = out->p_value = out->conf_low = out->conf_high = NAN;
done:
    free(fd.logdc);
    free(fd.d);
    return rc;
}
