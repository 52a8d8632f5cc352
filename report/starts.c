/* Programme starts by financial year (SPEC 8, after the summary page): for
 * each financial year of START_DATE (REFERRAL_DATE for children who never
 * started) the children referred, consented, started and eligible, and the
 * treated children's placement stability, so that a manager sees the
 * programme's course.  The counts go into the report's register of
 * published counts: each column adds up to its total, which is linked to
 * the flow's cell of the same stage, so that a withheld year cannot be
 * worked out from the column's total here or in the flow; and within each
 * year the drop from each stage to each later one (children who did not
 * consent, did not start, were not eligible) is a cell of its own in a line
 * to the earlier stage, so that a small drop cannot be read off two shown counts.
 * (The totals row's drops are the flow's own reason rows, lined up there.)
 * The stability proportion follows rule 2 (withheld when x or n - x is 1
 * to min_cell). */
#include "charts.h"
#include "summary.h"

#include "lleval/date.h"
#include "lleval/stats.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define NSTAGE 4
static const char *const STAGE[NSTAGE] = {"referred", "consented", "started", "eligible"};
static const char *const STAGE_HEAD[NSTAGE] = {"Referred", "Consented", "Started", "Eligible"};

typedef struct rp_starts {
    size_t ny;           /* years; row ny is the total */
    int *fy;             /* first calendar year of each financial year; -1: date unknown */
    long (*n)[NSTAGE];   /* ny + 1 rows */
    size_t (*cell)[NSTAGE];
    long *x, *m;         /* treated stability: stable, known (ny + 1) */
} rp_starts;

/* 2019 for any day from 1 April 2019 to 31 March 2020; -1 for LL_NA. */
static int fin_year(long day)
{
    if (day == LL_NA)
        return -1;
    int y, m, d;
    ll_date_to_ymd(day, &y, &m, &d);
    return m >= 4 ? y : y - 1;
}

static const char *fy_label(rp_arena *a, int fy)
{
    return fy < 0 ? "date not recorded" : rp_printf(a, "%d-%02d", fy, (fy + 1) % 100);
}

/* The financial year a programme child is counted in. */
static int child_year(const ll_programme_view *p)
{
    if (p->consent && p->start != LL_NA)
        return fin_year(p->start);
    return fin_year(p->referral != LL_NA ? p->referral : p->start);
}

static size_t year_index(const rp_starts *s, int fy)
{
    for (size_t k = 0; k < s->ny; k++)
        if (s->fy[k] == fy)
            return k;
    return s->ny;
}

/* The distinct years, ascending (unknown last). */
static int collect_years(rp_starts *s, rp_arena *a, const ll_derive_data *d)
{
    size_t nc = ll_derive_n_children(d), cap = 8;
    s->fy = rp_alloc(a, cap * sizeof *s->fy);
    for (size_t ci = 0; ci < nc && s->fy; ci++) {
        ll_programme_view p;
        if (ll_derive_programme(&p, d, ci) != LL_OK)
            continue;
        int fy = child_year(&p);
        if (year_index(s, fy) < s->ny)
            continue;
        if (s->ny == cap) {
            int *g = rp_alloc(a, 2 * cap * sizeof *g);
            if (g == NULL)
                return LL_ENOMEM;
            memcpy(g, s->fy, cap * sizeof *g);
            s->fy = g;
            cap *= 2;
        }
        size_t k = s->ny++;
        /* insertion: ascending, -1 (unknown) after every year */
        while (k > 0 && (fy >= 0 && (s->fy[k - 1] < 0 || s->fy[k - 1] > fy))) {
            s->fy[k] = s->fy[k - 1];
            k--;
        }
        s->fy[k] = fy;
    }
    return s->fy ? LL_OK : LL_ENOMEM;
}

static void count(rp_starts *s, const ll_derive_data *d, const ll_analysis *an)
{
    size_t nc = ll_derive_n_children(d);
    for (size_t ci = 0; ci < nc; ci++) {
        ll_programme_view p;
        if (ll_derive_programme(&p, d, ci) != LL_OK)
            continue;
        size_t k = year_index(s, child_year(&p));
        int stage[3] = {1, p.consent, p.consent && p.start != LL_NA};
        for (int j = 0; j < 3; j++)
            s->n[k][j] += stage[j];
    }
    for (size_t i = 0; an != NULL && i < an->n; i++) {
        const ll_analysis_row *r = &an->rows[i];
        ll_programme_view p;
        if (r->group != LL_GROUP_TREATED || !r->cov.eligible ||
            ll_derive_programme(&p, d, r->child) != LL_OK)
            continue;
        size_t k = year_index(s, child_year(&p));
        s->n[k][3]++;
        if ((an->matched && !r->match_id) || r->out.stable_12m == LL_NA)
            continue;
        s->m[k]++;
        s->x[k] += r->out.stable_12m == 1;
    }
    for (size_t k = 0; k < s->ny; k++) {
        for (int j = 0; j < NSTAGE; j++)
            s->n[s->ny][j] += s->n[k][j];
        s->m[s->ny] += s->m[k];
        s->x[s->ny] += s->x[k];
    }
}

