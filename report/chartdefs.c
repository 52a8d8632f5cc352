/* The charts that are not plain bars or lines: participant flow, the Love
 * plot of covariate balance, Kaplan-Meier step curves, and the cost
 * waterfall and tornado. */
#include "sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int rp_chart_place(rp_ctx *c, const char *name, const char *title, const char *alt,
                   const char *data, const char *script, ll_error *err)
{
    if (data == NULL || script == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory drawing %s", name);
    int rc = rp_chart_emit(c->charts, c->doc, name, title, alt, data, script, err);
    if (rc == LL_OK)
        rp_chart_ref(c->doc, name);
    return rc;
}

void rp_ytics(FILE *f, rp_arena *a, const char *const *lab, size_t n)
{
    fputs("set ytics (", f);
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%s%s %zu", k ? ", " : "", rp_gp_tic(a, lab[k]), k);
    fputs(")\n", f);
}

/* ---- participant flow ------------------------------------------------------ */

static const char *const FLOW_STAGES[] = {"referred", "consented", "started", "named",
                                          "looked_after_at_index", "eligible", "analysed"};
#define N_FLOW_STAGES (sizeof FLOW_STAGES / sizeof *FLOW_STAGES)

int rp_chart_flow(rp_ctx *c, ll_error *err)
{
    const rp_flow *fl = c->flow;
    const char *lab[N_FLOW_STAGES];
    long val[N_FLOW_STAGES][2];
    int hid[N_FLOW_STAGES][2];
    size_t ns = 0;
    double top = 1;
    for (size_t s = 0; s < N_FLOW_STAGES; s++) {
        int any = 0;
        for (int g = 0; g < 2; g++) {
            val[ns][g] = -1;
            hid[ns][g] = 0;
        }
        for (size_t i = 0; i < fl->n; i++) {
            const ll_flow_row *r = &fl->row[i];
            if (r->reason[0] || strcmp(r->stage, FLOW_STAGES[s]) != 0)
                continue;
            int g = r->group == LL_GROUP_TREATED ? 0 : 1;
            /* what the table shows: c, or the rounded count */
            val[ns][g] = fl->pub[i];
            hid[ns][g] = fl->pub[i] < 0;
            any = 1;
            if (!hid[ns][g] && (double)val[ns][g] > top)
                top = (double)val[ns][g];
        }
        if (any)
            lab[ns++] = rp_stage_label(FLOW_STAGES[s]);
    }
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    int two = c->v->two;
    for (int g = 0; g < (two ? 2 : 1); g++) {
        fprintf(d.f, "# %s\n# y\tstage\tchildren\tlabel\tlabel_x\n", g ? "comparison" : "treated");
        for (size_t k = 0; k < ns; k++) {
            double y = (double)k + (two ? (g ? 0.2 : -0.2) : 0);
            fprintf(d.f, "%.3g", y);
            rp_dat_text(d.f, lab[k]);
            if (val[k][g] < 0)
                fputs("\tNaN\t\t0\n", d.f);
            else if (hid[k][g])
                fprintf(d.f, "\tc\tc\t%.6g\n", top * 0.01);
            else
                fprintf(d.f, "\t%ld\t%ld\t%ld\n", val[k][g], val[k][g], val[k][g]);
        }
        fputs("\n\n", d.f);
    }
    fprintf(s.f, "#size 760,%d\n", 120 + 46 * (int)ns);
    fprintf(s.f, "set yrange [%.1f:-0.7]\nset xrange [0:%.6g]\n", (double)ns - 0.3, top * 1.2);
    rp_ytics(s.f, c->a, lab, ns);
    fputs("set grid xtics noytics lc rgb '#d0d0d0'\nset xlabel 'Children'\nset ylabel ''\n"
          "set key below\nplot ",
          s.f);
    double h = two ? 0.18 : 0.3;
    for (int g = 0; g < (two ? 2 : 1); g++)
        fprintf(s.f,
                "%s'flow.dat' index %d using ($3/2):1:(0):3:($1-%.2f):($1+%.2f) with boxxyerror "
                "%s title '%s', \\\n     '' index %d using 5:1:4 with labels left offset 0.5,0 "
                "font ',10' notitle",
                g ? ", \\\n     " : "", g, h, h, rp_bar_style((size_t)g),
                g ? "Comparison" : "Treated", g);
    fputc('\n', s.f);
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&s, c->a);
    return rp_chart_place(c, "flow", "Participant flow: children at each stage",
                          "Bars show the number of children reaching each stage; c marks a "
                          "number withheld (disclosure control).",
                          data, script, err);
}

