/* Disclosure control of the pooled report (SPEC 8), for the few kinds of
 * figure it shows: counts (rule 1), percentages (rule 2), figures resting
 * on a 2x2 table (rule 3), safe statistics (rule 4) and money (rule 6).
 * Counts, percentages and the small-cell test are the report's rules
 * (lleval/sdc.h): a percentage is that of the published (rounded) counts,
 * as in the report.  Every displayed figure rounds half away from zero. */
#include "sdc.h"

#include "lleval/sdc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The report's rules (lleval/sdc.h) with the pooled report's parameters. */
static ll_sdc rules(const ll_pool_sdc *s)
{
    return (ll_sdc){s->min_cell, s->rounding, s->min_n};
}

int pl_small(long x, const ll_pool_sdc *s)
{
    ll_sdc r = rules(s);
    return ll_sdc_small(&r, x);
}

void pl_fmt_count(char *buf, size_t size, long n, const ll_pool_sdc *s)
{
    if (n < 0)
        snprintf(buf, size, "&ndash;");
    else if (pl_small(n, s))
        snprintf(buf, size, "c");
    else
        snprintf(buf, size, "%ld", ll_sdc_round_count(n, s->rounding));
}

void pl_fmt_pct(char *buf, size_t size, long x, long n, const ll_pool_sdc *s)
{
    ll_sdc r = rules(s);
    double p[3];
    if (n <= 0 || x < 0)
        snprintf(buf, size, "&ndash;");
    else if (!ll_sdc_proportion_ok(&r, x, n))
        snprintf(buf, size, "c");
    else if (ll_sdc_published_proportion(p, &r, x, n) != 0)
        snprintf(buf, size, "&ndash;");
    else
        snprintf(buf, size, "%s%%", ll_sdc_percent((char[16]){0}, 16, p[0]));
}

int pl_table_shown(long xt, long nt, long xc, long nc, const ll_pool_sdc *s)
{
    return !(pl_small(xt, s) || pl_small(nt - xt, s) || pl_small(xc, s) || pl_small(nc - xc, s));
}

/* Rounds half away from zero to `digits` decimals, printed with them. */
static void fixed(char *buf, size_t size, double v, int digits)
{
    double m = pow(10, digits), r = round(v * m) / m;
    if (r == 0)
        r = 0; /* no "-0.00" */
    snprintf(buf, size, "%.*f", digits, r);
    /* a true minus sign */
    if (buf[0] == '-' && size > strlen(buf) + 7) {
        memmove(buf + 7, buf + 1, strlen(buf));
        memcpy(buf, "&minus;", 7);
    }
}

void pl_fmt_safe(char *buf, size_t size, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "&ndash;");
        return;
    }
    if (fabs(v) < 100) {
        fixed(buf, size, v, 2);
        return;
    }
    /* 3 significant figures */
    double scale = pow(10, floor(log10(fabs(v))) - 2);
    fixed(buf, size, round(v / scale) * scale, 0);
}

void pl_fmt_money(char *buf, size_t size, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "&ndash;");
        return;
    }
    double a = fabs(v);
    const char *sign = v < 0 ? "&minus;" : "";
    if (a == 0) {
        snprintf(buf, size, "&pound;0");
        return;
    }
    double scale = pow(10, floor(log10(a)) - 1);
    double r = round(a / scale) * scale; /* 2 significant figures */
    if (r >= 1e6) {
        snprintf(buf, size, "%s&pound;%.*fm", sign, r >= 1e7 ? 0 : 1, r / 1e6);
        return;
    }
    long w = (long)llround(r);
    if (w >= 1000)
        snprintf(buf, size, "%s&pound;%ld,%03ld", sign, w / 1000, w % 1000);
    else if (r >= 1)
        snprintf(buf, size, "%s&pound;%ld", sign, w);
    else
        snprintf(buf, size, "%s&pound;%.2g", sign, r);
}
