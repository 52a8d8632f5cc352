/* Standardised mean differences and variance ratios before and after
 * matching (SPEC 5), and the Table 1 of baseline characteristics. */
#include "lleval/balance.h"

#include "lleval/derive.h"
#include "lleval/format.h"
#include "lleval/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ll_stats_col_moments of every column of a set and, when nonzero is not
 * NULL, the count of non-zero values of each.  A set given by columns goes
 * a block of columns at a time: each column's sums run over the rows in
 * the same order as over the whole matrix, so the numbers are the same. */
static void set_stats(const ll_cov_set *s, double *mean, double *var, size_t *used,
                      size_t *nonzero, const unsigned char *binary, int skip_na)
{
    if (nonzero != NULL)
        memset(nonzero, 0, LL_MATCH_NCOV * sizeof *nonzero);
    if (s->x != NULL) {
        for (size_t i = 0; i < s->n && nonzero != NULL; i++) {
            const double *x = s->x + i * LL_MATCH_NCOV;
            for (size_t j = 0; j < LL_MATCH_NCOV; j++)
                nonzero[j] += x[j] != 0.0;
        }
        ll_stats_col_moments(mean, var, used, s->x, s->n, LL_MATCH_NCOV, binary, skip_na);
        return;
    }
    for (size_t j = 0; j < LL_MATCH_NCOV; j += LL_MATCH_COLUMN_BLOCK) {
        size_t k = LL_MATCH_NCOV - j < LL_MATCH_COLUMN_BLOCK ? LL_MATCH_NCOV - j
                                                             : LL_MATCH_COLUMN_BLOCK;
        const double *x = s->columns(s->ctx, j, k);
        for (size_t i = 0; i < s->n && nonzero != NULL; i++)
            for (size_t c = 0; c < k; c++)
                nonzero[j + c] += x[i * k + c] != 0.0;
        ll_stats_col_moments(mean + j, var + j, used ? used + j : NULL, x, s->n, k,
                             binary ? binary + j : NULL, skip_na);
    }
}

/* Means and variances of every column of a set: the sample variance
 * (n - 1) for continuous columns, p(1 - p) for binary ones, as SPEC 5
 * defines them for the SMD. */
static void set_moments(const ll_cov_set *s, double *mean, double *var)
{
    unsigned char binary[LL_MATCH_NCOV];
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        binary[j] = !ll_match_cov_continuous(j);
    set_stats(s, mean, var, NULL, NULL, binary, 0);
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
        r->mean_t_before = mt[j];
        r->mean_c_before = mc[j];
        r->mean_t_after = r->mean_c_after = NAN;
        r->smd_after = r->vr_after = NAN;
        r->smd_before = ll_stats_smd(mt[j], mc[j], vt[j], vc[j]);
        r->vr_before = cont ? ll_stats_var_ratio_value(vt[j], vc[j]) : NAN;
        if (out->has_after) {
            r->mean_t_after = mta[j];
            r->mean_c_after = mca[j];
            r->smd_after = ll_stats_smd(mta[j], mca[j], vt[j], vc[j]);
            r->vr_after = cont ? ll_stats_var_ratio_value(vta[j], vca[j]) : NAN;
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
        ll_csv_put_numbers(f, v, 8);
        fputc('\n', f);
    }
    fprintf(f, "all_abs_smd_below_0.1,summary,,,,,%s,%s,,\n", b->has_after ? "" : (b->adequate ? "1" : "0"),
            b->has_after ? (b->adequate ? "1" : "0") : "");
    return ferror(f) ? LL_EIO : LL_OK;
}

/* "median [Q1, Q3]" of column j (R type 7), or "" when the set is empty. */
static void cell_median(char *buf, size_t size, const ll_cov_set *s, size_t j, double *tmp)
{
    static const double P[3] = {0.5, 0.25, 0.75};
    double q[3];
    if (s->x == NULL)
        memcpy(tmp, s->columns(s->ctx, j, 1), s->n * sizeof *tmp);
    for (size_t i = 0; i < s->n && s->x != NULL; i++)
        tmp[i] = s->x[i * LL_MATCH_NCOV + j];
    if (ll_stats_quantiles_inplace(q, tmp, s->n, P, 3, NULL) != LL_OK) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%.2f [%.2f, %.2f]", q[0], q[1], q[2]);
}

/* "mean (SD)" of the non-NA values of v, or the mean alone for one value;
 * *used counts them. */
static void cell_mean_sd(char *buf, size_t size, const double *v, size_t n, size_t *used)
{
    double m, var;
    ll_stats_col_moments(&m, &var, used, v, n, 1, NULL, 1);
    if (*used == 0)
        buf[0] = '\0';
    else if (*used > 1)
        snprintf(buf, size, "%.2f (%.2f)", m, sqrt(var));
    else
        snprintf(buf, size, "%.2f", m);
}

/* Per column of one set: non-zero and non-NA counts, mean and variance of
 * the non-NA values. */
typedef struct t1_stats {
    size_t nonzero[LL_MATCH_NCOV], used[LL_MATCH_NCOV];
    double mean[LL_MATCH_NCOV], var[LL_MATCH_NCOV];
} t1_stats;

static void t1_stats_compute(t1_stats *st, const ll_cov_set *s)
{
    memset(st, 0, sizeof *st);
    set_stats(s, st->mean, st->var, st->used, st->nonzero, NULL, 1);
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
        snprintf(buf, size, "%.2f (%.2f)", st->mean[j], sqrt(st->var[j]));
    } else {
        snprintf(buf, size, "%.2f", st->mean[j]);
    }
}

static void table1_row(ll_table1_row *row, const ll_cov_set *sets, const t1_stats *st,
                       size_t nsets, size_t j, double *tmp, const ll_balance *b)
{
    int cont = ll_match_cov_continuous(j);
    int median = ll_match_cov_skewed(j);
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
