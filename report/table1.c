/* Table 1 as compare computed it, for the report.  Its counts go through disclosure
 * control column by column: a binary characteristic's count and its
 * complement add up to the column's N, and so do the levels of a
 * categorical one (and the children with a baseline SDQ and those
 * without); means and medians are withheld when the N they rest on is. */
#include "disclosure.h"

#include "lleval/balance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        long x = t->count[at];
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

/* Copies the display text and counts of src into the arena. */
static int copy_table(rp_table1 *t, rp_arena *a, const ll_table1 *src)
{
    t->ncol = src->nsets;
    t->nrow = src->nrow;
    size_t nc = t->nrow * t->ncol;
    t->set_name = rp_alloc(a, (t->ncol + 1) * sizeof(char *));
    t->set_n = rp_alloc(a, (t->ncol + 1) * sizeof(long));
    t->set_n_flag = rp_alloc(a, t->ncol + 1);
    t->characteristic = rp_alloc(a, (t->nrow + 1) * sizeof(char *));
    t->statistic = rp_alloc(a, (t->nrow + 1) * sizeof(char *));
    t->smd = rp_alloc(a, (t->nrow + 1) * sizeof(char *));
    t->cell = rp_alloc(a, (nc + 1) * sizeof(char *));
    t->count = rp_alloc(a, (nc + 1) * sizeof *t->count);
    if (!t->set_name || !t->set_n || !t->set_n_flag || !t->characteristic || !t->statistic ||
        !t->smd || !t->cell || !t->count)
        return LL_ENOMEM;
    for (size_t k = 0; k < t->ncol; k++) {
        t->set_name[k] = rp_strdup(a, src->set_name[k]);
        t->set_n[k] = (long)src->set_n[k];
    }
    for (size_t i = 0; i < t->nrow; i++) {
        const ll_table1_row *r = &src->row[i];
        char smd[40];
        ll_format_number(smd, sizeof smd, r->smd);
        t->characteristic[i] = rp_strdup(a, r->characteristic);
        t->statistic[i] = rp_strdup(a, r->statistic);
        t->smd[i] = rp_strdup(a, smd);
        for (size_t k = 0; k < t->ncol; k++) {
            t->cell[i * t->ncol + k] = rp_strdup(a, r->cell[k]);
            t->count[i * t->ncol + k] = r->count[k];
        }
    }
    return LL_OK;
}

int rp_table1_build(rp_table1 **out, rp_arena *a, const ll_table1 *src, rp_cells *cells,
                    const rp_flow *flow, ll_error *err)
{
    *out = NULL;
    rp_table1 *t = rp_alloc(a, sizeof *t);
    if (t == NULL || copy_table(t, a, src) != LL_OK)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    size_t nc = t->nrow * t->ncol;
    t->set_cell = rp_alloc(a, (t->ncol + 1) * sizeof *t->set_cell);
    t->cnt_cell = rp_alloc(a, (nc + t->nrow + 1) * sizeof *t->cnt_cell);
    t->cmp_cell = rp_alloc(a, (nc + 1) * sizeof *t->cmp_cell);
    if (t->set_cell == NULL || t->cnt_cell == NULL || t->cmp_cell == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (size_t i = 0; i < nc; i++)
        t->cmp_cell[i] = RP_NOCELL;
    for (size_t k = 0; k < t->ncol; k++)
        register_column(t, k, cells, flow);
    nest_columns(t, cells);
    *out = t;
    return LL_OK;
}
