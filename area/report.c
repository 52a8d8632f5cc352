/* area_report.html (SPEC 11, Output): the design in words, the treated
 * authorities, the mean outcome per year of each group, the event study
 * with the pre-periods marked as the parallel-trends check, and the
 * overall effect with both p-values beside its minimum detectable effect.
 * One self-contained page: the charts are gnuplot's SVG inlined.  Nothing
 * in it depends on the time or the machine, so that the same inputs and
 * seed give the same bytes. */
#include "chart.h"

#include "lleval/did.h"
#include "lleval/format.h"
#include "lleval/version.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *CSS =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222;"
    "line-height:1.45}\n"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.2em .5em;"
    "text-align:right}th{background:#eee}td.l,th.l{text-align:left}\n"
    "tr.pre td{color:#555;background:#f6f6f6}.note{background:#fff6d5;padding:.5em 1em;"
    "border-left:4px solid #e0b000}\n"
    ".big{font-size:1.15em}svg{max-width:100%;height:auto}\n";

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* A number for the page: fixed decimals, "–" when missing. */
static void num(FILE *f, double x, int dec)
{
    if (isnan(x))
        fputs("&#8211;", f);
    else
        fprintf(f, "%.*f", dec, x == 0 ? 0.0 : x);
}

static void pval(FILE *f, double p)
{
    if (isnan(p))
        fputs("&#8211;", f);
    else if (p < 0.001)
        fputs("&lt;0.001", f);
    else
        fprintf(f, "%.3f", p);
}

/* The series' years as ranges ("2011–2014, 2018–2024"). */
static void year_ranges(FILE *f, const int *y, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && y[j + 1] == y[j] + 1)
            j++;
        fprintf(f, "%s%d", i ? ", " : "", y[i]);
        if (j > i)
            fprintf(f, "&#8211;%d", y[j]);
        i = j + 1;
    }
}

static size_t n_comparison(const ll_area_report_input *in)
{
    size_t n = 0;
    for (size_t u = 0; u < in->panel->nunits; u++)
        n += in->start[u] == 0;
    return n;
}

static void design_text(FILE *f, const ll_area_report_input *in)
{
    const ll_area_panel *p = in->panel;
    const ll_area_result *r = in->res;
    size_t nt = p->nunits - n_comparison(in);
    fprintf(f, "<h2>Design</h2>\n<p>A difference-in-differences over authorities (Callaway "
               "&amp; Sant'Anna 2021, never-treated comparison, no covariates). %zu "
               "authorit%s ran the programme; the comparison group is the %zu authorities of "
               "the series that never did. For each start year <i>g</i> and each later year "
               "<i>t</i>, the change in the outcome from the base year <i>b<sub>g</sub></i> "
               "(the last year of the series before <i>g</i>) is averaged over the programme's "
               "authorities and over the comparison authorities; ATT(<i>g</i>, <i>t</i>) is "
               "the difference. Each year before <i>g</i> is compared with the year of the "
               "series before it (one step at a time): those pre-period effects should be "
               "near zero if the two groups were on parallel paths before the programme. "
               "The effects are averaged, weighted by the number of programme authorities "
               "in each cell, over all post-periods (overall) and by years since the start "
               "(event time). Standard errors are clustered by authority; with few "
               "programme authorities they are unreliable, so the overall effect also has a "
               "randomization-inference p-value: the programme's start years are given at "
               "random to other authorities of the series, %ld times (seed %lu), and the "
               "p-value is the share of draws with an effect at least as large in absolute "
               "value.</p>\n",
            nt, nt == 1 ? "y" : "ies", n_comparison(in), r->ri_draws, in->seed);
    fprintf(f, "<p>Outcome: <b>");
    ll_html_put_text(f, in->outcome);
    fprintf(f, "</b> (column <code>");
    ll_html_put_text(f, in->value);
    fprintf(f, "</code>%s", in->filter[0] ? " of the rows with <code>" : "");
    ll_html_put_text(f, in->filter);
    fprintf(f, "%s, Local authority rows) from ", in->filter[0] ? "</code>" : "");
    for (size_t i = 0; i < in->nfiles; i++) {
        fprintf(f, "%s<code>", i ? ", " : "");
        ll_html_put_text(f, base_name(in->files[i]));
        fprintf(f, "</code>");
    }
    fprintf(f, ": %zu authorities with a value in at least one of the series' years (",
            p->nunits);
    year_ranges(f, p->year, p->nyears);
    fprintf(f, "). %s is better.</p>\n", in->lower_is_better ? "Lower" : "Higher");
    for (size_t gi = 0; gi < r->ngroups; gi++)
        if (r->group[gi] - r->base[gi] > 1)
            fprintf(f, "<p class=\"note\">The base year of the authorities starting in %d is "
                       "%d, %d years earlier: the series has no value for %d&#8211;%d. The "
                       "effects of the first post-years therefore include the change over "
                       "the years between, before the programme ran.</p>\n",
                    r->group[gi], r->base[gi], r->group[gi] - r->base[gi], r->base[gi] + 1,
                    r->group[gi] - 1);
}

