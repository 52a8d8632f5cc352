/* Standardised mean differences and variance ratios before and after
 * matching (SPEC 5), and the Table 1 of baseline characteristics. */
#include "lleval/balance.h"

#include "lleval/derive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Mean and sample variance (n - 1) of column j; a binary column's variance
 * is p(1 - p) as SPEC 5 defines it for the SMD. */
static void col_moments(const ll_cov_set *s, size_t j, int continuous, double *mean, double *var)
{
    double m = 0.0, ss = 0.0;
    for (size_t i = 0; i < s->n; i++)
        m += s->x[i * LL_MATCH_NCOV + j];
    m = s->n ? m / (double)s->n : NAN;
    if (!continuous) {
        *mean = m;
        *var = m * (1.0 - m);
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        double d = s->x[i * LL_MATCH_NCOV + j] - m;
        ss += d * d;
    }
    *mean = m;
    *var = s->n > 1 ? ss / (double)(s->n - 1) : NAN;
}

void ll_balance_compute(ll_balance *out, const ll_cov_set *t_before, const ll_cov_set *c_before,
                        const ll_cov_set *t_after, const ll_cov_set *c_after)
{
    memset(out, 0, sizeof *out);
    out->has_after = t_after != NULL && c_after != NULL;
    out->adequate = 1;
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        ll_balance_row *r = &out->row[j];
        int cont = ll_match_cov_continuous(j);
        double vt, vc, vta = NAN, vca = NAN;
        col_moments(t_before, j, cont, &r->mean_t_before, &vt);
        col_moments(c_before, j, cont, &r->mean_c_before, &vc);
        double den = sqrt((vt + vc) / 2.0);
        r->mean_t_after = r->mean_c_after = NAN;
        r->smd_after = r->vr_after = r->vr_before = NAN;
        r->smd_before = den > 0 ? (r->mean_t_before - r->mean_c_before) / den : NAN;
        if (cont && vc > 0)
            r->vr_before = vt / vc;
        if (out->has_after) {
            col_moments(t_after, j, cont, &r->mean_t_after, &vta);
            col_moments(c_after, j, cont, &r->mean_c_after, &vca);
            r->smd_after = den > 0 ? (r->mean_t_after - r->mean_c_after) / den : NAN;
            if (cont && vca > 0)
                r->vr_after = vta / vca;
        }
        double judged = out->has_after ? r->smd_after : r->smd_before;
        if (!isnan(judged)) {
            if (fabs(judged) >= 0.1)
                out->adequate = 0;
            if (fabs(judged) > out->max_abs_smd)
                out->max_abs_smd = fabs(judged);
        }
    }
}

int ll_balance_write_csv(FILE *f, const ll_balance *b)
{
    fputs("covariate,type,mean_treated_before,mean_comparison_before,mean_treated_after,"
          "mean_comparison_after,smd_before,smd_after,variance_ratio_before,"
          "variance_ratio_after\n", f);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        const ll_balance_row *r = &b->row[j];
        double v[8] = {r->mean_t_before, r->mean_c_before, r->mean_t_after, r->mean_c_after,
                       r->smd_before, r->smd_after, r->vr_before, r->vr_after};
        fprintf(f, "%s,%s", ll_match_cov_name(j), ll_match_cov_continuous(j) ? "continuous" : "binary");
        for (int k = 0; k < 8; k++) {
            char buf[40];
            ll_format_number(buf, sizeof buf, v[k]);
            fprintf(f, ",%s", buf);
        }
        fputc('\n', f);
    }
    fprintf(f, "all_abs_smd_below_0.1,summary,,,,,%s,%s,,\n", b->has_after ? "" : (b->adequate ? "1" : "0"),
            b->has_after ? (b->adequate ? "1" : "0") : "");
    return ferror(f) ? LL_EIO : LL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R quantile type 7 of sorted v[0..n). */
