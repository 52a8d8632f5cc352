/* Table 1 (secure/table1.csv) and the balance table (secure/balance.csv)
 * read back for the report.  Table 1's counts go through disclosure
 * control column by column: a binary characteristic's count and its
 * complement add up to the column's N, and so do the levels of a
 * categorical one (and the children with a baseline SDQ and those
 * without); means and medians are withheld when the N they rest on is. */
#include "internal.h"

#include "lleval/csvread.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Splits "<name> (N = n)". */
static void split_header(rp_arena *a, const char *h, char **name, long *n)
{
    const char *p = strstr(h, " (N = ");
    *n = -1;
    if (p == NULL) {
        *name = rp_strdup(a, h);
        return;
    }
    *name = rp_printf(a, "%.*s", (int)(p - h), h);
    *n = strtol(p + 6, NULL, 10);
}

/* The count at the start of "k (p%)" or after "n = " of the SDQ row; -1. */
static long cell_count(const char *s, int sdq)
{
    if (sdq) {
        const char *p = strstr(s, "n = ");
        return p ? strtol(p + 4, NULL, 10) : -1;
    }
    char *end;
    long k = strtol(s, &end, 10);
    return end != s && strncmp(end, " (", 2) == 0 ? k : -1;
}

static int read_rows(rp_table1 *t, rp_arena *a, const char *buf, size_t len, ll_error *err)
{
    ll_csvread *r = NULL;
    ll_csv_row row;
    int rc = ll_csvread_new(&r, buf, len, err), got;
    size_t cap = 64;
    t->characteristic = rp_alloc(a, cap * sizeof(char *));
    t->statistic = rp_alloc(a, cap * sizeof(char *));
    t->smd = rp_alloc(a, cap * sizeof(char *));
    t->cell = rp_alloc(a, cap * (t->ncol + 1) * sizeof(char *));
    int header = 1;
    while (rc == LL_OK && (got = ll_csvread_next(r, &row, err)) == 1) {
        if (header) {
            header = 0;
            continue;
        }
        if (row.nkept < t->ncol + 3 || t->nrow >= cap || t->cell == NULL)
            continue;
        size_t i = t->nrow++;
        t->characteristic[i] = rp_strdup(a, row.field[0]);
        t->statistic[i] = rp_strdup(a, row.field[1]);
        for (size_t k = 0; k < t->ncol; k++)
            t->cell[i * t->ncol + k] = rp_strdup(a, row.field[2 + k]);
        t->smd[i] = rp_strdup(a, row.field[2 + t->ncol]);
    }
    if (rc == LL_OK && got < 0)
        rc = got;
    ll_csvread_free(r);
    return rc;
}

static int read_header(rp_table1 *t, rp_arena *a, const char *buf, size_t len, ll_error *err)
{
    ll_csvread *r = NULL;
    ll_csv_row row;
    int rc = ll_csvread_new(&r, buf, len, err);
    if (rc == LL_OK && ll_csvread_next(r, &row, err) == 1 && row.nkept >= 3) {
        t->ncol = row.nkept - 3;
        t->set_name = rp_alloc(a, (t->ncol + 1) * sizeof(char *));
        t->set_n = rp_alloc(a, (t->ncol + 1) * sizeof(long));
        t->set_n_flag = rp_alloc(a, t->ncol + 1);
        for (size_t k = 0; t->set_name && t->set_n && k < t->ncol; k++)
            split_header(a, row.field[2 + k], &t->set_name[k], &t->set_n[k]);
    } else if (rc == LL_OK)
        rc = ll_error_set(err, LL_EINPUT, "table1.csv: no header");
    ll_csvread_free(r);
    return rc;
}

/* The flow count a set's N equals, by the set names evaluate gives. */
static size_t flow_cell_of(const rp_flow *fl, const char *set)
{
    static const struct {
        const char *name, *stage;
        ll_group g;
    } M[] = {{"Treated, eligible", "eligible", LL_GROUP_TREATED},
             {"Treated, matched", "analysed", LL_GROUP_TREATED},
             {"Comparison, matched", "analysed", LL_GROUP_COMPARISON},
             {"Comparison, eligible", "eligible", LL_GROUP_COMPARISON}};
    for (size_t k = 0; k < sizeof M / sizeof *M; k++)
        if (!strcmp(set, M[k].name))
            return rp_flow_cell(fl, M[k].stage, "", M[k].g);
    return RP_NOCELL;
}