static void treated_table(FILE *f, const ll_area_report_input *in)
{
    const ll_area_panel *p = in->panel;
    fprintf(f, "<h2>Authorities that ran the programme</h2>\n<table>\n<tr><th class=\"l\">"
               "code</th><th class=\"l\">authority</th><th>start year</th><th>years with a "
               "value</th></tr>\n");
    for (size_t gi = 0; gi < in->res->ngroups; gi++)
        for (size_t u = 0; u < p->nunits; u++) {
            if (in->start[u] != in->res->group[gi])
                continue;
            size_t n = 0;
            for (size_t k = 0; k < p->nyears; k++)
                n += !isnan(p->y[u * p->nyears + k]);
            fprintf(f, "<tr><td class=\"l\">");
            ll_html_put_text(f, p->code[u]);
            fprintf(f, "</td><td class=\"l\">");
            ll_html_put_text(f, p->name[u]);
            fprintf(f, "</td><td>%d</td><td>%zu of %zu</td></tr>\n", in->start[u], n,
                    p->nyears);
        }
    fprintf(f, "</table>\n");
}

/* Mean of year k over the units with start s (0: comparison); *n units. */
static double group_mean(const ll_area_report_input *in, int s, size_t k, size_t *n)
{
    const ll_area_panel *p = in->panel;
    double m;
    ll_did_group_mean(&m, n, p->y, p->nunits, p->nyears, in->start, s, k);
    return m;
}

/* A chart being written: its data (d) and its script's body (b), each
 * into memory. */
typedef struct {
    FILE *d, *b;
    char *data, *body;
    size_t dl, bl;
} chart_text;

static int chart_open(chart_text *c)
{
    memset(c, 0, sizeof *c);
    c->d = open_memstream(&c->data, &c->dl);
    c->b = open_memstream(&c->body, &c->bl);
    if (c->d && c->b)
        return LL_OK;
    if (c->d)
        fclose(c->d);
    if (c->b)
        fclose(c->b);
    free(c->data);
    free(c->body);
    return LL_ENOMEM;
}

/* Closes c and draws it as chart name (none when name is NULL). */
static int chart_close(chart_text *c, char **svg, const char *dir, const char *gp,
                       const char *name, FILE *log, ll_error *err)
{
    int bad = fclose(c->d) | fclose(c->b);
    int rc = bad ? ll_error_set(err, LL_ENOMEM, "out of memory")
               : !name ? LL_OK
                       : ar_chart(svg, dir, gp, name, c->data, c->body, log, err);
    free(c->data);
    free(c->body);
    return rc;
}

static int chart_means(char **svg, const ll_area_report_input *in, const char *dir, const char *gp,
                       FILE *log, ll_error *err)
{
    const ll_area_panel *p = in->panel;
    const ll_area_result *r = in->res;
    chart_text c;
    if (chart_open(&c) != LL_OK)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    FILE *d = c.d, *b = c.b;
    fprintf(d, "year");
    for (size_t gi = 0; gi < r->ngroups; gi++)
        fprintf(d, "\tstart %d", r->group[gi]);
    fprintf(d, "\tcomparison\n");
    for (size_t k = 0; k < p->nyears; k++) {
        if (k && p->year[k] != p->year[k - 1] + 1)
            fprintf(d, "\n"); /* a gap in the series breaks the lines */
        fprintf(d, "%d", p->year[k]);
        size_t n;
        for (size_t gi = 0; gi <= r->ngroups; gi++) {
            double m = group_mean(in, gi < r->ngroups ? r->group[gi] : 0, k, &n);
            if (isnan(m))
                fprintf(d, "\tNaN");
            else
                fprintf(d, "\t%.10g", m);
        }
        fprintf(d, "\n");
    }
    fprintf(b, "set title 'Mean outcome per year: programme authorities by start year, and "
               "comparison authorities'\nset xlabel 'collection year (ending 31 March)'\n"
               "set ylabel '");
    for (const char *s = in->outcome; *s; s++)
        fputc(*s == '\'' ? ' ' : *s, b);
    fprintf(b, "'\nset key outside bottom center horizontal\nset xtics 1 rotate by -45\n"
               "set datafile missing 'NaN'\nset xrange [%d:%d]\n", p->year[0] - 1,
            p->year[p->nyears - 1] + 1);
    for (size_t gi = 0; gi < r->ngroups; gi++)
        fprintf(b, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb '#888888'\n",
                r->group[gi] - 0.5, r->group[gi] - 0.5);
    fprintf(b, "plot ");
    for (size_t gi = 0; gi <= r->ngroups; gi++)
        fprintf(b, "%s'means.dat' using 1:%zu with linespoints lw 2 pt %zu title columnheader",
                gi ? ", " : "", gi + 2, gi < r->ngroups ? 7 + 2 * gi : 4);
    fprintf(b, "\n");
    return chart_close(&c, svg, dir, gp, "means", log, err);
}

