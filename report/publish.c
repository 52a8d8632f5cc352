/* DIR/publish: the report's tables as CSV after disclosure control (SPEC
 * 8) -- estimates, participant flow, sample sizes, Table 1, balance (SMDs
 * and variance ratios only: the group means of binary covariates would give
 * counts away) and the cost summary.  c marks a withheld value; counts are
 * rounded, proportions are written to 2 decimals (whole percentages), other
 * figures to 2 decimals (3 significant figures from 100), money to 2
 * significant figures, p-values to 3 decimals. */
#include "sections.h"

#include "lleval/format.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* A figure under rule 4's display (kind 'd'), as a proportion to 2
 * decimals ('p'), money to 2 significant figures ('m') or a p-value ('v'). */
static void csv_num(FILE *f, double x, int hidden, char kind)
{
    char buf[40];
    fputc(',', f);
    if (isnan(x))
        return;
    if (hidden) {
        fputc('c', f);
        return;
    }
    if (kind == 'p' && isfinite(x))
        snprintf(buf, sizeof buf, "%.2f", ll_sdc_round(x, 2) == 0 ? 0.0 : ll_sdc_round(x, 2));
    else if (kind == 'm' && isfinite(x))
        snprintf(buf, sizeof buf, "%.10g", ll_sdc_money_value(x));
    else if (kind == 'v' && isfinite(x))
        snprintf(buf, sizeof buf, x < 0.001 ? "<0.001" : "%.3f", ll_sdc_round(x, 3));
    else
        ll_sdc_decimal(buf, sizeof buf, x);
    fputs(buf, f);
}

static void csv_count(FILE *f, const ll_sdc *s, long n)
{
    char buf[32];
    fputc(',', f);
    fputs(ll_sdc_count(buf, sizeof buf, s, n), f);
}

static int is_pct(const char *estimand)
{
    return !strcmp(estimand, "proportion") || !strcmp(estimand, "band_proportion") ||
           !strcmp(estimand, "risk_difference") || !strcmp(estimand, "km_survival") ||
           !strcmp(estimand, "mde");
}

static FILE *open_csv(const char *dir, const char *name, char *path, size_t size, ll_error *err)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
    return f;
}

static int close_csv(FILE *f, const char *path, ll_error *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    return LL_OK;
}

static void estimates(FILE *f, const rp_view *v)
{
    fputs("outcome,estimand,group,term,n,events,estimate,std.error,statistic,p.value,conf.low,"
          "conf.high,method\n", f);
    for (size_t i = 0; i < v->n_est; i++) {
        const rp_est *r = &v->est[i];
        const ll_estimate *e = r->e;
        const char *const key[] = {e->outcome, e->estimand, e->group, e->term};
        ll_csv_put_fields(f, key, 4);
        csv_count(f, &v->sdc, e->n);
        csv_count(f, &v->sdc, e->events);
        char p = is_pct(e->estimand) ? 'p' : 'd';
        double x[6] = {e->estimate, e->std_error, e->statistic, e->p_value, e->conf_low, e->conf_high};
        char kind[6] = {p, p, 'd', 'v', p, p};
        for (int k = 0; k < 6; k++)
            csv_num(f, x[k], r->hidden, kind[k]);
        fputc(',', f);
        ll_csv_put_field(f, e->method);
        fputc('\n', f);
    }
}

static void flow(FILE *f, const rp_flow *fl)
{
    fputs("stage,group,reason,n\n", f);
    for (size_t i = 0; fl && i < fl->n; i++) {
        const ll_flow_row *r = &fl->row[i];
        fprintf(f, "%s,%s,%s,", r->stage, ll_group_name(r->group), r->reason);
        if (fl->pub[i] < 0)
            fputc('c', f);
        else
            fprintf(f, "%ld", fl->pub[i]);
        fputc('\n', f);
    }
}

static void sample_sizes(FILE *f, const rp_ctx *c)
{
    fputs(c->ss_cols == 3 ? "group,all,matched,unmatched\n" : "group,n\n", f);
    for (int g = 0; g < (c->v->two ? 2 : 1); g++) {
        fputs(g ? "comparison" : "treated", f);
        for (int k = 0; k < c->ss_cols; k++)
            if (c->ss_pub[3 * g + k] < 0)
                fputs(",c", f);
            else
                fprintf(f, ",%ld", c->ss_pub[3 * g + k]);
        fputc('\n', f);
    }
}

static void table1(FILE *f, const rp_table1 *t, const ll_sdc *s)
{
    fputs("characteristic,statistic", f);
    for (size_t k = 0; k < t->ncol; k++) {
        char buf[512], n[32];
        snprintf(buf, sizeof buf, "%s (N = %s)", t->set_name[k], ll_sdc_count(n, sizeof n, s, t->set_n[k]));
        fputc(',', f);
        ll_csv_put_field(f, buf);
    }
    fputs(",smd\n", f);
    for (size_t i = 0; i < t->nrow; i++) {
        ll_csv_put_field(f, t->characteristic[i]);
        fputc(',', f);
        ll_csv_put_field(f, t->statistic[i]);
        for (size_t k = 0; k < t->ncol; k++) {
            fputc(',', f);
            ll_csv_put_field(f, t->cell[i * t->ncol + k]);
        }
        fputc(',', f);
        ll_csv_put_field(f, t->smd[i]);
        fputc('\n', f);
    }
}

