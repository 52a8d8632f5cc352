/* Programme starts by financial year (SPEC 8, after the summary page): for
 * each financial year of START_DATE (REFERRAL_DATE for children who never
 * started) the children referred, consented, started and eligible, and the
 * treated children's placement stability, so that a manager sees the
 * programme's course.  evaluate counts them (evaluate/starts.c); this file
 * renders them under the disclosure rules: each count c or rounded on its
 * own (rule 1, totals too; no secondary suppression: with rounded counts a
 * withheld year cannot be worked out from its column's total), the
 * stability proportion under rule 2, as the proportion of the published
 * (rounded) counts with their Wilson interval. */
#include "summary.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define NSTAGE 4
static const char *const STAGE_HEAD[NSTAGE] = {"Referred", "Consented", "Started", "Eligible"};

static long stage_n(const ll_starts_year *y, int j)
{
    return j == 0 ? y->referred : j == 1 ? y->consented : j == 2 ? y->started : y->eligible;
}

static const ll_starts_year *year_at(const ll_starts *s, size_t k)
{
    return k < s->n ? &s->years[k] : &s->total;
}

static const char *fy_label(rp_arena *a, int fy)
{
    return fy < 0 ? "date not recorded" : rp_printf(a, "%d-%02d", fy, (fy + 1) % 100);
}

/* Rule 2: 1 when the stability proportion of y is withheld. */
static int stab_hidden(const rp_ctx *c, const ll_starts_year *y)
{
    return y->stable_known > 0 && !ll_sdc_proportion_ok(&c->v->sdc, y->stable, y->stable_known);
}

/* The published proportion and interval (out[0..2]); 0 when none is shown. */
static int stab_figures(double out[3], const rp_ctx *c, const ll_starts_year *y)
{
    return y->stable_known > 0 && !stab_hidden(c, y) &&
           ll_sdc_published_proportion(out, &c->v->sdc, y->stable, y->stable_known) == 0;
}

/* "74% (61% to 84%)", c, or "-" when no child has the outcome known. */
static const char *stability_text(const rp_ctx *c, const ll_starts_year *y, int markers)
{
    double o[3];
    if (y->stable_known == 0)
        return "-";
    if (stab_hidden(c, y))
        return markers ? RP_NUM_ON "c" RP_NUM_OFF : "c";
    if (!stab_figures(o, c, y))
        return "-";
    const char *text = rp_printf(c->a, "%s (%s)", rp_pct(c->a, o[0]), rp_pct_ci(c->a, o[1], o[2]));
    return markers ? rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF, text) : text;
}

static const char *count_text(const rp_ctx *c, const ll_starts_year *y, int j, int markers)
{
    return markers ? rp_count(c->a, &c->v->sdc, stage_n(y, j))
                   : rp_count_plain(c->a, &c->v->sdc, stage_n(y, j));
}

static void starts_table(rp_ctx *c, const ll_starts *s)
{
    rp_table *t = rp_table_new(c->doc,
                               "Table S.1. Programme starts by financial year (of the start date, "
                               "or of the referral date for children who never started)",
                               6, "Financial year", STAGE_HEAD[0], STAGE_HEAD[1], STAGE_HEAD[2],
                               STAGE_HEAD[3], "Stable a year later (95% CI)");
    if (t == NULL)
        return;
    t->numeric = 0x3e;
    for (size_t k = 0; k <= s->n; k++) {
        const ll_starts_year *y = year_at(s, k);
        rp_table_row(t, k == s->n ? "All years" : fy_label(c->a, y->fy), count_text(c, y, 0, 1),
                     count_text(c, y, 1, 1), count_text(c, y, 2, 1), count_text(c, y, 3, 1),
                     stability_text(c, y, 1));
    }
}

static const char *const SER_STYLE[NSTAGE] = {
    "fs solid 0.25 border lc rgb 'black' lc rgb '#555555'",
    "fs pattern 4 border lc rgb 'black' lc rgb '#8c3b00'",
    "fs solid 0.6 border lc rgb 'black' lc rgb '#2e75b6'",
    "fs solid 0.95 border lc rgb 'black' lc rgb '#1f4e79'",
};

static void chart_data(FILE *f, const rp_ctx *c, const ll_starts *s, double top, double w)
{
    for (int j = 0; j < NSTAGE; j++) {
        fprintf(f, "# series %d: %s\n# x\tyear\tchildren\tlabel\tlabel_y\n", j, STAGE_HEAD[j]);
        for (size_t k = 0; k < s->n; k++) {
            long n = stage_n(&s->years[k], j);
            int hidden = ll_sdc_small(&c->v->sdc, n);
            double shown = (double)ll_sdc_round_count(n, c->v->sdc.rounding);
            fprintf(f, "%.4g", (double)k + ((double)j - 1.5) * w);
            rp_dat_text(f, fy_label(c->a, s->years[k].fy));
            rp_dat_num(f, shown, hidden, 1);
            rp_dat_text(f, count_text(c, &s->years[k], j, 0));
            fprintf(f, "\t%.6g\n", hidden ? top * 0.03 : shown);
        }
        fputs("\n\n", f);
    }
    fputs("# series 4: stable a year later, treated (percent, 95% CI)\n"
          "# x\tyear\tpercent\tconf.low\tconf.high\tlabel\n", f);
    for (size_t k = 0; k < s->n; k++) {
        const ll_starts_year *y = &s->years[k];
        int hidden = stab_hidden(c, y);
        double o[3] = {NAN, NAN, NAN};
        if (!stab_figures(o, c, y))
            o[0] = o[1] = o[2] = NAN;
        fprintf(f, "%zu", k);
        rp_dat_text(f, fy_label(c->a, y->fy));
        rp_dat_num(f, o[0], hidden, 100);
        rp_dat_num(f, o[1], hidden, 100);
        rp_dat_num(f, o[2], hidden, 100);
        rp_dat_text(f, hidden ? "c" : "");
        fputc('\n', f);
    }
}

