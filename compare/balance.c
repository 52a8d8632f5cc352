/* Standardised mean differences and variance ratios before and after
 * matching (SPEC 5), and the Table 1 of baseline characteristics. */
#include "lleval/balance.h"

#include "lleval/derive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Means and variances of every column of a set: the sample variance
 * (n - 1) for continuous columns, p(1 - p) for binary ones, as SPEC 5
 * defines them for the SMD.  Row by row over all columns at once, since
 * the rows are contiguous (a set may hold millions of candidate rows);
 * each column's sums still run over the rows in order. */
static void set_moments(const ll_cov_set *s, double *mean, double *var)
{
    double ss[LL_MATCH_NCOV];
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        mean[j] = ss[j] = 0.0;
    for (size_t i = 0; i < s->n; i++) {
        const double *x = s->x + i * LL_MATCH_NCOV;
        for (size_t j = 0; j < LL_MATCH_NCOV; j++)
            mean[j] += x[j];
    }
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        mean[j] = s->n ? mean[j] / (double)s->n : NAN;
    for (size_t i = 0; i < s->n; i++) {
        const double *x = s->x + i * LL_MATCH_NCOV;
        for (size_t j = 0; j < LL_MATCH_NCOV; j++)
            ss[j] += (x[j] - mean[j]) * (x[j] - mean[j]);
    }
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        var[j] = !ll_match_cov_continuous(j) ? mean[j] * (1.0 - mean[j])
                 : s->n > 1                  ? ss[j] / (double)(s->n - 1)
                                             : NAN;
}

/* A difference over the before denominator.  A zero denominator with a
 * non-zero difference (each group constant, at different values: not
 * dropped from the model, as imbalanced as can be) is an infinite SMD, as
 * in R; with no difference (the column is constant) it is empty. */
static double smd(double diff, double den)
{
    if (den > 0 || isnan(diff))
        return den > 0 ? diff / den : NAN;
    return diff != 0.0 ? copysign(INFINITY, diff) : NAN;
}

/* s2_t / s2_c, Inf when only the comparison group has no variance (R's
 * var(t) / var(c)), empty when neither has or a variance is undefined. */
static double var_ratio(double vt, double vc)
{
    if (vc > 0)
        return vt / vc;
    return vc == 0.0 && vt > 0 ? INFINITY : NAN;
}

