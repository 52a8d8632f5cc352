/* CSV output conventions shared by every writer, and HTML text escaping. */
#include "lleval/format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ll_format_number(char *buf, size_t size, double x)
{
    if (isnan(x)) {
        snprintf(buf, size, "%s", "");
        return;
    }
    if (isinf(x)) { /* R writes and reads these spellings */
        snprintf(buf, size, "%s", x > 0 ? "Inf" : "-Inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

void ll_csv_put_numbers(FILE *f, const double *x, size_t n)
{
    char buf[40];
    for (size_t k = 0; k < n; k++) {
        ll_format_number(buf, sizeof buf, x[k]);
        fputc(',', f);
        fputs(buf, f);
    }
}

void ll_csv_put_fields(FILE *f, const char *const *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            fputc(',', f);
        ll_csv_put_field(f, s[k]);
    }
}

void ll_csv_put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    ll_put_escaped(f, s, '"', '"');
    fputc('"', f);
}

void ll_put_escaped(FILE *f, const char *s, char c, char esc)
{
    for (; *s; s++) {
        if (*s == c)
            fputc(esc, f);
        fputc(*s, f);
    }
}

void ll_html_put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}
