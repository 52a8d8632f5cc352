/* Wilcoxon signed-rank test as R's wilcox.test(x, y, paired = TRUE,
 * exact = FALSE, correct = TRUE): normal approximation with the tie
 * correction of the variance and the continuity correction sign(z) / 2. */
#include "lleval/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

static int cmp_abs(const void *a, const void *b)
{
    double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
    return (x > y) - (x < y);
}

/* V and the tie term sum(t^3 - t) of the n non-zero differences d, which
 * are sorted by |d| in place; ties of |d| share their mid-rank. */
static void signed_ranks(const double *d, size_t n, double *v, double *ties)
{
    *v = 0;
    *ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && fabs(d[j]) == fabs(d[i]))
            j++;
        double rank = ((double)(i + 1) + (double)j) / 2, t = (double)(j - i);
        for (size_t k = i; k < j; k++)
            if (d[k] > 0)
                *v += rank;
        *ties += t * t * t - t;
        i = j;
    }
}

int ll_stats_wilcoxon_paired(ll_stats_wilcoxon *out, const double *x, const double *y, size_t n,
                             ll_error *err)
{
    double *d = NULL;
    size_t m = 0;
    int rc = 0;
    out->statistic = out->p_value = out->z = NAN;
    out->n = 0;
    if (n > 0 && (x == NULL || y == NULL))
        return ll_error_set(err, LL_EINPUT, "Wilcoxon test: no data array");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return ll_error_set(err, LL_EINPUT, "Wilcoxon test: pair %zu is not finite", i + 1);
    if (n > 0 && (d = malloc(n * sizeof *d)) == NULL)
        return ll_error_set(err, LL_ENOMEM, "Wilcoxon test: out of memory");
    for (size_t i = 0; i < n; i++)
        if (x[i] - y[i] != 0)
            d[m++] = x[i] - y[i];
    if (m == 0) {
        rc = ll_error_set(err, LL_EDOM, "Wilcoxon test: no non-zero difference");
        goto done;
    }
    qsort(d, m, sizeof *d, cmp_abs);
    double v, ties, nn = (double)m;
    signed_ranks(d, m, &v, &ties);
    double z = v - nn * (nn + 1) / 4;
    double sigma = sqrt(nn * (nn + 1) * (2 * nn + 1) / 24 - ties / 48);
    double corr = z > 0 ? 0.5 : (z < 0 ? -0.5 : 0);
    z = (z - corr) / sigma;
    out->statistic = v;
    out->z = z;
    out->p_value = 2 * gsl_cdf_ugaussian_P(-fabs(z));
    out->n = m;
done:
    free(d);
    return rc;
}