/* Registers column k: N, each count and its complement, and the lines. */
static void register_column(rp_table1 *t, size_t k, rp_cells *cells, const rp_flow *fl)
{
    size_t nr = t->nrow, nlev = 0;
    size_t tmp[2], *lev = t->cnt_cell + nr * t->ncol; /* scratch after the cells */
    long N = t->set_n[k] < 0 ? 0 : t->set_n[k];
    t->set_cell[k] = rp_cell_add(cells, N);
    size_t fc = flow_cell_of(fl, t->set_name[k]);
    if (fc != RP_NOCELL && rp_cell_value(cells, fc) == N)
        rp_cell_link(cells, t->set_cell[k], fc);
    const char *prefix = NULL;
    size_t plen = 0;
    for (size_t i = 0; i <= nr; i++) {
        const char *ch = i < nr ? t->characteristic[i] : "";
        const char *eq = strchr(ch, '=');
        int same_var = eq && prefix && (size_t)(eq - ch) == plen && !strncmp(ch, prefix, plen);
        if (!same_var && nlev > 0) { /* close the previous categorical covariate */
            rp_cell_line(cells, lev, nlev, t->set_cell[k]);
            nlev = 0;
        }
        if (i == nr)
            break;
        size_t at = i * t->ncol + k;
        int sdq = !strcmp(ch, "sdq_baseline");
        long x = cell_count(t->cell[at], sdq);
        t->count[at] = x;
        t->cnt_cell[at] = RP_NOCELL;
        if (x < 0)
            continue;
        t->cnt_cell[at] = rp_cell_add(cells, x);
        if (eq != NULL) {
            prefix = ch;
            plen = (size_t)(eq - ch);
            lev[nlev++] = t->cnt_cell[at];
            continue;
        }
        tmp[0] = t->cnt_cell[at];
        tmp[1] = rp_cell_add(cells, N - x > 0 ? N - x : 0); /* the complement */
        rp_cell_line(cells, tmp, 2, t->set_cell[k]);
        t->cmp_cell[at] = tmp[1];
    }
}

static long set_index(const rp_table1 *t, const char *name)
{
    for (size_t k = 0; k < t->ncol; k++)
        if (!strcmp(t->set_name[k], name))
            return (long)k;
    return -1;
}

/* The matched children who took part are some of the eligible ones: each
 * count of the eligible column is the matched count plus the unmatched
 * children's (a hidden cell), so that the unmatched children cannot be
 * described by subtracting one column from the other. */
static void nest_columns(rp_table1 *t, rp_cells *cells)
{
    long e = set_index(t, "Treated, eligible"), m = set_index(t, "Treated, matched");
    if (e < 0 || m < 0)
        return;
    for (size_t i = 0; i < t->nrow; i++) {
        size_t ae = i * t->ncol + (size_t)e, am = i * t->ncol + (size_t)m;
        if (t->count[ae] < 0 || t->count[am] < 0 || t->count[am] > t->count[ae])
            continue;
        size_t mem[2] = {t->cnt_cell[am], rp_cell_add(cells, t->count[ae] - t->count[am])};
        rp_cell_line(cells, mem, 2, t->cnt_cell[ae]);
    }
    size_t mem[2] = {t->set_cell[m], rp_cell_add(cells, t->set_n[e] - t->set_n[m])};
    if (t->set_n[e] >= t->set_n[m])
        rp_cell_line(cells, mem, 2, t->set_cell[e]);
}

/* A count is withheld when its cell is (the lines make sure a withheld
 * complement or N cannot be worked out); when only N is withheld the
 * percentage goes, as count / percentage would give N back.  Means and
 * medians are withheld when N is from 1 to min_cell. */