static int chart_event(char **svg, const ll_area_report_input *in, const char *dir,
                       const char *gp, FILE *log, ll_error *err)
{
    const ll_area_result *r = in->res;
    chart_text c;
    if (chart_open(&c) != LL_OK)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    FILE *d = c.d, *b = c.b;
    int lo = 0, hi = 0, any = 0;
    fprintf(d, "event\testimate\tconf.low\tconf.high\tpre\n");
    for (size_t i = 0; i < r->nrows; i++) {
        const ll_area_row *w = &r->rows[i];
        if (w->estimand != LL_AREA_EVENT || !w->computable)
            continue;
        fprintf(d, "%d\t%.10g\t%.10g\t%.10g\t%d\n", w->event, w->estimate, w->conf_low,
                w->conf_high, w->event < 0);
        lo = any ? (w->event < lo ? w->event : lo) : w->event;
        hi = any ? (w->event > hi ? w->event : hi) : w->event;
        any = 1;
    }
    fprintf(b, "set title 'Event study: effect by years since the start, with 95%% intervals'\n"
               "set xlabel 'years since the start (event time; shaded: pre-periods, the "
               "parallel-trends check)'\nset ylabel 'effect (difference in differences)'\n"
               "set xrange [%d:%d]\nset xtics 1\nset key top left\n"
               "set object 1 rect from graph 0, graph 0 to first -0.5, graph 1 behind "
               "fc rgb '#eeeeee' fs solid noborder\n"
               "set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#444444'\n"
               "plot 'event.dat' using 1:($5 == 1 ? $2 : NaN):3:4 with yerrorbars pt 6 ps 1.2 "
               "lc rgb '#777777' title 'pre-period (should be near 0)', "
               "'event.dat' using 1:($5 == 0 ? $2 : NaN):3:4 with yerrorbars pt 7 ps 1.2 "
               "lc rgb '#1f5fa8' title 'post-period: effect'\n",
            lo - 1, hi + 1);
    return chart_close(&c, svg, dir, gp, any ? "event" : NULL, log, err);
}

static void put_svg(FILE *f, const char *svg, const char *what, int have_gnuplot)
{
    if (svg) {
        fprintf(f, "<figure>%s</figure>\n", svg);
        return;
    }
    fprintf(f, "<p class=\"note\">The %s chart was not drawn (%s); its gnuplot script and data "
               "are in <code>area_charts/</code>.</p>\n", what,
            have_gnuplot ? "gnuplot failed: see area_charts/gnuplot.log"
                         : "gnuplot was not found; install it (Debian: apt-get install "
                           "gnuplot-nox) and run lleval area again");
}

