/* Section 4: one subsection per outcome, each with its chart and the table
 * of its estimates (every row of estimates.csv, disclosure-controlled). */
#include "adjusted.h"
#include "sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *term_label(rp_arena *a, const ll_estimate *e)
{
    const char *t = e->term;
    static const rp_label L[] = {
        {"before", "before"},         {"after", "after"},
        {"baseline", "baseline"},     {"year1", "year 1"},
        {"year2", "year 2"},          {"year3", "year 3"},
        {"point", "point estimate"},  {"ci_limit", "confidence limit"},
        {"years:treated", "yearly change, treated minus comparison"},
        {NULL, NULL},
    };
    if (!strcmp(t, "years"))
        return strcmp(e->group, "treated") ? "yearly change (comparison)" : "yearly change";
    const char *label = rp_label_find(L, t, NULL);
    if (label != NULL)
        return label;
    const char *at = strchr(t, '@');
    if (at != NULL) {
        char time[16];
        snprintf(time, sizeof time, "%s", at + 1);
        ll_estimate tmp = *e;
        snprintf(tmp.term, sizeof tmp.term, "%s", time);
        return rp_printf(a, "%.*s, %s", (int)(at - t), t, term_label(a, &tmp));
    }
    if (!strncmp(t, "age", 3))
        return rp_printf(a, "age %s", t + 3);
    return rp_clean(a, t);
}

static int is_pct(const char *estimand)
{
    return !strcmp(estimand, "proportion") || !strcmp(estimand, "band_proportion") ||
           !strcmp(estimand, "risk_difference") || !strcmp(estimand, "km_survival") ||
           !strcmp(estimand, "mde") || !strcmp(estimand, "adjusted_risk_difference");
}

/* The estimate column: figure and interval, a test statistic, c, or why
 * it could not be computed. */
static const char *estimate_text(rp_arena *a, const rp_est *r)
{
    const ll_estimate *e = r->e;
    if (r->hidden)
        return RP_NUM_ON "c" RP_NUM_OFF;
    if (!isnan(e->estimate))
        return rp_est_ci(a, r, is_pct(e->estimand));
    if (!isnan(e->statistic))
        return rp_printf(a, "%s = " RP_NUM_ON "%s" RP_NUM_OFF,
                         !strcmp(e->estimand, "wilcoxon_signed_rank") ? "V" : "chi-square",
                         rp_num(a, e->statistic));
    return rp_printf(a, "not computable: %.160s", rp_clean(a, e->method));
}

static const char *group_label(const char *g)
{
    return !strcmp(g, "treated") ? "Treated"
           : !strcmp(g, "comparison") ? "Comparison"
           : !strcmp(g, "treated-comparison") ? "Treated vs comparison"
                                              : g;
}

/* A table of the outcome's rows; bands 0: all but band shares, 1: only
 * them. */
static void est_table(rp_ctx *c, const char *caption, ll_outcome_id outcome, int bands)
{
    rp_table *t = rp_table_new(c->doc, caption, 7, "Estimate", "Group", "Term", "Children",
                               "Events", "Estimate (95% CI)", "p-value");
    if (t == NULL)
        return;
    t->numeric = 0x58;
    for (size_t i = 0; i < c->v->n_est; i++) {
        const rp_est *r = &c->v->est[i];
        const ll_estimate *e = r->e;
        if (e->key.outcome != outcome || rp_adjusted_is_subgroup_row(e) ||
            (e->key.estimand == LL_ESTIMAND_BAND_PROPORTION) != (bands != 0))
            continue;
        const char *p = isnan(e->p_value) ? "" : r->hidden ? "c" : rp_pvalue(c->a, e->p_value);
        rp_table_row(t, rp_estimand_label(e->estimand), group_label(e->group), term_label(c->a, e),
                     rp_count(c->a, &c->v->sdc, e->n), rp_count(c->a, &c->v->sdc, e->events),
                     estimate_text(c->a, r), p);
    }
}

static const char *series_name(int g)
{
    return g ? "Comparison" : "Treated";
}

static void fill(rp_bars *b, size_t k, size_t s, const rp_est *r)
{
    b->cell[k][s] = rp_bar_of(r);
}

