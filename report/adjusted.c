/* The adjusted stability effect and the exploratory subgroups in the
 * report (SPEC 6 "Adjusted effects" and "Subgroups"; SPEC 8 rules 3, 4 and
 * 7): the headline figure is the AIPW difference with the crude one beside
 * it and why they differ; the E-value sentence uses the adjusted E-value;
 * a warning when the comparison weights rest on few children; a forest plot
 * and a table of the subgroup rows, labelled exploratory. */
#include "adjusted.h"

#include "charts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ESS_TEXT "effective sample size of the comparison weights"

/* The ESS and the comparison rows written in the AIPW row's method; 0
 * when the row has none (not computable). */
static int ess_of(const ll_estimate *e, double *ess, long *nc)
{
    const char *p = strstr(e->method, ESS_TEXT);
    return p != NULL && sscanf(p + strlen(ESS_TEXT), " %lf of %ld", ess, nc) == 2;
}

/* A signed whole number of percentage points: "+22", "-8", "0". */
static const char *signed_points(rp_ctx *c, double x)
{
    char b[40];
    const char *s = rp_strdup(c->a, ll_sdc_percent(b, sizeof b, x));
    return s[0] == '-' || !strcmp(s, "0") ? s : rp_printf(c->a, "+%s", s);
}

/* "+22 (95% CI +4 to +38)" percentage points, c, or NULL when not shown. */
static const char *points(rp_ctx *c, const rp_est *r)
{
    if (r == NULL || isnan(r->e->estimate))
        return NULL;
    if (r->hidden)
        return RP_NUM_ON "c" RP_NUM_OFF;
    const ll_estimate *e = r->e;
    if (isnan(e->conf_low))
        return rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF, signed_points(c, e->estimate));
    return rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF " (95%% CI " RP_NUM_ON "%s to %s" RP_NUM_OFF ")",
                     signed_points(c, e->estimate), signed_points(c, e->conf_low),
                     signed_points(c, e->conf_high));
}

static const char *pct_or(rp_ctx *c, const rp_est *r)
{
    if (r == NULL)
        return "not available";
    if (r->hidden)
        return RP_NUM_ON "c" RP_NUM_OFF;
    return rp_est_ci(c->a, r, 1);
}

/* Why the adjusted and crude differences differ, in one sentence. */
static const char *why_differ(rp_ctx *c, const ll_estimate *adj, const ll_estimate *crude)
{
    double gap = 100 * (adj->estimate - crude->estimate);
    if (fabs(gap) < 1.0)
        return "The two agree: the differences between the groups in the characteristics "
               "that were measured change the comparison little.";
    return rp_printf(c->a,
                     "They differ (by %s points) because the groups "
                     "differed before the programme: the crude figure compares the groups as "
                     "they are, so it mixes the programme's effect with those differences, "
                     "while the adjusted figure compares the children who took part with "
                     "comparison children weighted to resemble them in age, time in care, "
                     "placement history, legal status and the other measured characteristics.",
                     rp_printf(c->a, "%.0f", fabs(gap)));
}

void rp_adjusted_headline(rp_ctx *c)
{
    const rp_est *t = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_PROPORTION, LL_EGROUP_TREATED, NULL);
    const rp_est *k = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_PROPORTION, LL_EGROUP_COMPARISON, NULL);
    const rp_est *d = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_RISK_DIFFERENCE, LL_EGROUP_ANY, NULL);
    const rp_est *a = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_ADJUSTED_RISK_DIFFERENCE, LL_EGROUP_ANY, NULL);
    const char *crude = points(c, d), *adj = points(c, a);
    const char *nt = t ? rp_count(c->a, &c->v->sdc, t->e->n) : "0";
    const char *nc = k ? rp_count(c->a, &c->v->sdc, k->e->n) : "0";
    const char *start = rp_printf(c->a,
                                  RP_STRONG_ON "Placement stability." RP_STRONG_OFF
                                  " %s of the children who took part were still in the same "
                                  "home a year later, against %s of the comparison group (%s "
                                  "and %s children).",
                                  pct_or(c, t), pct_or(c, k), nt, nc);
    if (adj == NULL) {
        rp_para(c->doc, RB_ITEM,
                "%s Difference: %s percentage points. This is the crude difference, comparing "
                "the groups as they are: the difference adjusted for the measured "
                "characteristics could not be computed (%s).",
                start, crude ? crude : "not available",
                a ? rp_clean(c->a, a->e->method) : "no adjusted estimate");
        return;
    }
    double ess;
    long ncomp;
    const char *ess_text = !a->hidden && ess_of(a->e, &ess, &ncomp)
                               ? rp_printf(c->a, " The comparison children's weights amount to "
                                                 "an effective sample size of %s.",
                                           rp_printf(c->a, "%.0f", ess))
                               : "";
    const char *why = !a->hidden && rp_shown(d) ? why_differ(c, a->e, d->e) : "";
    rp_para(c->doc, RB_ITEM,
            "%s Taking account of the measured differences between the groups, the difference "
            "is %s percentage points (adjusted, doubly robust); the crude difference is %s "
            "points. %s%s",
            start, adj, crude ? crude : "not available", why, ess_text);
}