static double q7(const double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* "median [Q1, Q3]" of column j, or "" when the set is empty. */
static int cell_median(char *buf, size_t size, const ll_cov_set *s, size_t j, double *tmp)
{
    if (s->n == 0) {
        buf[0] = '\0';
        return LL_OK;
    }
    for (size_t i = 0; i < s->n; i++)
        tmp[i] = s->x[i * LL_MATCH_NCOV + j];
    qsort(tmp, s->n, sizeof *tmp, cmp_double);
    snprintf(buf, size, "%.2f [%.2f, %.2f]", q7(tmp, s->n, 0.5), q7(tmp, s->n, 0.25),
             q7(tmp, s->n, 0.75));
    return LL_OK;
}

static void cell_mean_sd(char *buf, size_t size, const double *v, size_t stride, size_t n,
                         size_t *used)
{
    double m = 0.0, ss = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i * stride])) {
            m += v[i * stride];
            k++;
        }
    *used = k;
    if (k == 0) {
        buf[0] = '\0';
        return;
    }
    m /= (double)k;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i * stride]))
            ss += (v[i * stride] - m) * (v[i * stride] - m);
    if (k > 1)
        snprintf(buf, size, "%.2f (%.2f)", m, sqrt(ss / (double)(k - 1)));
    else
        snprintf(buf, size, "%.2f", m);
}

static void cell_count(char *buf, size_t size, const ll_cov_set *s, size_t j)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        k += s->x[i * LL_MATCH_NCOV + j] != 0.0;
    if (s->n == 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, "%zu (%.1f%%)", k, 100.0 * (double)k / (double)s->n);
}

static void table1_row(FILE *f, const ll_cov_set *sets, size_t nsets, size_t j, double *tmp,
                       const ll_balance *b)
{
    const char *name = ll_match_cov_name(j);
    int cont = ll_match_cov_continuous(j);
    int median = j == 9 || j == 10; /* years_in_care, prior_placements: skewed */
    fprintf(f, "%s,%s", name, !cont ? "n (%)" : median ? "median [IQR]" : "mean (SD)");
    for (size_t k = 0; k < nsets; k++) {
        char buf[64];
        size_t used;
        if (!cont)
            cell_count(buf, sizeof buf, &sets[k], j);
        else if (median)
            cell_median(buf, sizeof buf, &sets[k], j, tmp);
        else
            cell_mean_sd(buf, sizeof buf, sets[k].x + j, LL_MATCH_NCOV, sets[k].n, &used);
        fprintf(f, ",\"%s\"", buf);
    }
    char smd[40];
    ll_format_number(smd, sizeof smd, b->has_after ? b->row[j].smd_after : b->row[j].smd_before);
    fprintf(f, ",%s\n", smd);
}

int ll_table1_write_csv(FILE *f, const ll_cov_set *sets, const char *const *names, size_t nsets,
                        const ll_balance *b, ll_error *err)
{
    size_t maxn = 1;
    for (size_t k = 0; k < nsets; k++)
        maxn = sets[k].n > maxn ? sets[k].n : maxn;
    double *tmp = malloc(maxn * sizeof *tmp);
    if (tmp == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory in Table 1");
    fputs("characteristic,statistic", f);
    for (size_t k = 0; k < nsets; k++)
        fprintf(f, ",\"%s (N = %zu)\"", names[k], sets[k].n);
    fputs(",smd\n", f);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        table1_row(f, sets, nsets, j, tmp, b);
    fputs("sdq_baseline,mean (SD)", f);
    for (size_t k = 0; k < nsets; k++) {
        char buf[64] = "";
        size_t used = 0;
        if (sets[k].sdq0)
            cell_mean_sd(buf, sizeof buf, sets[k].sdq0, 1, sets[k].n, &used);
        if (sets[k].sdq0)
            fprintf(f, ",\"%s; n = %zu\"", buf, used);
        else
            fputs(",", f);
    }
    fputs(",\n", f);
    free(tmp);
    return ferror(f) ? ll_error_set(err, LL_EIO, "cannot write Table 1") : LL_OK;
}
