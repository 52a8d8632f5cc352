/* Day-number arithmetic (H. Hinnant's civil-from-days algorithms), exact for
 * every Gregorian date, so that intervals are plain integer differences. */
#include "lleval/date.h"

#include "lleval/error.h"

#include <stdio.h>
#include <string.h>

long ll_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ll_date_to_ymd(long z, int *yp, int *mp, int *dp)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp0 = (5 * doy + 2) / 153;
    long d = doy - (153 * mp0 + 2) / 5 + 1;
    long m = mp0 < 10 ? mp0 + 3 : mp0 - 9;
    if (yp) *yp = (int)(y + (m <= 2));
    if (mp) *mp = (int)m;
    if (dp) *dp = (int)d;
}

int ll_date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Length of the accepted time-of-day suffix at t (exactly midnight, as
 * spreadsheets append to dates), or 0 when t is empty; -1 otherwise. */
static int midnight_suffix(const char *t)
{
    static const char *const ok[] = {" 00:00", " 00:00:00", "T00:00:00"};
    if (*t == '\0')
        return 0;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(t, ok[i]) == 0)
            return (int)strlen(ok[i]);
    return -1;
}

/* A run of 1 or 2 digits at s ending at stop; returns its length or -1. */
static int short_number(const char *s, char stop, int *out)
{
    int n = 0;
    while (n < 2 && s[n] >= '0' && s[n] <= '9')
        n++;
    if (n == 0 || s[n] != stop || digits(s, n, out))
        return -1;
    return n;
}

int ll_date_parse_ex(long *out, const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, n;
    const char *rest;
    if ((n = short_number(s, '/', &d)) > 0) {
        const char *p = s + n + 1;
        int k = short_number(p, '/', &m);
        if (k < 0 || digits(p + k + 1, 4, &y))
            return LL_DATE_BAD;
        rest = p + k + 5;
    } else if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
        if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
            return LL_DATE_BAD;
        rest = s + 10;
    } else {
        return LL_DATE_BAD;
    }
    if (midnight_suffix(rest) < 0 || m < 1 || m > 12 || d < 1)
        return LL_DATE_BAD;
    int dim = mdays[m - 1] + (m == 2 && ll_date_is_leap(y));
    if (d > dim)
        return LL_DATE_BAD;
    if (y < 1900 || y > 2100)
        return LL_DATE_RANGE;
    *out = ll_date_from_ymd(y, m, d);
    return LL_DATE_OK;
}

int ll_date_parse(long *out, const char *s)
{
    return ll_date_parse_ex(out, s) == LL_DATE_OK ? LL_OK : LL_EINPUT;
}

void ll_date_format(char *buf, size_t size, long day)
{
    int y, m, d;
    ll_date_to_ymd(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}