void rp_adjusted_ess_warning(rp_ctx *c)
{
    const rp_est *a = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_ADJUSTED_RISK_DIFFERENCE, LL_EGROUP_ANY, NULL);
    double ess;
    long nc;
    if (!rp_shown(a) || !ess_of(a->e, &ess, &nc))
        return;
    if (!(ess < 50.0 || ess < 0.25 * (double)nc))
        return;
    rp_para(c->doc, RB_WARN,
            "The adjusted stability difference leans on few comparison children: their weights "
            "amount to an effective sample size of %s (below %s), so "
            "its confidence interval may be too narrow. Comparison children who resemble the "
            "children who took part are scarce; read the adjusted figure with care.",
            rp_printf(c->a, "%.0f", ess),
            ess < 50.0 ? "50" : "a quarter of the comparison children");
}

void rp_adjusted_evalue_rows(const rp_ctx *c, const rp_est **point, const rp_est **limit,
                             int *adjusted)
{
    *point = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_ADJUSTED_E_VALUE, LL_EGROUP_ANY, "point");
    *limit = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_ADJUSTED_E_VALUE, LL_EGROUP_ANY, "ci_limit");
    *adjusted = rp_shown(*point);
    if (!*adjusted) {
        *point = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_E_VALUE, LL_EGROUP_ANY, "point");
        *limit = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_E_VALUE, LL_EGROUP_ANY, "ci_limit");
    }
}

/* ---- subgroups ---------------------------------------------------------- */

int rp_adjusted_is_subgroup_row(const ll_estimate *e)
{
    return !strcmp(e->estimand, "subgroup_risk_difference") || !strcmp(e->estimand, "interaction");
}

typedef struct sg_var {
    const char *code, *label;
    int n;
    const char *level[4], *level_label[4];
} sg_var;

static const sg_var VARS[4] = {
    {"age", "Age", 2, {"under_10", "10_plus"}, {"under 10", "10 or over"}},
    {"sex", "Sex", 2, {"female", "male"}, {"female", "male"}},
    {"placement", "Placement", 4, {"foster", "kinship", "residential", "other"},
     {"foster", "kinship", "residential", "other"}},
    {"legal", "Legal status", 3, {"care_order", "s20", "other"}, {"care order", "section 20", "other"}},
};

/* Per variable and level: children and events by group (0 treated), as
 * the estimate step counted them. */
static void level_counts(const rp_view *v, long n[4][4][2], long x[4][4][2])
{
    memcpy(n, v->in->est->summary.sub_n, sizeof(long) * 32);
    memcpy(x, v->in->est->summary.sub_x, sizeof(long) * 32);
}

static rp_est *find_row(rp_view *v, const char *estimand, const char *term)
{
    for (size_t i = 0; i < v->n_est; i++) {
        const ll_estimate *e = v->est[i].e;
        if (!strcmp(e->outcome, "stable_12m") && !strcmp(e->estimand, estimand) &&
            !strcmp(e->term, term))
            return &v->est[i];
    }
    return NULL;
}

/* The subgroup rows (SPEC 8): a level's risk difference is a crude 2 x 2
 * figure (rule 3, the level's counts by group); an interaction test is a
 * safe statistic that needs min_n children in every arm x level cell of
 * the levels present (rule 4).  The adjusted rows are safe statistics and
 * are decided by the view's own rule 4. */