/* Each column a line to its total, the total linked to the flow's cell;
 * each year's drop from a stage to a later one a line to the earlier. */
static void register_cells(rp_starts *s, rp_ctx *c)
{
    rp_cells *cells = &c->cells;
    for (size_t k = 0; k <= s->ny; k++)
        for (int j = 0; j < NSTAGE; j++)
            s->cell[k][j] = rp_cell_add(cells, s->n[k][j]);
    size_t *col = rp_alloc(c->a, (s->ny + 1) * sizeof *col);
    if (col == NULL)
        return;
    for (int j = 0; j < NSTAGE; j++) {
        for (size_t k = 0; k < s->ny; k++)
            col[k] = s->cell[k][j];
        rp_cell_line(cells, col, s->ny, s->cell[s->ny][j]);
        rp_cell_link(cells, s->cell[s->ny][j],
                     rp_flow_cell(c->flow, STAGE[j], "", LL_GROUP_TREATED));
    }
    for (size_t k = 0; k < s->ny; k++)
        for (int i = 0; i < NSTAGE; i++)
            for (int j = i + 1; j < NSTAGE; j++) {
                size_t m[2] = {s->cell[k][j], rp_cell_add(cells, s->n[k][i] - s->n[k][j])};
                rp_cell_line(cells, m, 2, s->cell[k][i]);
            }
}

int rp_starts_register(rp_ctx *c, ll_error *err)
{
    if (c->in->d == NULL)
        return LL_OK;
    rp_starts *s = rp_alloc(c->a, sizeof *s);
    if (s == NULL || collect_years(s, c->a, c->in->d) != LL_OK)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    if (s->ny == 0)
        return LL_OK;
    s->n = rp_alloc(c->a, (s->ny + 1) * sizeof *s->n);
    s->cell = rp_alloc(c->a, (s->ny + 1) * sizeof *s->cell);
    s->x = rp_alloc(c->a, (s->ny + 1) * sizeof *s->x);
    s->m = rp_alloc(c->a, (s->ny + 1) * sizeof *s->m);
    if (!s->n || !s->cell || !s->x || !s->m)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    count(s, c->in->d, c->in->a);
    register_cells(s, c);
    c->starts = s;
    return LL_OK;
}

/* ---- display ------------------------------------------------------------ */

static int stab_hidden(const rp_ctx *c, const rp_starts *s, size_t k)
{
    return rp_small(s->x[k], c->v->min_cell) || rp_small(s->m[k] - s->x[k], c->v->min_cell);
}

/* "74% (61% to 84%)", c, or "-" when no child has the outcome known. */
static const char *stability_text(const rp_ctx *c, const rp_starts *s, size_t k, int markers)
{
    if (s->m[k] == 0)
        return "-";
    if (stab_hidden(c, s, k))
        return markers ? RP_NUM_ON "c" RP_NUM_OFF : "c";
    ll_stats_ci ci;
    double p = (double)s->x[k] / (double)s->m[k];
    const char *text = rp_pct(c->a, p);
    if (ll_stats_wilson(&ci, s->x[k], s->m[k], 0.95, NULL) == LL_OK)
        text = rp_printf(c->a, "%s (%s)", text, rp_pct_ci(c->a, ci.conf_low, ci.conf_high));
    return markers ? rp_printf(c->a, RP_NUM_ON "%s" RP_NUM_OFF, text) : text;
}

static const char *count_text(const rp_ctx *c, const rp_starts *s, size_t k, int j, int markers)
{
    int hidden = rp_cell_hidden(&c->cells, s->cell[k][j]);
    return markers ? rp_count(c->a, s->n[k][j], hidden) : rp_count_plain(c->a, s->n[k][j], hidden);
}

static void starts_table(rp_ctx *c, const rp_starts *s)
{
    rp_table *t = rp_table_new(c->doc,
                               "Table S.1. Programme starts by financial year (of the start date, "
                               "or of the referral date for children who never started)",
                               6, "Financial year", STAGE_HEAD[0], STAGE_HEAD[1], STAGE_HEAD[2],
                               STAGE_HEAD[3], "Stable a year later (95% CI)");
    if (t == NULL)
        return;
    t->numeric = 0x3e;
    for (size_t k = 0; k <= s->ny; k++)
        rp_table_row(t, k == s->ny ? "All years" : fy_label(c->a, s->fy[k]),
                     count_text(c, s, k, 0, 1), count_text(c, s, k, 1, 1),
                     count_text(c, s, k, 2, 1), count_text(c, s, k, 3, 1),
                     stability_text(c, s, k, 1));
}

static const char *const SER_STYLE[NSTAGE] = {
    "fs solid 0.25 border lc rgb 'black' lc rgb '#555555'",
    "fs pattern 4 border lc rgb 'black' lc rgb '#8c3b00'",
    "fs solid 0.6 border lc rgb 'black' lc rgb '#2e75b6'",
    "fs solid 0.95 border lc rgb 'black' lc rgb '#1f4e79'",
};

