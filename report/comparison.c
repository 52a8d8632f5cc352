/* Section 3: how the comparison group was built and how well it balances:
 * the matching specification, the sample sizes, Table 1, the balance table
 * and Love plot, and the warnings a funder needs. */
#include "sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void design_text(rp_ctx *c)
{
    const char *design = c->in->design ? c->in->design : "none";
    const ll_config *cfg = c->in->cfg;
    const ll_match *m = c->in->match;
    if (!strcmp(design, "match") && m != NULL && cfg != NULL) {
        rp_para(c->doc, RB_P,
                "Each child who took part was matched with a child in care who was never referred "
                "to the programme, looked after and eligible on the first day of the month of the "
                "child's start (index) date%s. The match is the nearest propensity score within a "
                "caliper of %g standard deviations of the logit score (%.3f logit units), %d "
                "comparison child%s per child, each comparison child used once. The propensity "
                "score is a logistic regression of taking part on age, sex, ethnic group, "
                "unaccompanied asylum-seeking status, years in care, previous placements, years in "
                "the current placement, placements in the year before, placement type, legal "
                "status and category of need N1 (Rosenbaum and Rubin 1983). The pool held %s "
                "candidate rows (%s children) in %zu months.",
                cfg->analysis.exact == LL_EXACT_LA ? ", in the same local authority" : "",
                cfg->analysis.caliper, m->caliper_width, cfg->analysis.ratio,
                cfg->analysis.ratio == 1 ? "" : "ren",
                rp_count(c->a, &c->v->sdc, (long)m->n_candidate_rows),
                rp_count(c->a, &c->v->sdc, (long)m->n_candidate_children),
                m->n_months);
        if (m->glm_status != LL_OK)
            rp_para(c->doc, RB_WARN,
                    "The propensity model %s; its scores were used as they are, but matching on "
                    "them may leave differences between the groups.",
                    m->glm_status == LL_ESEPARATION ? "shows separation (some covariate predicts "
                                                      "taking part perfectly)"
                                                    : "did not converge");
    } else if (!strcmp(design, "match")) {
        rp_para(c->doc, RB_WARN,
                "Matching was asked for but could not be done (no eligible child who took part, "
                "or no candidate): there is no comparison group, and the figures describe the "
                "children who took part only.");
    } else if (!strcmp(design, "explicit")) {
        rp_para(c->doc, RB_P,
                "The comparison group is the list of children the local authority named in "
                "comparison.csv, each from its own index date. They were not matched: how alike "
                "the two groups are is shown below, and any difference in these characteristics "
                "may explain part of a difference in outcomes.");
    } else {
        rp_para(c->doc, RB_WARN,
                "There is no comparison group (comparison = none). The report describes the "
                "children who took part before and after; it cannot say what would have happened "
                "to them without the programme.");
    }
}

/* Sample sizes: matched designs All / Matched / Unmatched by group;
 * otherwise the children of each group.  Each shown under rule 1 on its
 * own (rounded, or c). */
void rp_sample_sizes_register(rp_ctx *c)
{
    const ll_match *m = c->in->match;
    for (int k = 0; k < 6; k++)
        c->ss[k] = 0;
    if (m != NULL) {
        long v[6] = {(long)m->n_treated_eligible, (long)m->n_treated_matched,
                     (long)(m->n_treated_eligible - m->n_treated_matched),
                     (long)m->n_candidate_children, (long)c->v->co.n[1],
                     (long)m->n_candidate_children - (long)c->v->co.n[1]};
        memcpy(c->ss, v, sizeof v);
        c->ss_cols = 3;
    } else {
        c->ss[0] = (long)c->v->co.n[0];
        c->ss[3] = (long)c->v->co.n[1];
        c->ss_cols = 1;
    }
    const ll_sdc *s = &c->v->sdc;
    for (int k = 0; k < 6; k++)
        c->ss_pub[k] = ll_sdc_small(s, c->ss[k]) ? -1 : ll_sdc_round_count(c->ss[k], s->rounding);
    /* all = matched + unmatched: the unmatched published as the difference
     * of the published others (as a flow line, report/flow.c), so that the
     * row adds up and three independently rounded counts do not pin one */
    for (int g = 0; g < 2 && c->ss_cols == 3; g++) {
        long *p = c->ss_pub + 3 * g, d = p[0] - p[1];
        if (p[0] >= 0 && p[1] >= 0 && p[2] > 0 && d > s->min_cell &&
            d % (s->rounding > 1 ? s->rounding : 1) == 0)
            p[2] = d;
    }
}

/* A published sample size: its rounded count, or c. */
static const char *ss_text(rp_ctx *c, int k)
{
    return c->ss_pub[k] < 0 ? RP_NUM_ON "c" RP_NUM_OFF
                            : rp_printf(c->a, RP_NUM_ON "%ld" RP_NUM_OFF, c->ss_pub[k]);
}