void ll_balance_compute(ll_balance *out, const ll_cov_set *t_before, const ll_cov_set *c_before,
                        const ll_cov_set *t_after, const ll_cov_set *c_after)
{
    double mt[LL_MATCH_NCOV], vt[LL_MATCH_NCOV], mc[LL_MATCH_NCOV], vc[LL_MATCH_NCOV];
    double mta[LL_MATCH_NCOV], vta[LL_MATCH_NCOV], mca[LL_MATCH_NCOV], vca[LL_MATCH_NCOV];
    memset(out, 0, sizeof *out);
    out->has_after = t_after != NULL && c_after != NULL;
    out->adequate = 1;
    set_moments(t_before, mt, vt);
    set_moments(c_before, mc, vc);
    if (out->has_after) {
        set_moments(t_after, mta, vta);
        set_moments(c_after, mca, vca);
    }
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        ll_balance_row *r = &out->row[j];
        int cont = ll_match_cov_continuous(j);
        double den = sqrt((vt[j] + vc[j]) / 2.0);
        r->mean_t_before = mt[j];
        r->mean_c_before = mc[j];
        r->mean_t_after = r->mean_c_after = NAN;
        r->smd_after = r->vr_after = NAN;
        r->smd_before = smd(mt[j] - mc[j], den);
        r->vr_before = cont ? var_ratio(vt[j], vc[j]) : NAN;
        if (out->has_after) {
            r->mean_t_after = mta[j];
            r->mean_c_after = mca[j];
            r->smd_after = smd(mta[j] - mca[j], den);
            r->vr_after = cont ? var_ratio(vta[j], vca[j]) : NAN;
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

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* The k-th smallest of v[0..n) (from 0), reordering v so that every value
 * after position k is at least it.  Quickselect with a three-way partition:
 * runs of equal values (integer covariates) cost O(n), and millions of
 * candidate rows need no full sort. */
static double select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
        double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < pivot, [lt,i) == pivot, [gt,hi) > pivot */
        while (i < gt) {
            if (v[i] < pivot)
                swap_d(&v[lt++], &v[i++]);
            else if (v[i] > pivot)
                swap_d(&v[i], &v[--gt]);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return pivot;
    }
    return v[lo];
}

/* R quantile type 7 of v[0..n), n > 0 (v is reordered). */
static double q7(double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    double x = select_kth(v, n, lo);
    if (lo + 1 >= n)
        return x;
    double next = v[lo + 1];
    for (size_t i = lo + 2; i < n; i++)
        next = v[i] < next ? v[i] : next;
    return x + (h - (double)lo) * (next - x);
}

/* "median [Q1, Q3]" of column j, or "" when the set is empty. */
static void cell_median(char *buf, size_t size, const ll_cov_set *s, size_t j, double *tmp)
{
    if (s->n == 0) {
        buf[0] = '\0';
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        tmp[i] = s->x[i * LL_MATCH_NCOV + j];
    double q2 = q7(tmp, s->n, 0.5), q1 = q7(tmp, s->n, 0.25), q3 = q7(tmp, s->n, 0.75);
    snprintf(buf, size, "%.2f [%.2f, %.2f]", q2, q1, q3);
}

static void cell_mean_sd(char *buf, size_t size, const double *v, size_t n, size_t *used)
{
    double m = 0.0, ss = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            m += v[i];
            k++;
        }
    *used = k;
    if (k == 0) {
        buf[0] = '\0';
        return;
    }
    m /= (double)k;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            ss += (v[i] - m) * (v[i] - m);
    if (k > 1)
        snprintf(buf, size, "%.2f (%.2f)", m, sqrt(ss / (double)(k - 1)));
    else
        snprintf(buf, size, "%.2f", m);
}

/* Per column of one set: non-zero and non-NA counts, mean and SD of the
 * non-NA values, in one pass over the rows (they are contiguous). */
typedef struct t1_stats {
    size_t nonzero[LL_MATCH_NCOV], used[LL_MATCH_NCOV];
    double mean[LL_MATCH_NCOV], ss[LL_MATCH_NCOV];
} t1_stats;

static void t1_stats_compute(t1_stats *st, const ll_cov_set *s)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < s->n; i++) {
        const double *x = s->x + i * LL_MATCH_NCOV;
        for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
            st->nonzero[j] += x[j] != 0.0;
            if (!isnan(x[j])) {
                st->mean[j] += x[j];
                st->used[j]++;
            }
        }
    }
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        st->mean[j] = st->used[j] ? st->mean[j] / (double)st->used[j] : NAN;
    for (size_t i = 0; i < s->n; i++) {
        const double *x = s->x + i * LL_MATCH_NCOV;
        for (size_t j = 0; j < LL_MATCH_NCOV; j++)
            if (!isnan(x[j]))
                st->ss[j] += (x[j] - st->mean[j]) * (x[j] - st->mean[j]);
    }
}

static void cell_stats(char *buf, size_t size, long *count, const t1_stats *st, size_t n,
                       size_t j)
{
    *count = -1;
    if (!ll_match_cov_continuous(j)) {
        if (n == 0) {
            buf[0] = '\0';
        } else {
            snprintf(buf, size, "%zu (%.1f%%)", st->nonzero[j],
                     100.0 * (double)st->nonzero[j] / (double)n);
            *count = (long)st->nonzero[j];
        }
    } else if (st->used[j] == 0) {
        buf[0] = '\0';
    } else if (st->used[j] > 1) {
        snprintf(buf, size, "%.2f (%.2f)", st->mean[j],
                 sqrt(st->ss[j] / (double)(st->used[j] - 1)));
    } else {
        snprintf(buf, size, "%.2f", st->mean[j]);
    }
}

