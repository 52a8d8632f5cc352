/* Cost avoidance under disclosure control, and its two charts.  Money is
 * shown to 2 significant figures and never withheld for a small component
 * (SPEC 8 rule 6); only the homelessness term, which with the number of
 * care leavers and the unit cost would give the counts back, is shown just
 * where rule 3 shows the difference in homelessness.  When it is withheld
 * the waterfall stops floating its bars (a floating bar would show the
 * running total it starts from). */
#include "sections.h"

#include <math.h>
#include <string.h>

void rp_costview_build(rp_costview *out, const rp_view *v)
{
    memset(out, 0, sizeof *out);
    const rp_est *t = RP_FIND(v, PLACEMENTS, MEAN, TREATED, "after");
    const rp_est *c = RP_FIND(v, PLACEMENTS, MEAN, COMPARISON, "after");
    out->moves_hidden = (t && t->hidden) || (v->two && c && c->hidden);
    const rp_est *rd = RP_FIND(v, HOMELESS_EVER, RISK_DIFFERENCE, CONTRAST, NULL);
    const rp_est *pt = RP_FIND(v, HOMELESS_EVER, PROPORTION, TREATED, NULL);
    out->homeless_hidden = v->two ? (rd == NULL || rd->hidden) : (pt && pt->hidden);
}

int rp_tornado_shown(const rp_costview *cv, const char *in)
{
    if (!strcmp(in, "homeless") || !strcmp(in, "homelessness_cost"))
        return !cv->homeless_hidden;
    if (!strcmp(in, "moves") || !strncmp(in, "weeks_", 6))
        return !cv->moves_hidden;
    return 1;
}

/* ---- waterfall ------------------------------------------------------------ */

typedef struct wf_bar {
    const char *label;
    double value; /* the bar's own amount */
    int total;    /* a running-total bar */
    int hidden;
    double p05, p95; /* Monte Carlo interval of a total, or NAN */
} wf_bar;

static size_t waterfall_bars(wf_bar *w, rp_ctx *c)
{
    const ll_costs_result *r = c->in->costs;
    const rp_costview *cv = c->cv;
    const ll_costs_model *m = &r->model;
    size_t n = 0;
    w[n++] = (wf_bar){"Fewer moves", m->saving_moves, 0, 0, NAN, NAN};
    for (int g = 0; g < LL_PG_N; g++)
        if (r->inputs.unit[LL_COST_WEEKLY_FOSTER + g] != 0 && m->saving_weeks[g] != 0)
            w[n++] = (wf_bar){rp_printf(c->a, "Weeks in %s", ll_placement_group_name(g)),
                              m->saving_weeks[g], 0, 0, NAN, NAN};
    w[n++] = (wf_bar){"Homelessness", m->saving_homeless, 0, cv->homeless_hidden, NAN, NAN};
    w[n++] = (wf_bar){"Gross saving", m->gross, 1, 0, r->gross.p05, r->gross.p95};
    if (m->adjusted != m->gross) {
        w[n++] = (wf_bar){"Attribution, optimism bias", m->adjusted - m->gross, 0, 0, NAN, NAN};
        w[n++] = (wf_bar){"Adjusted saving", m->adjusted, 1, 0, NAN, NAN};
    }
    if (r->has_programme_cost) {
        w[n++] = (wf_bar){"Programme cost", -m->programme_cost, 0, 0, NAN, NAN};
        w[n++] = (wf_bar){"Net saving", m->net, 1, 0, r->net.p05, r->net.p95};
    }
    /* the chart draws what the tables show: 2 significant figures */
    for (size_t k = 0; k < n; k++) {
        w[k].value = ll_sdc_money_value(w[k].value);
        w[k].p05 = ll_sdc_money_value(w[k].p05);
        w[k].p95 = ll_sdc_money_value(w[k].p95);
    }
    return n;
}

static void waterfall_data(FILE *d, const wf_bar *w, size_t n, int floating, double *lo,
                           double *hi)
{
    double run = 0;
    *lo = 0;
    *hi = 0;
    for (int type = 0; type < 3; type++) {
        fprintf(d, "# %s\n# x\titem\tfrom\tto\tlabel\tlabel_y\tp05\tp95\n",
                type == 0 ? "savings" : type == 1 ? "costs and adjustments" : "totals");
        run = 0;
        for (size_t k = 0; k < n; k++) {
            double from = w[k].total || !floating ? 0 : run, to = w[k].total ? w[k].value
                                                              : from + w[k].value;
            if (!w[k].hidden)
                run = w[k].total ? w[k].value : run + w[k].value;
            int t = w[k].total ? 2 : w[k].value < 0 ? 1 : 0;
            if (t != type)
                continue;
            fprintf(d, "%zu", k);
            rp_dat_text(d, w[k].label);
            if (w[k].hidden) {
                fputs("\tc\tc\tc\t0\tc\tc\n", d);
                continue;
            }
            fprintf(d, "\t%.10g\t%.10g", from / 1000, to / 1000);
            char money[64];
            ll_sdc_money(money, sizeof money, w[k].value);
            fprintf(d, "\t%s\t%.10g", money, fmax(from, to) / 1000);
            rp_dat_num(d, w[k].p05, 0, 0.001);
            rp_dat_num(d, w[k].p95, 0, 0.001);
            fputc('\n', d);
            *lo = fmin(*lo, fmin(fmin(from, to), isnan(w[k].p05) ? 0 : w[k].p05));
            *hi = fmax(*hi, fmax(fmax(from, to), isnan(w[k].p95) ? 0 : w[k].p95));
        }
        fputs("\n\n", d);
    }
}