static void means_table(FILE *f, const ll_area_report_input *in)
{
    const ll_area_panel *p = in->panel;
    const ll_area_result *r = in->res;
    fprintf(f, "<table>\n<tr><th>year</th>");
    for (size_t gi = 0; gi < r->ngroups; gi++)
        fprintf(f, "<th>start %d: mean (n)</th>", r->group[gi]);
    fprintf(f, "<th>comparison: mean (n)</th></tr>\n");
    for (size_t k = 0; k < p->nyears; k++) {
        fprintf(f, "<tr><td>%d</td>", p->year[k]);
        for (size_t gi = 0; gi <= r->ngroups; gi++) {
            size_t n;
            double m = group_mean(in, gi < r->ngroups ? r->group[gi] : 0, k, &n);
            fprintf(f, "<td>");
            num(f, m, 2);
            fprintf(f, " (%zu)</td>", n);
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
}

/* A row's estimate, SE, 95% CI ("low to high") and p, each after its
 * own text before[k]: the same figures in the event table's cells and the
 * overall effect's rows. */
static void figures(FILE *f, const ll_area_row *w, const char *const before[4])
{
    fputs(before[0], f);
    num(f, w->estimate, 2);
    fputs(before[1], f);
    num(f, w->std_error, 2);
    fputs(before[2], f);
    num(f, w->conf_low, 2);
    fputs(" to ", f);
    num(f, w->conf_high, 2);
    fputs(before[3], f);
    pval(f, w->p_value);
}

static void row_cells(FILE *f, const ll_area_row *w)
{
    static const char *const cells[4] = {"<td>", "</td><td>", "</td><td>", "</td><td>"};
    fprintf(f, "<td>%zu</td><td>%zu</td>", w->n_treated, w->n_comparison);
    figures(f, w, cells);
    fprintf(f, "</td>");
}

static void event_table(FILE *f, const ll_area_result *r)
{
    fprintf(f, "<table>\n<tr><th>event time</th><th>programme authorities</th><th>comparison "
               "authorities</th><th>effect</th><th>SE</th><th>95%% CI</th><th>p</th></tr>\n");
    for (size_t i = 0; i < r->nrows; i++) {
        const ll_area_row *w = &r->rows[i];
        if (w->estimand != LL_AREA_EVENT)
            continue;
        fprintf(f, "<tr%s><td>%d%s</td>", w->event < 0 ? " class=\"pre\"" : "", w->event,
                w->event < 0 ? " (pre)" : "");
        row_cells(f, w);
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
}

static void overall_text(FILE *f, const ll_area_report_input *in, const ll_area_row *o)
{
    fprintf(f, "<h2>Overall effect</h2>\n");
    if (!o->computable) {
        fprintf(f, "<p class=\"note\">Not computable: no post-period cell has at least one "
                   "programme authority and two comparison authorities with values.</p>\n");
        return;
    }
    static const char *const rows[4] = {
        "<table class=\"big\">\n<tr><th class=\"l\">effect (average over post-periods)</th><td>",
        "</td></tr>\n<tr><th class=\"l\">standard error (clustered by authority)</th><td>",
        "</td></tr>\n<tr><th class=\"l\">95% confidence interval</th><td>",
        "</td></tr>\n<tr><th class=\"l\">p-value (clustered SE, normal)</th><td>"};
    double mde = 2.8 * o->std_error;
    figures(f, o, rows);
    fprintf(f, "</td></tr>\n<tr><th class=\"l\">p-value (randomization inference, %ld of %ld "
               "draws)</th><td>", in->res->ri_used, in->res->ri_draws);
    pval(f, o->ri_p_value);
    fprintf(f, "</td></tr>\n<tr><th class=\"l\">minimum detectable effect (2.8 &#215; SE: 80%% "
               "power, 5%% two-sided)</th><td>");
    num(f, mde, 2);
    fprintf(f, "</td></tr>\n</table>\n<p>Programme authorities: %zu; comparison authorities: "
               "%zu. The effect is in the units of the outcome (percentage points for a "
               "percentage). %s is better, so a %s effect would mean that the programme "
               "authorities improved relative to the comparison authorities.</p>\n",
            o->n_treated, o->n_comparison, in->lower_is_better ? "Lower" : "Higher",
            in->lower_is_better ? "negative" : "positive");
    fprintf(f, "<p class=\"note\">Read the effect beside the minimum detectable effect (");
    num(f, mde, 2);
    fprintf(f, "): an effect smaller than that in absolute value could not be told from zero "
               "with these authorities. The outcome is a rate over <em>all</em> of an "
               "authority's children in the group measured, while a programme such as "
               "Lifelong Links reaches a few dozen children per authority: a large effect on "
               "the children it reaches is diluted many times over in an authority-wide "
               "rate, and can sit well below the minimum detectable effect. A null result "
               "here is therefore weak evidence of no effect on the children served.</p>\n");
}

static void att_table(FILE *f, const ll_area_result *r)
{
    fprintf(f, "<h2>Group-time effects ATT(g, t)</h2>\n<table>\n<tr><th>start year g</th>"
               "<th>year t</th><th>base</th><th>event</th><th>programme authorities</th>"
               "<th>comparison authorities</th><th>effect</th><th>SE</th><th>95%% CI</th>"
               "<th>p</th><th class=\"l\">note</th></tr>\n");
    for (size_t i = 0; i < r->nrows; i++) {
        const ll_area_row *w = &r->rows[i];
        if (w->estimand != LL_AREA_ATT_GT)
            continue;
        fprintf(f, "<tr%s><td>%d</td><td>%d</td><td>%d</td><td>%d</td>",
                w->event < 0 ? " class=\"pre\"" : "", w->group, w->time, w->base, w->event);
        row_cells(f, w);
        fprintf(f, "<td class=\"l\">");
        ll_html_put_text(f, w->note);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

static void limits_text(FILE *f)
{
    fprintf(f, "<h2>What these figures can and cannot say</h2>\n<ul>\n"
               "<li>They compare authorities, not children: they say whether the authorities "
               "that ran the programme moved differently from those that did not, on a "
               "published authority-wide figure, not what the programme did for the children "
               "it served.</li>\n"
               "<li>The comparison is causal only if the programme authorities would have "
               "moved like the comparison authorities without it (parallel trends): the "
               "pre-period effects are the check, and they can only reveal differences in "
               "the years the series covers.</li>\n"
               "<li>Anything else that changed at the same time in the programme authorities "
               "(other programmes, reorganisations, changes in recording) is part of the "
               "estimate. Comparison authorities may have run similar programmes.</li>\n"
               "<li>Published figures are revised between releases and suppressed for small "
               "numbers; suppressed values are missing, not zero.</li>\n"
               "<li>Published authority figures are public already, so no suppression "
               "applies beyond the source's own.</li>\n</ul>\n");
}

static int write_page(FILE *f, const ll_area_report_input *in, const char *svg_means,
                      const char *svg_event, int have_gnuplot)
{
    const ll_area_row *o = &in->res->rows[in->res->nrows - 1];
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
               "<title>lleval area: ");
    ll_html_put_text(f, in->outcome);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>Did the "
               "authorities that ran the programme do better? ", CSS);
    ll_html_put_text(f, in->outcome);
    fprintf(f, "</h1>\n<p>Written by lleval %s (<code>lleval area</code>, SPEC section 11) "
               "from published authority figures.</p>\n", LL_VERSION);
    design_text(f, in);
    treated_table(f, in);
    overall_text(f, in, o);
    fprintf(f, "<h2>Mean outcome per year</h2>\n");
    put_svg(f, svg_means, "mean outcome", have_gnuplot);
    means_table(f, in);
    fprintf(f, "<h2>Event study</h2>\n<p>Effects by years since the start. Negative event "
               "times (shaded, grey rows) are the pre-periods, each year against the year "
               "of the series before it: the parallel-trends check. Event time is in calendar "
               "years, so a gap in the series leaves gaps here.</p>\n");
    put_svg(f, svg_event, "event-study", have_gnuplot);
    event_table(f, in->res);
    att_table(f, in->res);
    limits_text(f);
    fprintf(f, "<p>Estimates at full precision: <code>area_estimates.csv</code>. Reference: "
               "Callaway B, Sant'Anna PHC (2021). Difference-in-differences with multiple "
               "time periods. <i>Journal of Econometrics</i> 225(2):200&#8211;230.</p>\n"
               "</main>\n</body>\n</html>\n");
    return ferror(f) ? -1 : 0;
}

int ll_area_write_report(const char *dir, const ll_area_report_input *in, FILE *log,
                         ll_error *err)
{
    char path[4096], charts[4096];
    char *svg_means = NULL, *svg_event = NULL, *gp = NULL;
    snprintf(charts, sizeof charts, "%s/area_charts", dir);
    if (mkdir(charts, 0755) != 0 && errno != EEXIST)
        return ll_error_set(err, LL_EIO, "%s: cannot create: %s", charts, strerror(errno));
    int want = !(in->gnuplot && !in->gnuplot[0]);
    if (want && !(gp = ar_find_program(in->gnuplot ? in->gnuplot : "gnuplot")) && log)
        fprintf(log, "lleval area: notice: gnuplot not found: the report is written without "
                     "its charts (their scripts are in %s)\n", charts);
    int rc = chart_means(&svg_means, in, charts, gp, log, err);
    if (rc == LL_OK)
        rc = chart_event(&svg_event, in, charts, gp, log, err);
    if (rc != LL_OK)
        goto done;
    snprintf(path, sizeof path, "%s/area_report.html", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        rc = ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    int bad = write_page(f, in, svg_means, svg_event, gp != NULL);
    if (fclose(f) != 0 || bad)
        rc = ll_error_set(err, LL_EIO, "%s: write failed", path);
done:
    free(gp);
    free(svg_means);
    free(svg_event);
    return rc;
}
