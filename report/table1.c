/* Table 1 as compare computed it, for the report, under disclosure control
 * (SPEC 8 rules 1, 2, 4 and 5): each count c or rounded on its own, each
 * percentage from the unrounded count (c when the count or its complement
 * is small), means and medians when their set has min_n children, and a
 * binary characteristic's SMD withheld with its cells, since an SMD with
 * the group sizes gives the counts back.  Also the same rule for the
 * balance table's SMDs and variance ratios. */
#include "sections.h"

#include "lleval/balance.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A count cell "k (p%)": k under rule 1, p under rule 2 from the published
 * counts (ll_sdc_published_proportion says why). */
static char *count_cell(rp_arena *a, const ll_sdc *s, long x, long n)
{
    char k[32];
    ll_sdc_count(k, sizeof k, s, x);
    double o[3];
    if (!ll_sdc_proportion_ok(s, x, n) || ll_sdc_published_proportion(o, s, x, n) != 0)
        return rp_printf(a, "%s (c)", k);
    return rp_printf(a, "%s (%s)", k, rp_pct(a, o[0]));
}

/* The display text of a mean (SD) or median [IQR] with every number to 2
 * decimals (rule 4's display), the punctuation kept. */
static char *redecimal(rp_arena *a, const char *text)
{
    char *out = rp_strdup(a, "");
    const char *p = text;
    while (*p) {
        char *end;
        if (isdigit((unsigned char)*p) || ((*p == '-') && isdigit((unsigned char)p[1]))) {
            double x = strtod(p, &end);
            char b[40];
            out = rp_printf(a, "%s%s", out, ll_sdc_decimal(b, sizeof b, x));
            p = end;
        } else {
            out = rp_printf(a, "%s%c", out, *p);
            p++;
        }
    }
    return out;
}

/* A continuous cell of a set with n children: shown (rule 4) or c.  The
 * SDQ row's "mean (SD); n = k" rests on its own k children. */
static char *continuous_cell(rp_arena *a, const ll_sdc *s, const char *text, long n, long k)
{
    const char *semi = strstr(text, "; n = ");
    long base = semi ? k : n;
    char cnt[32];
    if (!ll_sdc_safe_ok(s, &base, 1))
        return semi ? rp_printf(a, "c; n = %s", ll_sdc_count(cnt, sizeof cnt, s, k))
                    : rp_strdup(a, "c");
    if (semi == NULL)
        return redecimal(a, text);
    char *head = rp_printf(a, "%.*s", (int)(semi - text), text);
    return rp_printf(a, "%s; n = %s", redecimal(a, head), ll_sdc_count(cnt, sizeof cnt, s, k));
}

static int is_count_row(const ll_table1_row *r)
{
    return !strcmp(r->statistic, "n (%)");
}

/* Rule 5 over the sets of a row: every count and complement shown for a
 * binary row, every set at least min_n for a continuous one. */
static int smd_shown(const ll_table1 *t, const ll_table1_row *r, const ll_sdc *s)
{
    for (size_t k = 0; k < t->nsets; k++) {
        long n = (long)t->set_n[k];
        if (is_count_row(r) ? !ll_sdc_proportion_ok(s, r->count[k], n)
                            : !ll_sdc_safe_ok(s, &n, 1))
            return 0;
    }
    return 1;
}

static int copy_table(rp_table1 *t, rp_arena *a, const ll_table1 *src, const ll_sdc *s)
{
    t->ncol = src->nsets;
    t->nrow = src->nrow;
    size_t nc = t->nrow * t->ncol;
    t->set_name = rp_alloc(a, (t->ncol + 1) * sizeof(char *));
    t->set_n = rp_alloc(a, (t->ncol + 1) * sizeof(long));
    t->characteristic = rp_alloc(a, (t->nrow + 1) * sizeof(char *));
    t->statistic = rp_alloc(a, (t->nrow + 1) * sizeof(char *));
    t->smd = rp_alloc(a, (t->nrow + 1) * sizeof(char *));
    t->cell = rp_alloc(a, (nc + 1) * sizeof(char *));
    t->count = rp_alloc(a, (nc + 1) * sizeof *t->count);
    if (!t->set_name || !t->set_n || !t->characteristic || !t->statistic || !t->smd || !t->cell ||
        !t->count)
        return LL_ENOMEM;
    for (size_t k = 0; k < t->ncol; k++) {
        t->set_name[k] = rp_strdup(a, src->set_name[k]);
        t->set_n[k] = (long)src->set_n[k];
    }
    for (size_t i = 0; i < t->nrow; i++) {
        const ll_table1_row *r = &src->row[i];
        char smd[40];
        t->characteristic[i] = rp_strdup(a, r->characteristic);
        t->statistic[i] = rp_strdup(a, r->statistic);
        t->smd[i] = isnan(r->smd) ? rp_strdup(a, "")
                    : smd_shown(src, r, s) ? rp_strdup(a, ll_sdc_decimal(smd, sizeof smd, r->smd))
                                           : rp_strdup(a, "c");
        for (size_t k = 0; k < t->ncol; k++) {
            size_t at = i * t->ncol + k;
            t->count[at] = r->count[k];
            if (r->cell[k][0] == '\0')
                t->cell[at] = rp_strdup(a, "");
            else if (is_count_row(r))
                t->cell[at] = count_cell(a, s, r->count[k], t->set_n[k]);
            else
                t->cell[at] = continuous_cell(a, s, r->cell[k], t->set_n[k], r->count[k]);
        }
    }
    return LL_OK;
}

int rp_table1_build(rp_table1 **out, rp_arena *a, const ll_table1 *src, const ll_sdc *s,
                    ll_error *err)
{
    *out = NULL;
    rp_table1 *t = rp_alloc(a, sizeof *t);
    if (t == NULL || copy_table(t, a, src, s) != LL_OK)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    *out = t;
    return LL_OK;
}

void rp_table1_smds(rp_ctx *c)
{
    rp_table1 *t = c->t1;
    if (t == NULL || !c->has_balance)
        return;
    for (size_t i = 0; i < t->nrow; i++) {
        if (strcmp(t->statistic[i], "n (%)") || !t->smd[i][0] || !strcmp(t->smd[i], "c"))
            continue;
        for (size_t j = 0; j < LL_MATCH_NCOV; j++)
            if (!strcmp(ll_match_cov_name(j), t->characteristic[i])) {
                char b[40];
                t->smd[i] = rp_strdup(c->a, ll_sdc_decimal(b, sizeof b,
                                                           rp_balance_smd(c, j, c->balance.has_after)));
            }
    }
}
