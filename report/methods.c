/* Section 6: methods, for a researcher: every estimand with its method text
 * and a reference, the disclosure control, the configuration, the data end
 * dates and the provenance recorded in run.json. */
#include "sections.h"

#include "lleval/date.h"
#include "lleval/version.h"

#include <string.h>

/* One row per (outcome, estimand), with the method text of its first
 * computable row. */
static void estimands(rp_ctx *c)
{
    rp_table *t = rp_table_new(c->doc, "Table 6.1. Estimands, methods and references", 4,
                               "Outcome", "Estimand", "Method", "Reference");
    if (t == NULL)
        return;
    for (size_t i = 0; i < c->v->n_est; i++) {
        const ll_estimate *e = c->v->est[i].e;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(c->v->est[j].e->outcome, e->outcome) &&
                   !strcmp(c->v->est[j].e->estimand, e->estimand);
        if (seen)
            continue;
        const char *method = e->method;
        for (size_t j = i; j < c->v->n_est; j++) {
            const ll_estimate *f = c->v->est[j].e;
            if (!strcmp(f->outcome, e->outcome) && !strcmp(f->estimand, e->estimand) &&
                (f->estimate == f->estimate || f->statistic == f->statistic)) {
                method = f->method;
                break;
            }
        }
        rp_table_row(t, rp_clean(c->a, e->outcome), rp_clean(c->a, e->estimand),
                     rp_clean(c->a, method), rp_estimand_reference(e->estimand));
    }
}

static void configuration(rp_ctx *c)
{
    if (c->in->cfg == NULL)
        return;
    rp_table *t = rp_table_new(c->doc, "Table 6.2. Configuration of this run", 4, "Section", "Key",
                               "Value", "Set by");
    if (t == NULL)
        return;
    size_t n = ll_config_n_keys();
    for (size_t i = 0; i < n; i++) {
        ll_config_entry e;
        ll_config_entry_get(&e, c->in->cfg, i);
        rp_table_row(t, e.section, e.key, rp_clean(c->a, e.value), rp_clean(c->a, e.source));
    }
}

static void provenance(rp_ctx *c)
{
    const ll_run_info *run = c->in->run;
    if (run == NULL) {
        rp_para(c->doc, RB_NOTE, "Provenance: run.json was not available when this report was "
                                 "written.");
        return;
    }
    const char *cmd = "lleval";
    for (int i = 0; i < run->argc; i++)
        cmd = rp_printf(c->a, "%s %s", cmd, rp_clean(c->a, run->argv[i]));
    char when[32];
    ll_run_info_time(when, sizeof when, run);
    const char *keys[][2] = {{"Program", "lleval"}, {"Version", LL_VERSION},
                             {"Run at (UTC)", when}, {"Database", run->db_path},
                             {"Design", run->design}};
    rp_table *t = rp_table_new(c->doc, "Table 6.3. Provenance (from run.json)", 2, "Item", "Value");
    if (t == NULL)
        return;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        rp_table_row(t, keys[k][0], keys[k][1] ? rp_clean(c->a, keys[k][1]) : "");
    rp_table_row(t, "Command line", cmd);
    rp_table_row(t, "Monte Carlo seed", rp_printf(c->a, "%lu (gsl_rng_mt19937)", run->seed));
    rp_table *f = rp_table_new(c->doc, "Table 6.4. Input files (SHA-256 of each file as ingested)", 5,
                               "File", "Kind", "LA", "Year", "SHA-256");
    for (size_t i = 0; f && i < run->n_inputs; i++) {
        const ll_input_file *x = &run->inputs[i];
        rp_table_row(f, rp_clean(c->a, x->path), rp_clean(c->a, x->kind), rp_clean(c->a, x->la),
                     x->year < 0 ? "" : rp_printf(c->a, "%d", x->year),
                     rp_clean(c->a, x->sha256));
    }
}

void rp_section_methods(rp_ctx *c)
{
    rp_heading(c->doc, RB_H2, "methods", "6. Methods");
    rp_para(c->doc, RB_P,
            "Design: %s. The analysis cohort is the eligible children%s; a child's outcomes are "
            "measured from its index date (the programme start date, or for a comparison child "
            "its given or matched date). Every figure of this report is in estimates.csv of the "
            "secure folder with its method; the published tables in publish/ are the same after "
            "disclosure control.",
            rp_design_words(c->in->design),
            c->in->match ? " with a match (unmatched children who took part are left out)" : "");
    estimands(c);
    rp_para(c->doc, RB_P,
            "Balance: standardised mean differences (treated minus comparison, over the square "
            "root of the mean of the two groups' variances before matching; Austin 2009), and "
            "variance ratios for continuous covariates. Costs: HM Treasury Green Book (2022) "
            "present values of the adjusted placement effects (AIPW, Glynn and Quinn 2010; "
            "drawn jointly in the Monte Carlo from their covariance), GMCA Unit Cost Database, "
            "GDP deflators.");
    rp_para(c->doc, RB_P,
            "Disclosure control (SPEC 8), following the DfE's practice for local-authority "
            "tables and the ONS/Eurostat output-checking rules for safe and unsafe statistics: "
            "every count from 1 to %d is shown as c, 0 stays 0, and every other count (totals "
            "too) is rounded to the nearest multiple of %d on its own, so that no c can be worked "
            "out by subtraction and nothing else is withheld to protect it. Percentages are "
            "computed from the unrounded counts and shown whole; a proportion is c when its "
            "events or non-events are from 1 to %d; a crude two-group figure (risk difference "
            "and ratio, odds ratio, crude E-value, minimum detectable difference, log-rank, "
            "hazard ratio) when any cell of its two-by-two table is, and a Kaplan-Meier row when "
            "its number at risk or events so far are. Means, medians, mean changes, the mixed "
            "model and adjusted estimates are safe statistics: shown, to 2 decimals (3 "
            "significant figures from 100), when every group they rest on has at least %d "
            "children. A binary characteristic's percentages, SMD and variance ratio are c when "
            "any of its counts is, since an SMD with the group sizes gives the counts back. "
            "Money is rounded to 2 significant figures and withheld only for the homelessness "
            "term, with the difference in homelessness. Every figure rounds half away from "
            "zero. Charts draw what the tables show and mark a withheld value c.",
            c->v->sdc.min_cell, c->v->sdc.rounding, c->v->sdc.min_cell, c->v->sdc.min_n);
    configuration(c);
    provenance(c);
    rp_section_strobe(c);
}
