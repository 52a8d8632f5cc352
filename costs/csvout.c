/* Writes the cost rows as secure/costs.csv: RFC 4180 quoting and numbers in
 * the shortest form that reads back to the same double, so that the same
 * inputs and seed give a byte-identical file. */
#include "lleval/costs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void format_number(char *buf, size_t cap, double x)
{
    if (!isfinite(x)) {
        buf[0] = '\0';
        return;
    }
    if (x == 0) { /* no "-0" */
        snprintf(buf, cap, "0");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e15) { /* 10000, not 1e+04 */
        snprintf(buf, cap, "%.0f", x);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

static int put_text(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return fputs(s, fp) < 0 ? -1 : 0;
    if (fputc('"', fp) == EOF)
        return -1;
    for (; *s != '\0'; s++) {
        if (*s == '"' && fputc('"', fp) == EOF)
            return -1;
        if (fputc(*s, fp) == EOF)
            return -1;
    }
    return fputc('"', fp) == EOF ? -1 : 0;
}

static int put_number(FILE *fp, double x)
{
    char buf[40];
    format_number(buf, sizeof buf, x);
    return fputs(buf, fp) < 0 ? -1 : 0;
}

static int put_row(FILE *fp, const ll_costs_row *w)
{
    int bad = 0;
    bad |= put_text(fp, w->component) | (fputc(',', fp) == EOF);
    bad |= put_text(fp, w->item) | (fputc(',', fp) == EOF);
    const double num[4] = {w->estimate, w->std_error, w->low, w->high};
    for (int k = 0; k < 4; k++)
        bad |= put_number(fp, num[k]) | (fputc(',', fp) == EOF);
    bad |= put_text(fp, w->unit) | (fputc(',', fp) == EOF);
    bad |= put_text(fp, w->price_year) | (fputc(',', fp) == EOF);
    bad |= put_text(fp, w->source) | (fputc(',', fp) == EOF);
    bad |= put_text(fp, w->note) | (fputc('\n', fp) == EOF);
    return bad ? -1 : 0;
}

int ll_costs_write_csv(FILE *fp, const ll_costs_result *r, ll_error *err)
{
    if (fputs("component,item,estimate,std.error,low,high,unit,price_year,"
              "source,note\n", fp) < 0)
        return ll_error_set(err, LL_EIO, "costs.csv: write failed");
    for (size_t i = 0; i < r->n_rows; i++)
        if (put_row(fp, &r->rows[i]) != 0)
            return ll_error_set(err, LL_EIO, "costs.csv: write failed");
    return LL_OK;
}