int rp_chart_waterfall(rp_ctx *c, ll_error *err)
{
    wf_bar w[16];
    size_t n = waterfall_bars(w, c);
    int floating = !c->cv->homeless_hidden;
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    double lo, hi;
    waterfall_data(d.f, w, n, floating, &lo, &hi);
    double pad = (hi - lo) / 1000 * 0.12 + 1;
    fprintf(s.f, "#size 820,460\nset xrange [-0.6:%.1f]\nset yrange [%.6g:%.6g]\n",
            (double)n - 0.4, lo / 1000 - pad, hi / 1000 + pad);
    fputs("set xtics (", s.f);
    for (size_t k = 0; k < n; k++)
        fprintf(s.f, "%s%s %zu", k ? ", " : "", rp_gp_tic(c->a, w[k].label), k);
    fputs(") rotate by -25 left\n", s.f);
    fprintf(s.f, "set ylabel 'Thousand pounds (%s prices)'\nset xlabel ''\n"
                 "set key below\n"
                 "set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb 'black'\n",
            c->in->costs->base_year);
    const char *titles[3] = {"Saving", "Cost or adjustment", "Total"};
    const char *fills[3] = {"fs solid 0.9 border lc rgb 'black' lc rgb '#1f4e79'",
                            "fs pattern 4 border lc rgb 'black' lc rgb '#8c3b00'",
                            "fs solid 0.35 border lc rgb 'black' lc rgb '#333333'"};
    fputs("plot ", s.f);
    for (int t = 0; t < 3; t++)
        fprintf(s.f, "%s'cost_waterfall.dat' index %d using 1:(($3+$4)/2):($1-0.35):($1+0.35):3:4 "
                     "with boxxyerror %s title '%s', \\\n     '' index %d using 1:6:5 with labels "
                     "offset 0,0.8 font ',10' notitle",
                t ? ", \\\n     " : "", t, fills[t], titles[t], t);
    fputs(", \\\n     '' index 2 using 1:4:7:8 with yerrorbars lc rgb 'black' pt 0 lw 1.5 "
          "title '90% Monte Carlo interval'\n",
          s.f);
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&s, c->a);
    return rp_chart_place(c, "cost_waterfall", "Where the estimated saving comes from",
                          floating ? "Each bar adds to (or takes from) the running total."
                                   : "Bars start at zero because a withheld part (c) would "
                                     "otherwise show through the running total.",
                          data, script, err);
}

/* ---- tornado ---------------------------------------------------------------- */

int rp_chart_tornado(rp_ctx *c, ll_error *err)
{
    const ll_costs_result *r = c->in->costs;
    double centre = r->has_programme_cost ? r->model.net : r->model.adjusted;
    const char *lab[LL_COSTS_NTORNADO];
    size_t idx[LL_COSTS_NTORNADO], n = 0;
    for (size_t k = 0; k < LL_COSTS_NTORNADO && n < 12; k++) {
        const ll_costs_tornado *t = &r->tornado[k];
        if (isnan(t->swing) || t->swing == 0)
            continue;
        idx[n] = k;
        lab[n++] = rp_cost_input_label(c->a, t->input);
    }
    rp_sb d, s;
    if (!rp_sb_open2(&d, &s, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    double lim = 1;
    for (int side = 0; side < 2; side++) {
        fprintf(d.f, "# input at its %s value\n# y\tinput\tchange_in_net_thousand\n",
                side ? "high" : "low");
        for (size_t k = 0; k < n; k++) {
            const ll_costs_tornado *t = &r->tornado[idx[k]];
            int shown = rp_tornado_shown(c->cv, t->input);
            double v = ll_sdc_money_value((side ? t->net_high : t->net_low) - centre) / 1000;
            fprintf(d.f, "%zu", k);
            rp_dat_text(d.f, lab[k]);
            rp_dat_num(d.f, v, !shown, 1);
            fputc('\n', d.f);
            if (!shown && side == 0)
                fprintf(s.f, "set label 'c' at 0,%zu center font ',11' front\n", k);
            if (shown && isfinite(v))
                lim = fmax(lim, fabs(v) * 1.15);
        }
        fputs("\n\n", d.f);
    }
    fprintf(s.f, "#size 820,%d\n", 140 + 34 * (int)(n ? n : 1));
    fprintf(s.f, "set yrange [%.1f:-0.7]\nset xrange [%.6g:%.6g]\n", (double)(n ? n : 1) - 0.3,
            -lim, lim);
    rp_ytics(s.f, c->a, lab, n);
    fprintf(s.f, "set grid xtics noytics lc rgb '#d0d0d0'\n"
                 "set xlabel 'Change in the %s (thousand pounds) from its central value'\n"
                 "set ylabel ''\nset key below\n"
                 "set arrow from 0, graph 0 to 0, graph 1 nohead lc rgb 'black'\n"
                 "plot 'cost_tornado.dat' index 0 using ($3/2):1:(0):3:($1-0.3):($1+0.3) with "
                 "boxxyerror %s title 'Input at its low value', \\\n     '' index 1 using "
                 "($3/2):1:(0):3:($1-0.3):($1+0.3) with boxxyerror %s title "
                 "'Input at its high value'\n",
            r->has_programme_cost ? "net saving" : "adjusted saving", rp_bar_style(1),
            rp_bar_style(0));
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&s, c->a);
    return rp_chart_place(c, "cost_tornado", "Which assumptions move the estimate most (tornado)",
                          "Each bar shows how far the figure moves when one input is set to its "
                          "low or high value, all else held.",
                          data, script, err);
}
