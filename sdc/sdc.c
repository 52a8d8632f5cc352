/* Disclosure control (SPEC 8) as pure functions: small counts withheld,
 * other counts rounded on their own (which replaces secondary suppression:
 * with every total rounded, no withheld count can be worked out by
 * subtraction), proportions and crude two-group figures withheld on small
 * cells, safe statistics on small groups, and the decimal rounding of every
 * displayed figure (half away from zero).  The statistics of published
 * counts (a Wilson interval, a binary SMD) are stats/'s, applied to the
 * rounded counts, so that report/ formats figures without computing any. */
#include "lleval/sdc.h"
#include "lleval/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ll_sdc ll_sdc_of(const ll_config *cfg)
{
    ll_sdc s = {5, 5, 10};
    if (cfg != NULL) {
        s.min_cell = cfg->report.min_cell;
        s.rounding = cfg->report.rounding;
        s.min_n = cfg->report.min_n;
    }
    return s;
}

int ll_sdc_small(const ll_sdc *s, long n)
{
    return n >= 1 && n <= s->min_cell;
}

long ll_sdc_round_count(long n, int base)
{
    if (base <= 1 || n <= 0)
        return n;
    /* nearest multiple, halves up: floor((2n + base) / 2base) * base */
    return (2 * n + base) / (2L * base) * base;
}

char *ll_sdc_count(char *buf, size_t size, const ll_sdc *s, long n)
{
    if (n < 0)
        snprintf(buf, size, "%s", "");
    else if (ll_sdc_small(s, n))
        snprintf(buf, size, "c");
    else
        snprintf(buf, size, "%ld", ll_sdc_round_count(n, s->rounding));
    return buf;
}

int ll_sdc_proportion_ok(const ll_sdc *s, long x, long n)
{
    return n > 0 && x >= 0 && x <= n && !ll_sdc_small(s, x) && !ll_sdc_small(s, n - x);
}

int ll_sdc_published_proportion(double out[3], const ll_sdc *s, long x, long n)
{
    long nr = ll_sdc_round_count(n, s->rounding), xr = ll_sdc_round_count(x, s->rounding);
    out[0] = out[1] = out[2] = NAN;
    if (nr <= 0 || x < 0)
        return -1;
    ll_stats_ci ci;
    if (ll_stats_wilson(&ci, xr > nr ? nr : xr, nr, 0.95, NULL) != 0)
        return -1;
    out[0] = ci.estimate;
    out[1] = ci.conf_low;
    out[2] = ci.conf_high;
    return 0;
}

/* The share x/n of the published counts; NAN when n rounds to 0 or x < 0. */
static double published_share(const ll_sdc *s, long x, long n)
{
    long nr = ll_sdc_round_count(n, s->rounding), xr = ll_sdc_round_count(x, s->rounding);
    if (nr <= 0 || x < 0)
        return NAN;
    return (double)(xr > nr ? nr : xr) / (double)nr;
}

double ll_sdc_published_smd(const ll_sdc *s, const long x[4], const long n[4])
{
    double sh[4];
    for (int k = 0; k < 4; k++)
        if (isnan(sh[k] = published_share(s, x[k], n[k])))
            return NAN; /* no counts to publish it from */
    return ll_stats_smd_binary(sh[2], sh[3], sh[0], sh[1]);
}

int ll_sdc_two_by_two_ok(const ll_sdc *s, long x_t, long n_t, long x_c, long n_c)
{
    long cell[4] = {x_t, n_t - x_t, x_c, n_c - x_c};
    for (int k = 0; k < 4; k++)
        if (cell[k] < 0 || ll_sdc_small(s, cell[k]))
            return 0;
    return n_t > 0;
}

int ll_sdc_safe_ok(const ll_sdc *s, const long *n, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (n[i] < s->min_n)
            return 0;
    return k > 0;
}

/* ---- decimal rounding -------------------------------------------------- */

double ll_sdc_round(double x, int dp)
{
    if (!isfinite(x) || x == 0)
        return x;
    char s[40];
    /* d.dddddddddddddde+XX: 15 significant digits */
    snprintf(s, sizeof s, "%.14e", fabs(x));
    char digits[16];
    digits[0] = s[0];
    memcpy(digits + 1, s + 2, 14);
    digits[15] = '\0';
    int e = atoi(strchr(s, 'e') + 1);
    int keep = e + 1 + dp; /* digits at or above 10^-dp */
    if (keep >= 15)
        return x;
    if (keep < 0)
        return 0.0;
    long long m = 0;
    for (int k = 0; k < keep; k++)
        m = m * 10 + (digits[k] - '0');
    if (digits[keep] >= '5')
        m++;
    char out[48];
    snprintf(out, sizeof out, "%s%llde%d", x < 0 ? "-" : "", m, -dp);
    double r = strtod(out, NULL);
    return r == 0 ? 0.0 : r;
}

double ll_sdc_round_sig(double x, int sig)
{
    if (!isfinite(x) || x == 0 || sig < 1)
        return x;
    char s[40];
    snprintf(s, sizeof s, "%.14e", fabs(x));
    int e = atoi(strchr(s, 'e') + 1);
    return ll_sdc_round(x, sig - 1 - e);
}

/* Writes x with dp decimals (dp <= 0: none), "0" rather than "-0". */
static char *fixed(char *buf, size_t size, double x, int dp)
{
    if (x == 0)
        x = 0.0; /* no negative zero */
    snprintf(buf, size, "%.*f", dp > 0 ? dp : 0, x);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
    return buf;
}

char *ll_sdc_decimal(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "%s", "");
    else if (isinf(x))
        snprintf(buf, size, "%s", x > 0 ? "Inf" : "-Inf");
    else if (fabs(ll_sdc_round(x, 2)) >= 100) {
        double r = ll_sdc_round_sig(x, 3);
        char s[40];
        snprintf(s, sizeof s, "%.14e", fabs(r));
        int e = atoi(strchr(s, 'e') + 1);
        fixed(buf, size, r, 2 - e);
    } else
        fixed(buf, size, ll_sdc_round(x, 2), 2);
    return buf;
}

char *ll_sdc_percent(char *buf, size_t size, double p)
{
    if (isnan(p)) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    return fixed(buf, size, ll_sdc_round(100 * p, 0), 0);
}

double ll_sdc_money_value(double x)
{
    return ll_sdc_round_sig(x, 2);
}

/* Digits of a whole number with thousands separators. */
static void grouped(char *out, size_t size, double v)
{
    char d[64];
    snprintf(d, sizeof d, "%.0f", v);
    size_t n = strlen(d), k = 0;
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = d[i];
    }
    out[k] = '\0';
}

char *ll_sdc_money(char *buf, size_t size, double x)
{
    if (isnan(x)) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    double r = ll_sdc_money_value(x), a = fabs(r);
    const char *sign = r < 0 ? "-" : "";
    char num[64];
    if (a >= 1e9)
        fixed(num, sizeof num, a / 1e9, a >= 1e10 ? 0 : 1), strcat(num, "bn");
    else if (a >= 1e6)
        fixed(num, sizeof num, a / 1e6, a >= 1e7 ? 0 : 1), strcat(num, "m");
    else if (a >= 10)
        grouped(num, sizeof num, a);
    else
        fixed(num, sizeof num, a, a == 0 ? 0 : 1 - (int)floor(log10(a)));
    snprintf(buf, size, "%s\xc2\xa3%s", sign, num);
    return buf;
}