/* ---- Love plot ----------------------------------------------------------- */

int rp_chart_love(rp_ctx *c, ll_error *err)
{
    const ll_balance *b = &c->balance;
    const char *lab[LL_MATCH_NCOV];
    double lim = 0.25;
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    fputs("# y\tcovariate\tsmd_before\tsmd_after\n", d.f);
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        const ll_balance_row *r = &b->row[j];
        lab[j] = rp_cov_label(j);
        fprintf(d.f, "%zu", j);
        rp_dat_text(d.f, lab[j]);
        int sb = rp_balance_shown(c, j, 0), sa = b->has_after && rp_balance_shown(c, j, 1);
        rp_dat_num(d.f, rp_balance_smd(c, j, 0), !sb && !isnan(r->smd_before), 1);
        rp_dat_num(d.f, b->has_after ? rp_balance_smd(c, j, 1) : NAN, b->has_after && !sa, 1);
        fputc('\n', d.f);
        if ((!sb && !isnan(r->smd_before)) || (b->has_after && !sa))
            fprintf(s.f, "set label 'c' at 0,%zu center font ',9' front\n", j);
        double m = fmax(sb ? fabs(rp_balance_smd(c, j, 0)) : 0, sa ? fabs(rp_balance_smd(c, j, 1)) : 0);
        if (isfinite(m) && m * 1.1 > lim)
            lim = m * 1.1;
    }
    fprintf(s.f, "#size 760,%d\n", 130 + 19 * LL_MATCH_NCOV);
    fprintf(s.f, "set yrange [%d:-0.8]\nset xrange [%.4g:%.4g]\n", LL_MATCH_NCOV, -lim, lim);
    rp_ytics(s.f, c->a, lab, LL_MATCH_NCOV);
    fputs("set grid xtics ytics lc rgb '#e0e0e0'\n"
          "set xlabel 'Standardised mean difference (treated minus comparison)'\nset ylabel ''\n"
          "set arrow from -0.1, graph 0 to -0.1, graph 1 nohead dt 2 lw 1.5 lc rgb '#8a1c1c'\n"
          "set arrow from 0.1, graph 0 to 0.1, graph 1 nohead dt 2 lw 1.5 lc rgb '#8a1c1c'\n"
          "set arrow from 0, graph 0 to 0, graph 1 nohead dt 1 lw 1 lc rgb 'black'\n"
          "set label 'threshold |SMD| = 0.1' at 0.1, graph 1.02 left font ',9'\n"
          "set key below\n",
          s.f);
    if (b->has_after)
        fputs("plot 'balance.dat' using 3:1 with points pt 6 ps 1.3 lc rgb '#8c3b00' "
              "title 'Before matching (all candidates)', \\\n     '' using 4:1 with points pt 7 "
              "ps 1.2 lc rgb '#1f4e79' title 'After matching'\n",
              s.f);
    else
        fputs("plot 'balance.dat' using 3:1 with points pt 7 ps 1.2 lc rgb '#1f4e79' "
              "title 'Treated against comparison'\n",
              s.f);
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&s, c->a);
    return rp_chart_place(c, "balance",
                          b->has_after ? "Covariate balance before and after matching (Love plot)"
                                       : "Covariate balance (Love plot)",
                          "Each point is a standardised mean difference; points inside the "
                          "dashed lines (|SMD| < 0.1) are well balanced; c marks a withheld "
                          "one (a small count).",
                          data, script, err);
}

/* ---- Kaplan-Meier --------------------------------------------------------- */