static void table1_row(ll_table1_row *row, const ll_cov_set *sets, const t1_stats *st,
                       size_t nsets, size_t j, double *tmp, const ll_balance *b)
{
    int cont = ll_match_cov_continuous(j);
    int median = j == 9 || j == 10; /* years_in_care, prior_placements: skewed */
    row->characteristic = ll_match_cov_name(j);
    row->statistic = !cont ? "n (%)" : median ? "median [IQR]" : "mean (SD)";
    for (size_t k = 0; k < nsets; k++) {
        row->count[k] = -1;
        if (median)
            cell_median(row->cell[k], sizeof row->cell[k], &sets[k], j, tmp);
        else
            cell_stats(row->cell[k], sizeof row->cell[k], &row->count[k], &st[k], sets[k].n, j);
    }
    row->smd = b->has_after ? b->row[j].smd_after : b->row[j].smd_before;
}

static void sdq_row(ll_table1_row *row, const ll_cov_set *sets, size_t nsets)
{
    row->characteristic = "sdq_baseline";
    row->statistic = "mean (SD)";
    row->smd = NAN;
    for (size_t k = 0; k < nsets; k++) {
        char buf[40] = "";
        size_t used = 0;
        row->cell[k][0] = '\0';
        row->count[k] = -1;
        if (sets[k].sdq0 == NULL)
            continue;
        cell_mean_sd(buf, sizeof buf, sets[k].sdq0, sets[k].n, &used);
        snprintf(row->cell[k], sizeof row->cell[k], "%s; n = %zu", buf, used);
        row->count[k] = (long)used;
    }
}

int ll_table1_compute(ll_table1 *out, const ll_cov_set *sets, const char *const *names,
                      size_t nsets, const ll_balance *b, ll_error *err)
{
    memset(out, 0, sizeof *out);
    if (nsets > LL_TABLE1_MAXSETS)
        return ll_error_set(err, LL_EINPUT, "Table 1: %zu sets (at most %d)", nsets,
                            LL_TABLE1_MAXSETS);
    size_t maxn = 1;
    for (size_t k = 0; k < nsets; k++)
        maxn = sets[k].n > maxn ? sets[k].n : maxn;
    double *tmp = malloc(maxn * sizeof *tmp);
    t1_stats *st = malloc((nsets + 1) * sizeof *st);
    if (tmp == NULL || st == NULL) {
        free(tmp);
        free(st);
        return ll_error_set(err, LL_ENOMEM, "out of memory in Table 1");
    }
    out->nsets = nsets;
    for (size_t k = 0; k < nsets; k++) {
        t1_stats_compute(&st[k], &sets[k]);
        out->set_name[k] = names[k];
        out->set_n[k] = sets[k].n;
        out->set_has_sdq[k] = sets[k].sdq0 != NULL;
    }
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        table1_row(&out->row[j], sets, st, nsets, j, tmp, b);
    sdq_row(&out->row[LL_MATCH_NCOV], sets, nsets);
    out->nrow = LL_TABLE1_NROW;
    free(tmp);
    free(st);
    return LL_OK;
}

int ll_table1_write_csv(FILE *f, const ll_table1 *t, ll_error *err)
{
    fputs("characteristic,statistic", f);
    for (size_t k = 0; k < t->nsets; k++)
        fprintf(f, ",\"%s (N = %zu)\"", t->set_name[k], t->set_n[k]);
    fputs(",smd\n", f);
    for (size_t i = 0; i < t->nrow; i++) {
        const ll_table1_row *r = &t->row[i];
        int sdq = i == LL_MATCH_NCOV;
        fprintf(f, "%s,%s", r->characteristic, r->statistic);
        for (size_t k = 0; k < t->nsets; k++) {
            if (sdq && !t->set_has_sdq[k])
                fputs(",", f);
            else
                fprintf(f, ",\"%s\"", r->cell[k]);
        }
        char smd[40];
        ll_format_number(smd, sizeof smd, r->smd);
        fprintf(f, ",%s\n", smd);
    }
    return ferror(f) ? ll_error_set(err, LL_EIO, "cannot write Table 1") : LL_OK;
}