void rp_adjusted_view(rp_view *v)
{
    if (!v->two)
        return;
    long n[4][4][2], x[4][4][2];
    level_counts(v, n, x);
    for (int k = 0; k < 4; k++) {
        rp_est *inter = find_row(v, "interaction", VARS[k].code);
        int inter_hidden = 0;
        for (int l = 0; l < VARS[k].n; l++) {
            char term[LL_EST_TEXT];
            snprintf(term, sizeof term, "%s:%s", VARS[k].code, VARS[k].level[l]);
            rp_est *r = find_row(v, "subgroup_risk_difference", term);
            if (n[k][l][0] + n[k][l][1] > 0)
                inter_hidden |= !ll_sdc_safe_ok(&v->sdc, n[k][l], 2);
            if (r != NULL)
                r->hidden = !ll_sdc_two_by_two_ok(&v->sdc, x[k][l][0], n[k][l][0], x[k][l][1],
                                                  n[k][l][1]);
        }
        if (inter != NULL)
            inter->hidden = inter_hidden;
    }
}

/* One line of the forest plot's data: y, label, estimate, limits (points),
 * note. */
static void forest_line(FILE *f, int y, const char *label, const rp_est *r)
{
    fprintf(f, "%d", y);
    rp_dat_text(f, label);
    int hidden = r != NULL && r->hidden;
    double est = r ? r->e->estimate : NAN;
    rp_dat_num(f, est, hidden, 100);
    rp_dat_num(f, r ? r->e->conf_low : NAN, hidden, 100);
    rp_dat_num(f, r ? r->e->conf_high : NAN, hidden, 100);
    rp_dat_text(f, hidden ? "withheld" : isnan(est) ? "not computable" : "-");
    fputc('\n', f);
}

static int forest(rp_ctx *c, ll_error *err)
{
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    const char *lab[16];
    int y = 0;
    double lo = -10, hi = 10;
    fputs("# y\tsubgroup\tdifference\tconf.low\tconf.high\tnote (percentage points)\n", d.f);
    const ll_estimand_id all[2] = {LL_ESTIMAND_ADJUSTED_RISK_DIFFERENCE, LL_ESTIMAND_RISK_DIFFERENCE};
    const char *all_lab[2] = {"All children (adjusted)", "All children (crude)"};
    for (int k = 0; k < 2; k++) {
        const rp_est *r = rp_find(c->v, LL_OUTCOME_STABLE_12M, all[k], LL_EGROUP_ANY, NULL);
        lab[y] = all_lab[k];
        forest_line(d.f, y++, all_lab[k], r);
    }
    for (int v = 0; v < 4; v++)
        for (int l = 0; l < VARS[v].n; l++) {
            char term[LL_EST_TEXT];
            snprintf(term, sizeof term, "%s:%s", VARS[v].code, VARS[v].level[l]);
            const rp_est *r = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_SUBGROUP_RISK_DIFFERENCE, LL_EGROUP_ANY, term);
            const char *name = rp_printf(c->a, "%s: %s", VARS[v].label, VARS[v].level_label[l]);
            lab[y] = name;
            forest_line(d.f, y++, name, r);
            if (rp_shown(r) && !isnan(r->e->conf_low)) {
                lo = fmin(lo, 100 * r->e->conf_low);
                hi = fmax(hi, 100 * r->e->conf_high);
            }
        }
    for (int k = 0; k < 2; k++) {
        const rp_est *r = rp_find(c->v, LL_OUTCOME_STABLE_12M, all[k], LL_EGROUP_ANY, NULL);
        if (rp_shown(r) && !isnan(r->e->conf_low)) {
            lo = fmin(lo, 100 * r->e->conf_low);
            hi = fmax(hi, 100 * r->e->conf_high);
        }
    }
    double pad = (hi - lo) * 0.08;
    fprintf(s.f, "#size 760,%d\n", 130 + 26 * y);
    fprintf(s.f, "set yrange [%.1f:-0.7]\nset xrange [%.4g:%.4g]\n", (double)y - 0.3, lo - pad,
            hi + pad);
    rp_ytics(s.f, c->a, lab, (size_t)y);
    fputs("set grid xtics noytics lc rgb '#e0e0e0'\n"
          "set xlabel 'Stable a year later: treated minus comparison, percentage points (95% CI)'\n"
          "set ylabel ''\n"
          "set arrow from 0, graph 0 to 0, graph 1 nohead dt 2 lw 1.5 lc rgb 'black'\n"
          "set key off\n"
          "plot 'subgroups.dat' using 3:1:4:5 with xerrorbars pt 7 ps 1.2 lw 1.5 "
          "lc rgb '#1f4e79' notitle, \\\n"
          "     '' using (0):1:(strcol(6) eq '-' ? '' : strcol(6)) with labels left offset 1,0 "
          "font ',10' notitle\n",
          s.f);
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&s, c->a);
    return rp_chart_place(c, "subgroups",
                          "For whom? Stability difference by subgroup (exploratory)",
                          "Points are risk differences in percentage points with 95% intervals; "
                          "the top two rows are all children, adjusted and crude. Subgroup "
                          "rows are crude and exploratory; withheld rows are marked.",
                          data, script, err);
}