/* Writes one group's curve: a step at each time whose number at risk and
 * events so far are both shown (0 or more than min_cell); withheld stretches
 * are left out (a blank line breaks the steps) and labelled c. */
static void km_curve(FILE *d, FILE *s, const ll_est_curve *km, int min_cell, int g, double *xmin,
                     double *xmax)
{
    size_t cum = 0;
    int prev_vis = !rp_small((long)km->n, min_cell), in_gap = 0;
    double gap_from = 0;
    fprintf(d, "# %s: age\tsurvival (steps; c = withheld)\n", g ? "comparison" : "treated");
    if (prev_vis)
        fprintf(d, "%.6g\t1\n", *xmin);
    double level = 1;
    for (size_t k = 0; k < km->n_times; k++) {
        cum += km->n_event[k];
        int vis = !rp_small((long)km->n_risk[k], min_cell) && !rp_small((long)cum, min_cell);
        if (prev_vis)
            fprintf(d, "%.6g\t%.6g\n", km->time[k], level); /* close the step before */
        if (vis && !prev_vis && in_gap) {
            fprintf(s, "set label 'c' at %.6g, graph %.2f center font ',11' front\n",
                    (gap_from + km->time[k]) / 2, g ? 0.14 : 0.07);
            in_gap = 0;
        }
        if (!vis && prev_vis) {
            fputs("c\tc\n\n", d);
            gap_from = km->time[k];
            in_gap = 1;
        }
        if (vis)
            fprintf(d, "%.6g\t%.6g\n", km->time[k], ll_sdc_round(km->surv[k], 2));
        level = ll_sdc_round(km->surv[k], 2); /* whole percentages, as the table */
        prev_vis = vis;
    }
    if (in_gap)
        fprintf(s, "set label 'c' at %.6g, graph %.2f center font ',11' front\n",
                (gap_from + *xmax) / 2, g ? 0.14 : 0.07);
    fputs("\n\n", d);
}

int rp_chart_km(rp_ctx *c, ll_error *err)
{
    const ll_est_curve *km[2] = {NULL, NULL};
    rp_sb d = {0}, s = {0};
    int rc = LL_OK, groups = c->v->two ? 2 : 1;
    double xmin = INFINITY, xmax = -INFINITY;
    if (!rp_sb_open2(&d, &s, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    for (int g = 0; g < groups; g++) {
        const ll_est_curve *k = &c->in->est->summary.km[g];
        if (k->n > 0 && k->n_times > 0) {
            km[g] = k;
            xmin = fmin(xmin, floor(k->time[0]) - 1); /* show S = 1 before the first time */
            xmax = fmax(xmax, ceil(k->time[k->n_times - 1]));
        }
    }
    if (!isfinite(xmin))
        xmin = 16, xmax = 22;
    if (xmax <= xmin)
        xmax = xmin + 1;
    for (int g = 0; g < groups; g++) {
        if (km[g] != NULL)
            km_curve(d.f, s.f, km[g], c->v->min_cell, g, &xmin, &xmax);
        else
            fputs("# no care leavers\n\n\n", d.f);
    }
    fprintf(s.f, "set xrange [%.6g:%.6g]\nset yrange [0:1.05]\n", xmin, xmax);
    fputs("set xlabel 'Age (years)'\nset ylabel 'Share not yet homeless'\n"
          "set key below\nplot ", s.f);
    for (int g = 0; g < groups; g++)
        fprintf(s.f, "%s'homelessness.dat' index %d using 1:2 with steps %s title '%s'",
                g ? ", \\\n     " : "", g, rp_step_style((size_t)g),
                g ? "Comparison" : "Treated");
    fputc('\n', s.f);
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&s, c->a);
    rc = rp_chart_place(c, "homelessness",
                        "Care leavers not yet homeless, by age (Kaplan-Meier)",
                        rp_printf(c->a, "Steps fall when a care leaver becomes homeless; "
                                        "stretches where the number at risk or the events so far "
                                        "are 1 to %d are withheld and marked c.",
                                  c->v->min_cell),
                        data, script, err);
    rp_sb_close(&d, c->a);
    rp_sb_close(&s, c->a);
    return rc;
}