static void sample_sizes(rp_ctx *c)
{
    const ll_match *m = c->in->match;
    int two = c->v->two;
    rp_table *t = c->ss_cols == 3
                      ? rp_table_new(c->doc, "Table 3.1. Sample sizes (children)", 4, "Group",
                                     "All eligible", "Matched", "Unmatched")
                      : rp_table_new(c->doc, "Table 3.1. Sample sizes (children analysed)", 2,
                                     "Group", "Children");
    if (t == NULL)
        return;
    t->numeric = 0xE;
    for (int g = 0; g < (two ? 2 : 1); g++) {
        const char *name = g ? (m ? "Comparison (candidate children)" : "Comparison") : "Treated";
        if (c->ss_cols == 3)
            rp_table_row(t, name, ss_text(c, 3 * g), ss_text(c, 3 * g + 1), ss_text(c, 3 * g + 2));
        else
            rp_table_row(t, name, ss_text(c, 3 * g));
    }
}

/* The group sizes behind the balance's before (after = 0) or after
 * columns. */
static void balance_sizes(const rp_ctx *c, int after, long n[2])
{
    const ll_match *m = c->in->match;
    if (m != NULL) {
        n[0] = (long)(after ? m->n_x_matched_t : m->n_x_treated);
        n[1] = (long)(after ? m->n_x_matched_c : m->n_x_candidates);
    } else if (c->t1 != NULL && c->t1->ncol >= 2) {
        n[0] = c->t1->set_n[0];
        n[1] = c->t1->set_n[1];
    } else {
        n[0] = (long)c->v->co.n[0];
        n[1] = (long)c->v->co.n[1];
    }
}

/* The published counts (rounded) of covariate j in the treated (g = 0) or
 * comparison group before or after matching, as proportions. */
/* The count of a binary covariate's group: its share times the group's
 * size (-1, none, when the share is NAN). */
static long group_count(const rp_ctx *c, size_t j, int after, int g, long *n)
{
    const ll_balance_row *r = &c->balance.row[j];
    long sz[2];
    balance_sizes(c, after, sz);
    double mean = after ? (g ? r->mean_c_after : r->mean_t_after)
                        : (g ? r->mean_c_before : r->mean_t_before);
    *n = sz[g];
    return isnan(mean) ? -1 : lround(mean * (double)sz[g]);
}

double rp_balance_smd(const rp_ctx *c, size_t j, int after)
{
    const ll_balance_row *r = &c->balance.row[j];
    double exact = after ? r->smd_after : r->smd_before;
    if (ll_match_cov_continuous(j) || isnan(exact))
        return exact;
    /* the SMD of the published counts, with the before groups' variances */
    long x[4], n[4];
    for (int k = 0; k < 4; k++)
        x[k] = group_count(c, j, k >= 2 && after, k % 2, &n[k]);
    return ll_sdc_published_smd(&c->v->sdc, x, n);
}

int rp_balance_shown(const rp_ctx *c, size_t j, int after)
{
    const ll_balance_row *r = &c->balance.row[j];
    long n[2];
    balance_sizes(c, after, n);
    if (ll_match_cov_continuous(j))
        return ll_sdc_safe_ok(&c->v->sdc, n, 2);
    double mt = after ? r->mean_t_after : r->mean_t_before;
    double mc = after ? r->mean_c_after : r->mean_c_before;
    if (isnan(mt) || isnan(mc))
        return 0;
    long xt = lround(mt * (double)n[0]), xc = lround(mc * (double)n[1]);
    return ll_sdc_two_by_two_ok(&c->v->sdc, xt, n[0], xc, n[1]);
}

static void table1(rp_ctx *c)
{
    const rp_table1 *t1 = c->t1;
    if (t1 == NULL || t1->ncol == 0 || t1->ncol > 6)
        return;
    const char *h[9] = {"Characteristic", "Statistic"};
    for (size_t k = 0; k < t1->ncol; k++)
        h[2 + k] = rp_printf(c->a, "%s (N = %s)", t1->set_name[k],
                             rp_count_plain(c->a, &c->v->sdc, t1->set_n[k]));
    h[2 + t1->ncol] = "SMD";
    size_t nc = t1->ncol + 3;
    rp_table *t = rp_table_new(c->doc,
                               "Table 3.2. Characteristics at the index date (Table 1): n (%), "
                               "mean (SD) or median [IQR]; SMD as in the balance table",
                               nc, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]);
    if (t == NULL)
        return;
    t->numeric = ((1u << nc) - 1) & ~3u;
    for (size_t i = 0; i < t1->nrow; i++) {
        const char *cells[9] = {NULL};
        size_t j;
        for (j = 0; j < LL_MATCH_NCOV && strcmp(ll_match_cov_name(j), t1->characteristic[i]); j++)
            ;
        cells[0] = j < LL_MATCH_NCOV ? rp_cov_label(j)
                   : !strcmp(t1->characteristic[i], "sdq_baseline") ? "SDQ total difficulties at baseline"
                                                                    : t1->characteristic[i];
        cells[1] = t1->statistic[i];
        for (size_t k = 0; k < t1->ncol; k++) {
            const char *v = t1->cell[i * t1->ncol + k];
            cells[2 + k] = v[0] ? rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF, v) : "";
        }
        cells[2 + t1->ncol] = t1->smd[i][0] ? rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF, t1->smd[i]) : "";
        rp_table_row(t, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6],
                     cells[7], cells[8]);
    }
}