static int bars_chart(rp_ctx *c, const rp_bars *b, int lines, const char *name, const char *title,
                      const char *alt, ll_error *err)
{
    char *data = NULL;
    char *script = lines ? rp_lines_script(c->a, b, name, &data) : rp_bars_script(c->a, b, name, &data);
    return rp_chart_place(c, name, title, alt, data, script, err);
}

/* ---- the subsections --------------------------------------------------------- */

/* Rule 8: 1 (and the sentence in place of the chart and tables) when a
 * group of the outcome has fewer than min_n children with it known. */
static int too_few(rp_ctx *c, ll_outcome_id outcome, int leavers)
{
    if (rp_outcome_reportable(c->v, outcome))
        return 0;
    if (leavers)
        rp_para(c->doc, RB_NOTE, "%s", RP_TOO_FEW);
    else
        rp_para(c->doc, RB_NOTE,
                "Too few children with this outcome known to report it for one authority "
                "(fewer than %d in a group); see section 10 of the specification for pooling "
                "(lleval pool).",
                c->v->sdc.min_n);
    return 1;
}

/* Opens the subsection of one outcome: its heading and what it measures,
 * then the note in its place when too few children have the outcome known.
 * 1 when the subsection goes on to its chart and tables, else 0. */
static int outcome_open(rp_ctx *c, const char *id, const char *title, const char *intro,
                        ll_outcome_id outcome, int leavers)
{
    rp_heading(c->doc, RB_H3, id, "%s", title);
    rp_para(c->doc, RB_P, "%s", intro);
    return !too_few(c, outcome, leavers);
}

/* A bar chart and the table of the estimates behind it. */
static int chart_and_table(rp_ctx *c, const rp_bars *b, const char *name, const char *title,
                           const char *note, const char *caption, ll_outcome_id outcome,
                           ll_error *err)
{
    int rc = bars_chart(c, b, 0, name, title, note, err);
    est_table(c, caption, outcome, 0);
    return rc;
}

static int stability(rp_ctx *c, ll_error *err)
{
    if (!outcome_open(c, "stability", "4.1 Placement stability",
                      "A child counts as stable when no placement move began in the twelve months "
                      "after the index date. Children whose year is not yet over are left out; so "
                      "are children who left care within the year, unless configured otherwise.",
                      LL_OUTCOME_STABLE_12M, 0))
        return LL_OK;
    rp_bars b = {.ncat = 1, .nser = c->v->two ? 2 : 1, .cat = {"Same home a year later"},
                 .ylabel = "Children in the same home a year later (%)", .ymax = 100, .pct = 1};
    for (int g = 0; g < (int)b.nser; g++) {
        b.ser[g] = series_name(g);
        fill(&b, 0, (size_t)g, rp_find(c->v, LL_OUTCOME_STABLE_12M, LL_ESTIMAND_PROPORTION, rp_egroup(g), NULL));
    }
    int rc = bars_chart(c, &b, 0, "stability", "Children still in the same home a year later, by group",
                        "Bars are percentages with 95% Wilson intervals.", err);
    est_table(c, "Table 4.1. Placement stability (stable_12m)", LL_OUTCOME_STABLE_12M, 0);
    int rc2 = rp_adjusted_subgroups(c, err);
    return rc != LL_OK ? rc : rc2;
}

static int placements(rp_ctx *c, ll_error *err)
{
    if (!outcome_open(c, "placements", "4.2 Placements in the year before and after",
                      "Placements are the placement spells that overlap the year before, or the "
                      "year after, the index date (a child who never moves has one). The "
                      "difference in changes compares each group's change from before to after.",
                      LL_OUTCOME_PLACEMENTS, 0))
        return LL_OK;
    rp_bars b = {.ncat = 2, .nser = c->v->two ? 2 : 1, .cat = {"Year before", "Year after"},
                 .ylabel = "Placements per child (mean)", .ymax = NAN, .digits = 2};
    for (int g = 0; g < (int)b.nser; g++) {
        b.ser[g] = series_name(g);
        ll_egroup_id grp = rp_egroup(g);
        fill(&b, 0, (size_t)g, rp_find(c->v, LL_OUTCOME_PLACEMENTS, LL_ESTIMAND_MEAN, grp, "before"));
        fill(&b, 1, (size_t)g, rp_find(c->v, LL_OUTCOME_PLACEMENTS, LL_ESTIMAND_MEAN, grp, "after"));
    }
    return chart_and_table(c, &b, "placements", "Placements per child in the year before and after",
                           "Bars are means with 95% t intervals.",
                           "Table 4.2. Placements (placements_before, placements_after)",
                           LL_OUTCOME_PLACEMENTS, err);
}

