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

int ll_date_parse(long *out, const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    size_t len = strlen(s);
    if (len != 10)
        return LL_EINPUT;
    if (s[2] == '/' && s[5] == '/') {
        if (digits(s, 2, &d) || digits(s + 3, 2, &m) || digits(s + 6, 4, &y))
            return LL_EINPUT;
    } else if (s[4] == '-' && s[7] == '-') {
        if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
            return LL_EINPUT;
    } else {
        return LL_EINPUT;
    }
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
        return LL_EINPUT;
    int dim = mdays[m - 1] + (m == 2 && ll_date_is_leap(y));
    if (d > dim)
        return LL_EINPUT;
    *out = ll_date_from_ymd(y, m, d);
    return LL_OK;
}

void ll_date_format(char *buf, size_t size, long day)
{
    int y, m, d;
    ll_date_to_ymd(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}