static void balance(FILE *f, const rp_ctx *c)
{
    const ll_balance *b = &c->balance;
    fputs("covariate,type,smd_before,smd_after,variance_ratio_before,variance_ratio_after\n", f);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        const ll_balance_row *r = &b->row[j];
        int sb = rp_balance_shown(c, j, 0), sa = b->has_after && rp_balance_shown(c, j, 1);
        fprintf(f, "%s,%s", ll_match_cov_name(j),
                ll_match_cov_continuous(j) ? "continuous" : "binary");
        csv_num(f, rp_balance_smd(c, j, 0), !sb, 'd');
        csv_num(f, b->has_after ? rp_balance_smd(c, j, 1) : NAN, !sa, 'd');
        csv_num(f, r->vr_before, !sb, 'd');
        csv_num(f, b->has_after ? r->vr_after : NAN, !sa, 'd');
        fputc('\n', f);
    }
    fprintf(f, "all_abs_smd_below_0.1,summary,,%d,,\n", b->adequate);
}

static void cost_row(FILE *f, const char *item, const ll_costs_figure *x, int hidden,
                     const char *unit)
{
    fputs(item, f);
    char k = strchr(unit, '\xc2') != NULL ? 'm' : 'd'; /* money: the unit has a pound sign */
    csv_num(f, x->deterministic, hidden, k);
    csv_num(f, x->median, hidden, k);
    csv_num(f, x->p05, hidden, k);
    csv_num(f, x->p95, hidden, k);
    fprintf(f, ",%s\n", unit);
}

static void costs(FILE *f, const rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    const rp_costview *cv = c->cv;
    const ll_sdc *s = &c->v->sdc;
    ll_costs_figure none = {NAN, NAN, NAN, NAN};
    fputs("figure,estimate,mc_median,mc_p05,mc_p95,unit\n", f);
    fputs("n_treated", f);
    csv_count(f, s, (long)r->inputs.n_treated);
    fputs(",,,,children\n", f);
    if (!r->has_comparison) {
        ll_costs_figure pc = none, tot = none;
        pc.deterministic = r->observed_per_child;
        tot.deterministic = r->observed_total;
        cost_row(f, "observed_cost_per_child", &pc, 0, "\xc2\xa3");
        cost_row(f, "observed_cost_total", &tot, 0, "\xc2\xa3");
        return;
    }
    fputs("n_care_leavers", f);
    csv_count(f, s, (long)r->inputs.n_leavers);
    fputs(",,,,children\n", f);
    ll_costs_figure sp = none, sh = none, sw = none, sm = none;
    sp.deterministic = r->model.saving_placements;
    sh.deterministic = r->model.saving_homeless;
    sw.deterministic = r->switch_programme_cost;
    sm.deterministic = r->switch_moves;
    /* money is never withheld for a small component; only the homelessness
     * term follows the difference in homelessness (rule 6) */
    cost_row(f, "saving_placements", &sp, 0, "\xc2\xa3");
    cost_row(f, "saving_homelessness", &sh, cv->homeless_hidden, "\xc2\xa3");
    cost_row(f, "gross", &r->gross, 0, "\xc2\xa3");
    cost_row(f, "net", &r->net, 0, "\xc2\xa3");
    cost_row(f, "benefit_per_pound", &r->benefit_per_pound, 0, "\xc2\xa3 per \xc2\xa3" "1");
    fputs("share_net_positive", f);
    csv_num(f, r->share_net_positive, 0, 'p');
    fputs(",,,,share of draws\n", f);
    cost_row(f, "switching_value_moves", &sm, 0, "placements avoided per child");
    cost_row(f, "switching_value_programme_cost", &sw, 0, "\xc2\xa3 per child");
}

int rp_publish(const rp_ctx *c, const char *dir, ll_error *err)
{
    char path[4200];
    FILE *f;
    int rc;
#define WRITE(name, body)                                                             \
    do {                                                                              \
        if ((f = open_csv(dir, name, path, sizeof path, err)) == NULL)               \
            return LL_EIO;                                                            \
        body;                                                                         \
        if ((rc = close_csv(f, path, err)) != LL_OK)                                  \
            return rc;                                                                \
    } while (0)
    WRITE("estimates.csv", estimates(f, c->v));
    WRITE("flow.csv", flow(f, c->flow));
    WRITE("sample_sizes.csv", sample_sizes(f, c));
    if (c->t1 != NULL)
        WRITE("table1.csv", table1(f, c->t1, &c->v->sdc));
    if (c->has_balance)
        WRITE("balance.csv", balance(f, c));
    if (c->in->costs != NULL)
        WRITE("costs_summary.csv", costs(f, c));
#undef WRITE
    return LL_OK;
}