static void subgroup_table(rp_ctx *c)
{
    rp_table *t = rp_table_new(c->doc,
                               "Table 4.1b. Placement stability by subgroup (exploratory: crude "
                               "risk differences and interaction tests)",
                               5, "Subgroup", "Children", "Events", "Difference (95% CI), points",
                               "p-value");
    if (t == NULL)
        return;
    t->numeric = 0x1e;
    for (int v = 0; v < 4; v++) {
        for (int l = 0; l < VARS[v].n; l++) {
            char term[LL_EST_TEXT];
            snprintf(term, sizeof term, "%s:%s", VARS[v].code, VARS[v].level[l]);
            const rp_est *r = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_SUBGROUP_RISK_DIFFERENCE, LL_EGROUP_ANY, term);
            if (r == NULL)
                continue;
            const char *est = points(c, r);
            rp_table_row(t, rp_printf(c->a, "%s: %s", VARS[v].label, VARS[v].level_label[l]),
                         rp_count(c->a, &c->v->sdc, r->e->n),
                         rp_count(c->a, &c->v->sdc, r->e->events),
                         est ? est : "not computable",
                         isnan(r->e->p_value) ? "" : r->hidden ? "c" : rp_pvalue(c->a, r->e->p_value));
        }
        const rp_est *r = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_INTERACTION, LL_EGROUP_ANY, VARS[v].code);
        if (r == NULL)
            continue;
        const char *test = r->hidden ? RP_NUM_ON "c" RP_NUM_OFF
                           : isnan(r->e->statistic)
                               ? "not computable"
                               : rp_printf(c->a, "interaction: chi-square " RP_NUM_ON "%s" RP_NUM_OFF,
                                           rp_num(c->a, r->e->statistic));
        rp_table_row(t, rp_printf(c->a, "%s: does the difference vary?", VARS[v].label),
                     rp_count(c->a, &c->v->sdc, r->e->n),
                     rp_count(c->a, &c->v->sdc, r->e->events), test,
                     isnan(r->e->p_value) || r->hidden ? (r->hidden ? "c" : "")
                                                       : rp_pvalue(c->a, r->e->p_value));
    }
}

/* The interactions with p < 0.05, named in a sentence ("" when none). */
static const char *significant(rp_ctx *c)
{
    char *s = NULL;
    for (int v = 0; v < 4; v++) {
        const rp_est *r = rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_INTERACTION, LL_EGROUP_ANY, VARS[v].code);
        if (r == NULL || r->hidden || isnan(r->e->p_value) || !(r->e->p_value < 0.05))
            continue;
        const char *name = rp_printf(c->a, "%s", VARS[v].label);
        s = s ? rp_printf(c->a, "%s, %s", s, name) : rp_strdup(c->a, name);
    }
    if (s == NULL)
        return "No interaction test has p < 0.05.";
    return rp_printf(c->a, "The difference appears to vary by %s (interaction p < 0.05).", s);
}

int rp_adjusted_subgroups(rp_ctx *c, ll_error *err)
{
    if (!c->v->two)
        return LL_OK;
    rp_para(c->doc, RB_P,
            "For whom? Exploratory: the crude difference in stability within each subgroup, "
            "and for each characteristic a test of whether the difference varies between its "
            "subgroups (likelihood-ratio test of the interaction). %s With four tests, one in "
            "twenty such tests is expected to reach p < 0.05 by chance, and subgroups are small: "
            "these figures suggest where to look, they do not show that the programme works "
            "better for some children.",
            significant(c));
    int rc = forest(c, err);
    subgroup_table(c);
    return rc;
}