/* A balance figure: c when withheld, "" when not defined. */
static const char *shown_num(rp_arena *a, double x, int shown)
{
    if (isnan(x))
        return "";
    return shown ? rp_num(a, x) : "c";
}

static void balance_table(rp_ctx *c)
{
    const ll_balance *b = &c->balance;
    rp_table *t = b->has_after
                      ? rp_table_new(c->doc, "Table 3.3. Balance: standardised mean differences "
                                             "(SMD) and variance ratios (VR)",
                                     5, "Covariate", "SMD before", "SMD after", "VR before",
                                     "VR after")
                      : rp_table_new(c->doc, "Table 3.3. Balance: standardised mean differences "
                                             "(SMD) and variance ratios (VR)",
                                     3, "Covariate", "SMD", "VR");
    if (t == NULL)
        return;
    t->numeric = 0x1E;
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        const ll_balance_row *r = &b->row[j];
        const char *flag = rp_balance_shown(c, j, b->has_after) &&
                                   (b->has_after ? fabs(r->smd_after) : fabs(r->smd_before)) >= 0.1
                               ? " (imbalanced)" : "";
        const char *name = rp_printf(c->a, "%s%s", rp_cov_label(j), flag);
        int sb = rp_balance_shown(c, j, 0), sa = b->has_after && rp_balance_shown(c, j, 1);
        if (b->has_after)
            rp_table_row(t, name, shown_num(c->a, rp_balance_smd(c, j, 0), sb),
                         shown_num(c->a, rp_balance_smd(c, j, 1), sa),
                         shown_num(c->a, r->vr_before, sb), shown_num(c->a, r->vr_after, sa));
        else
            rp_table_row(t, name, shown_num(c->a, rp_balance_smd(c, j, 0), sb),
                         shown_num(c->a, r->vr_before, sb));
    }
}

/* The balance warning shared with the headline's trust box. */
void rp_balance_warning(rp_ctx *c)
{
    if (!c->v->two) {
        rp_para(c->doc, RB_WARN,
                "There is no comparison group, so nothing here shows what would have happened "
                "without the programme: changes over time may have happened anyway.");
        return;
    }
    if (!c->has_balance)
        return;
    const ll_balance *b = &c->balance;
    char big[40];
    if (b->adequate) {
        rp_para(c->doc, RB_NOTE,
                "The groups are balanced on every measured characteristic: every standardised "
                "mean difference is below 0.1.");
        return;
    }
    /* the largest SMD that is shown (a withheld one is not named) */
    const char *worst = NULL;
    double w = -1;
    int withheld = 0;
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        double s = fabs(rp_balance_smd(c, j, b->has_after));
        if (isnan(s))
            continue;
        if (!rp_balance_shown(c, j, b->has_after)) {
            withheld |= s >= 0.1;
            continue;
        }
        if (s > w) {
            w = s;
            worst = rp_cov_label(j);
        }
    }
    rp_para(c->doc, RB_WARN,
            "The groups are not balanced: at least one standardised mean difference is 0.1 or "
            "more%s%s. Differences in outcomes may partly reflect these differences between the "
            "children rather than the programme.",
            worst && w >= 0.1 ? rp_printf(c->a, " (largest shown %s, %s)",
                                          ll_sdc_decimal(big, sizeof big, w), worst)
                              : "",
            withheld ? ", among them a characteristic whose figures are withheld (small numbers)"
                     : "");
}

int rp_section_comparison(rp_ctx *c, ll_error *err)
{
    rp_heading(c->doc, RB_H2, "comparison", "3. How the comparison group was built");
    design_text(c);
    sample_sizes(c);
    if (!c->v->two)
        return LL_OK;
    table1(c);
    if (!c->has_balance)
        return LL_OK;
    rp_balance_warning(c);
    int rc = rp_chart_love(c, err);
    if (rc == LL_OK)
        balance_table(c);
    return rc;
}