static int starts_chart(rp_ctx *c, const ll_starts *s, ll_error *err)
{
    rp_sb d, g;
    if (!rp_sb_open2(&d, &g, c->a))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    long top = 1;
    for (size_t k = 0; k < s->n; k++) {
        long n = ll_sdc_round_count(s->years[k].referred, c->v->sdc.rounding);
        if (!ll_sdc_small(&c->v->sdc, s->years[k].referred) && n > top)
            top = n;
    }
    double ymax = (double)top * 1.2, w = 0.2;
    chart_data(d.f, c, s, ymax, w);
    fprintf(g.f, "#size 760,440\nset boxwidth %.3f absolute\n", w * 0.92);
    fprintf(g.f, "set xrange [-0.6:%.1f]\nset yrange [0:%.6g]\nset y2range [0:100]\n",
            (double)s->n - 0.4, ymax);
    fputs("set ytics nomirror\nset y2tics 0,20,100\n"
          "set ylabel 'Children'\nset y2label 'Stable a year later, treated (%, 95% CI)'\n"
          "set xlabel 'Financial year (of the start date; of the referral date if never "
          "started)'\nset key below\nset xtics (",
          g.f);
    for (size_t k = 0; k < s->n; k++)
        fprintf(g.f, "%s%s %zu", k ? ", " : "", rp_gp_tic(c->a, fy_label(c->a, s->years[k].fy)),
                k);
    fputs(")\nplot ", g.f);
    for (int j = 0; j < NSTAGE; j++)
        fprintf(g.f,
                "%s'starts.dat' index %d using 1:3 with boxes %s title '%s', \\\n"
                "     '' index %d using 1:5:4 with labels offset 0,0.5 font ',8' notitle",
                j ? ", \\\n     " : "", j, SER_STYLE[j], STAGE_HEAD[j], j);
    fputs(", \\\n     '' index 4 using 1:3:4:5 axes x1y2 with yerrorbars lc rgb '#c00000' "
          "pt 7 ps 1.2 lw 1.5 title 'Stable a year later (treated)', \\\n"
          "     '' index 4 using 1:(50):6 axes x1y2 with labels tc rgb '#c00000' notitle\n",
          g.f);
    char *data = rp_sb_close(&d, c->a), *script = rp_sb_close(&g, c->a);
    return rp_chart_place(c, "starts", "Programme starts by financial year",
                          "Bars: children referred, consented, started and eligible in each "
                          "financial year; red points: the share of the treated children with "
                          "the outcome known who were in the same home a year later, with 95% "
                          "intervals (right axis); c marks a withheld figure.",
                          data, script, err);
}

int rp_section_starts(rp_ctx *c, ll_error *err)
{
    const ll_starts *s = c->in->starts;
    rp_heading(c->doc, RB_H2, "starts", "Programme starts by year");
    if (s == NULL || s->n == 0) {
        rp_para(c->doc, RB_P, "No programme records were available to count starts by year.");
        return LL_OK;
    }
    rp_para(c->doc, RB_P,
            "How the programme ran: the children referred in each financial year (April to "
            "March), how many consented, started and were eligible for the evaluation, and how "
            "many of the treated children with the outcome known were in the same home a year "
            "later. A child is counted in the year of the start date, or of the referral date if "
            "the child never started. Recent years have fewer outcomes known: a year of "
            "follow-up is needed. Counts from 1 to %d are shown as c; the others, totals too, "
            "are rounded to the nearest %d, each on its own, so a column need not add up "
            "exactly; a percentage is that of the rounded counts.",
            c->v->min_cell, c->v->sdc.rounding);
    starts_table(c, s);
    return starts_chart(c, s, err);
}

int rp_starts_publish(const rp_ctx *c, const char *dir, ll_error *err)
{
    const ll_starts *s = c->in->starts;
    if (s == NULL || s->n == 0)
        return LL_OK;
    char path[4200], tmp[4210];
    snprintf(path, sizeof path, "%s/starts.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    fputs("financial_year,referred,consented,started,eligible,stable_12m_treated\n", f);
    for (size_t k = 0; k <= s->n; k++) {
        const ll_starts_year *y = year_at(s, k);
        fprintf(f, "%s", k == s->n ? "all" : y->fy < 0 ? "unknown" : fy_label(c->a, y->fy));
        for (int j = 0; j < NSTAGE; j++)
            fprintf(f, ",%s", count_text(c, y, j, 0));
        const char *st = stability_text(c, y, 0);
        fprintf(f, ",\"%s\"\n", strcmp(st, "-") ? st : "");
    }
    if (fclose(f) != 0) {
        remove(tmp);
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    }
    if (rename(tmp, path) != 0)
        return ll_error_set(err, LL_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
    return LL_OK;
}