static int sdq(rp_ctx *c, ll_error *err)
{
    if (!outcome_open(c, "sdq", "4.3 Emotional and behavioural difficulties (SDQ)",
                      "The Strengths and Difficulties Questionnaire total difficulties score runs "
                      "from 0 to 40; lower is better. Scores are the latest in the year before the "
                      "index date (baseline) and in each following year. The mixed model uses "
                      "every score of every child and estimates the change per year.",
                      LL_OUTCOME_SDQ, 0))
        return LL_OK;
    rp_bars b = {.ncat = 4, .nser = c->v->two ? 2 : 1,
                 .cat = {"Baseline", "Year 1", "Year 2", "Year 3"},
                 .ylabel = "SDQ total difficulties (mean)", .ymax = 40, .digits = 1};
    for (int g = 0; g < (int)b.nser; g++) {
        b.ser[g] = series_name(g);
        for (int k = 0; k < 4; k++)
            fill(&b, (size_t)k, (size_t)g,
                 rp_find(c->v, LL_OUTCOME_SDQ, LL_ESTIMAND_MEAN, rp_egroup(g), ll_sdq_time_name(k)));
    }
    int rc = bars_chart(c, &b, 1, "sdq_trajectory", "Mean SDQ total difficulties over time, by group",
                        "Points are means with 95% t intervals; lower is better.", err);
    if (rc != LL_OK)
        return rc;
    est_table(c, "Table 4.3. SDQ total difficulties", LL_OUTCOME_SDQ, 0);
    rp_bars bb = {.nser = 3, .ser = {"Normal", "Borderline", "High"},
                  .ylabel = "Children in the band (%)", .ymax = 100, .pct = 1, .width = 900};
    for (int g = 0; g < (c->v->two ? 2 : 1); g++)
        for (int k = 0; k < 4; k++) {
            static const char *SHORT[4] = {"Baseline", "Year 1", "Year 2", "Year 3"};
            size_t cat = bb.ncat++;
            bb.cat[cat] = c->v->two ? rp_printf(c->a, "%s %s", SHORT[k], g ? "C" : "T") : SHORT[k];
            for (int band = 0; band < 3; band++) {
                char term[32];
                snprintf(term, sizeof term, "%s@%s", ll_sdq_band_name(band), ll_sdq_time_name(k));
                fill(&bb, cat, (size_t)band,
                     rp_find(c->v, LL_OUTCOME_SDQ, LL_ESTIMAND_BAND_PROPORTION, rp_egroup(g), term));
            }
        }
    rc = bars_chart(c, &bb, 0, "sdq_bands", "Share of children in each SDQ band over time",
                    c->v->two ? "T = treated, C = comparison; bars are percentages with 95% "
                                "Wilson intervals."
                              : "Bars are percentages with 95% Wilson intervals.",
                    err);
    est_table(c, "Table 4.4. SDQ bands (normal, borderline, high)", LL_OUTCOME_SDQ, 1);
    return rc;
}

static int connections(rp_ctx *c, ll_error *err)
{
    if (!outcome_open(c, "connections", "4.4 Connections",
                      "The number of people in the child's network recorded by the programme "
                      "before and after (children who took part only).",
                      LL_OUTCOME_CONNECTIONS, 0))
        return LL_OK;
    rp_bars b = {.ncat = 2, .nser = 1, .cat = {"Before", "After"}, .ser = {"Treated"},
                 .ylabel = "People in the child's network (mean)", .ymax = NAN, .digits = 1};
    fill(&b, 0, 0, RP_FIND(c->v, CONNECTIONS, MEAN, TREATED, "before"));
    fill(&b, 1, 0, RP_FIND(c->v, CONNECTIONS, MEAN, TREATED, "after"));
    return chart_and_table(c, &b, "connections", "People in the child's network before and after",
                           "Bars are means with 95% t intervals.",
                           "Table 4.5. Connections", LL_OUTCOME_CONNECTIONS, err);
}