void rp_table1_finish(rp_table1 *t, rp_arena *a, const rp_cells *cells)
{
    for (size_t k = 0; k < t->ncol; k++) {
        int n_hidden = rp_cell_hidden(cells, t->set_cell[k]);
        int n_small = rp_cell_primary(cells, t->set_cell[k]);
        t->set_n_flag[k] = (unsigned char)n_hidden;
        for (size_t i = 0; i < t->nrow; i++) {
            size_t at = i * t->ncol + k;
            char **cell = &t->cell[at];
            if ((*cell)[0] == '\0')
                continue;
            if (t->count[at] < 0 ? n_small : rp_cell_hidden(cells, t->cnt_cell[at]))
                *cell = rp_strdup(a, "c");
            else if (t->count[at] >= 0 && n_hidden && strstr(*cell, "; n = ") == NULL)
                *cell = rp_printf(a, "%ld", t->count[at]);
        }
    }
}

int rp_table1_read(rp_table1 **out, rp_arena *a, const char *path, rp_cells *cells,
                   const rp_flow *flow, ll_error *err)
{
    size_t len = 0;
    *out = NULL;
    char *buf = path ? rp_read_file(a, path, &len) : NULL;
    if (buf == NULL)
        return LL_OK; /* no Table 1 (no comparison group) */
    rp_table1 *t = rp_alloc(a, sizeof *t);
    if (t == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    int rc = read_header(t, a, buf, len, err);
    if (rc == LL_OK)
        rc = read_rows(t, a, buf, len, err);
    if (rc != LL_OK)
        return ll_error_set(err, rc, "%s: %s", path, err ? err->msg : "cannot read");
    size_t nc = t->nrow * t->ncol;
    t->set_cell = rp_alloc(a, (t->ncol + 1) * sizeof *t->set_cell);
    t->count = rp_alloc(a, (nc + 1) * sizeof *t->count);
    t->cnt_cell = rp_alloc(a, (nc + t->nrow + 1) * sizeof *t->cnt_cell);
    t->cmp_cell = rp_alloc(a, (nc + 1) * sizeof *t->cmp_cell);
    if (t->set_cell == NULL || t->count == NULL || t->cnt_cell == NULL || t->cmp_cell == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t i = 0; i < nc; i++)
        t->cmp_cell[i] = RP_NOCELL;
    for (size_t k = 0; k < t->ncol; k++)
        register_column(t, k, cells, flow);
    nest_columns(t, cells);
    *out = t;
    return LL_OK;
}

/* ---- balance.csv --------------------------------------------------------- */

static double num(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return NAN;
    return strtod(s, NULL);
}

static void balance_row(ll_balance *b, const ll_csv_row *row)
{
    if (row->nkept < 10)
        return;
    if (!strcmp(row->field[0], "all_abs_smd_below_0.1"))
        return;
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        if (strcmp(row->field[0], ll_match_cov_name(j)) != 0)
            continue;
        ll_balance_row *r = &b->row[j];
        r->mean_t_before = num(row->field[2]);
        r->mean_c_before = num(row->field[3]);
        r->mean_t_after = num(row->field[4]);
        r->mean_c_after = num(row->field[5]);
        r->smd_before = num(row->field[6]);
        r->smd_after = num(row->field[7]);
        r->vr_before = num(row->field[8]);
        r->vr_after = num(row->field[9]);
        if (!isnan(r->smd_after))
            b->has_after = 1;
    }
}

int rp_balance_read(ll_balance *out, const char *path, ll_error *err)
{
    rp_arena a = {0};
    size_t len = 0;
    char *buf = rp_read_file(&a, path, &len);
    ll_csvread *r = NULL;
    ll_csv_row row;
    int rc = buf ? ll_csvread_new(&r, buf, len, err)
                 : ll_error_set(err, LL_EIO, "%s: cannot read", path);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++)
        out->row[j] = (ll_balance_row){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    out->has_after = 0;
    int got = 0, first = 1;
    while (rc == LL_OK && (got = ll_csvread_next(r, &row, err)) == 1) {
        if (!first)
            balance_row(out, &row);
        first = 0;
    }
    if (rc == LL_OK && got < 0)
        rc = got;
    out->max_abs_smd = 0;
    out->adequate = 1;
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        double s = out->has_after ? out->row[j].smd_after : out->row[j].smd_before;
        if (isnan(s))
            continue;
        out->max_abs_smd = fmax(out->max_abs_smd, fabs(s));
        out->adequate &= fabs(s) < 0.1;
    }
    ll_csvread_free(r);
    rp_arena_free(&a);
    return rc;
}