static void chart_data(FILE *f, const rp_ctx *c, const rp_starts *s, double top, double w)
{
    for (int j = 0; j < NSTAGE; j++) {
        fprintf(f, "# series %d: %s\n# x\tyear\tchildren\tlabel\tlabel_y\n", j, STAGE_HEAD[j]);
        for (size_t k = 0; k < s->ny; k++) {
            int hidden = rp_cell_hidden(&c->cells, s->cell[k][j]);
            fprintf(f, "%.4g", (double)k + ((double)j - 1.5) * w);
            rp_dat_text(f, fy_label(c->a, s->fy[k]));
            rp_dat_num(f, (double)s->n[k][j], hidden, 1);
            rp_dat_text(f, hidden ? "c" : rp_printf(c->a, "%ld", s->n[k][j]));
            fprintf(f, "\t%.6g\n", hidden ? top * 0.03 : (double)s->n[k][j]);
        }
        fputs("\n\n", f);
    }
    fputs("# series 4: stable a year later, treated (percent, 95% CI)\n"
          "# x\tyear\tpercent\tconf.low\tconf.high\tlabel\n", f);
    for (size_t k = 0; k < s->ny; k++) {
        int hidden = s->m[k] > 0 && stab_hidden(c, s, k);
        double p = NAN, lo = NAN, hi = NAN;
        ll_stats_ci ci;
        if (s->m[k] > 0 && !hidden && ll_stats_wilson(&ci, s->x[k], s->m[k], 0.95, NULL) == LL_OK) {
            p = (double)s->x[k] / (double)s->m[k];
            lo = ci.conf_low;
            hi = ci.conf_high;
        }
        fprintf(f, "%zu", k);
        rp_dat_text(f, fy_label(c->a, s->fy[k]));
        rp_dat_num(f, p, hidden, 100);
        rp_dat_num(f, lo, hidden, 100);
        rp_dat_num(f, hi, hidden, 100);
        rp_dat_text(f, hidden ? "c" : "");
        fputc('\n', f);
    }
}

static int starts_chart(rp_ctx *c, const rp_starts *s, ll_error *err)
{
    rp_sb d, g;
    if (!rp_sb_open(&d))
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    if (!rp_sb_open(&g)) {
        rp_sb_close(&d, c->a);
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    }
    long top = 1;
    for (size_t k = 0; k < s->ny; k++)
        if (!rp_cell_hidden(&c->cells, s->cell[k][0]) && s->n[k][0] > top)
            top = s->n[k][0];
    double ymax = (double)top * 1.2, w = 0.2;
    chart_data(d.f, c, s, ymax, w);
    fprintf(g.f, "#size 760,440\nset boxwidth %.3f absolute\n", w * 0.92);
    fprintf(g.f, "set xrange [-0.6:%.1f]\nset yrange [0:%.6g]\nset y2range [0:100]\n",
            (double)s->ny - 0.4, ymax);
    fputs("set ytics nomirror\nset y2tics 0,20,100\n"
          "set ylabel 'Children'\nset y2label 'Stable a year later, treated (%, 95% CI)'\n"
          "set xlabel 'Financial year (of the start date; of the referral date if never "
          "started)'\nset key below\nset xtics (",
          g.f);
    for (size_t k = 0; k < s->ny; k++)
        fprintf(g.f, "%s%s %zu", k ? ", " : "", rp_gp_tic(c->a, fy_label(c->a, s->fy[k])), k);
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
    const rp_starts *s = c->starts;
    rp_heading(c->doc, RB_H2, "starts", "Programme starts by year");
    if (s == NULL) {
        rp_para(c->doc, RB_P, "No programme records were available to count starts by year.");
        return LL_OK;
    }
    rp_para(c->doc, RB_P,
            "How the programme ran: the children referred in each financial year (April to "
            "March), how many consented, started and were eligible for the evaluation, and how "
            "many of the treated children with the outcome known were in the same home a year "
            "later. A child is counted in the year of the start date, or of the referral date if "
            "the child never started. Recent years have fewer outcomes known: a year of "
            "follow-up is needed. Counts from 1 to %d are shown as c, and so are counts that "
            "would let one be worked out.",
            c->v->min_cell);
    starts_table(c, s);
    return starts_chart(c, s, err);
}

int rp_starts_publish(const rp_ctx *c, const char *dir, ll_error *err)
{
    const rp_starts *s = c->starts;
    if (s == NULL)
        return LL_OK;
    char path[4200], tmp[4210];
    snprintf(path, sizeof path, "%s/starts.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    fputs("financial_year,referred,consented,started,eligible,stable_12m_treated\n", f);
    for (size_t k = 0; k <= s->ny; k++) {
        fprintf(f, "%s", k == s->ny ? "all" : s->fy[k] < 0 ? "unknown" : fy_label(c->a, s->fy[k]));
        for (int j = 0; j < NSTAGE; j++)
            fprintf(f, ",%s", count_text(c, s, k, j, 0));
        const char *st = stability_text(c, s, k, 0);
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