static int identity(rp_ctx *c, ll_error *err)
{
    if (!outcome_open(c, "identity", "4.5 Sense of identity",
                      "Whether the child reported a better sense of identity, as recorded by the "
                      "programme (children who took part only; there is no comparison).",
                      LL_OUTCOME_IDENTITY_IMPROVED, 0))
        return LL_OK;
    rp_bars b = {.ncat = 1, .nser = 1, .cat = {"Better sense of identity"}, .ser = {"Treated"},
                 .ylabel = "Children reporting a better sense of identity (%)", .ymax = 100,
                 .pct = 1};
    fill(&b, 0, 0, RP_FIND(c->v, IDENTITY_IMPROVED, PROPORTION, TREATED, NULL));
    return chart_and_table(c, &b, "identity", "Children reporting a better sense of identity",
                           "The bar is a percentage with its 95% Wilson interval.",
                           "Table 4.6. Sense of identity (identity_improved)",
                           LL_OUTCOME_IDENTITY_IMPROVED, err);
}

/* Numbers at risk at the KM ages, per group, as the view withheld them. */
static void at_risk_table(rp_ctx *c)
{
    int groups = c->v->two ? 2 : 1;
    rp_table *t = rp_table_new(c->doc, "Table 4.8. Care leavers at risk (not yet homeless and "
                                       "still followed) at each age",
                               (size_t)groups + 1, "Age", "Treated", "Comparison");
    if (t == NULL)
        return;
    t->numeric = 0x6;
    for (int k = 0; k < LL_KM_N_AGES; k++) {
        const char *cell[2] = {"", ""};
        for (int g = 0; g < groups; g++) {
            long r = c->v->risk[g][k];
            cell[g] = rp_count(c->a, &c->v->sdc, r < 0 ? 0 : r);
        }
        rp_table_row(t, rp_printf(c->a, "%d", LL_KM_AGE_FIRST + k), cell[0], cell[1]);
    }
}

static int homelessness(rp_ctx *c, ll_error *err)
{
    if (!outcome_open(c, "homelessness", "4.6 Homelessness among care leavers",
                      "Care leavers are the children with a care-leaver (OC3) record after the "
                      "index date. A care leaver counts as homeless when any such record shows "
                      "accommodation of a homeless kind (by default bed and breakfast, no fixed "
                      "abode or homeless). The curve follows each care leaver to the age of first "
                      "homelessness, or to the last record.",
                      LL_OUTCOME_HOMELESS_EVER, 1))
        return LL_OK;
    int rc = rp_chart_km(c, err);
    est_table(c, "Table 4.7. Ever homeless (homeless_ever)", LL_OUTCOME_HOMELESS_EVER, 0);
    at_risk_table(c);
    est_table(c, "Table 4.9. Time to homelessness (Kaplan-Meier, log-rank, Cox)", LL_OUTCOME_HOMELESSNESS, 0);
    return rc;
}

int rp_section_outcomes(rp_ctx *c, ll_error *err)
{
    rp_heading(c->doc, RB_H2, "outcomes", "4. Outcomes");
    rp_para(c->doc, RB_P,
            "Each outcome has a chart and the table of every estimate behind it (95%% confidence "
            "intervals, two-sided p-values). Children is the number of children behind a row. "
            RP_SDC_WORDS " A proportion, or a figure resting on a two-by-two table, is c when "
            "a number it rests on is.",
            c->v->sdc.min_cell, c->v->sdc.rounding, c->v->sdc.min_n);
    int rc;
    if ((rc = stability(c, err)) || (rc = placements(c, err)) || (rc = sdq(c, err)) ||
        (rc = connections(c, err)) || (rc = identity(c, err)) || (rc = homelessness(c, err)))
        return rc;
    return LL_OK;
}
