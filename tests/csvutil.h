/* The one CSV helper of the test programs: splits a line into its fields
 * in place, RFC 4180 quotes understood (a quoted field may hold commas and
 * doubled quotes; not line breaks: lines come from strtok or fgets). */
#ifndef LLEVAL_TEST_CSVUTIL_H
#define LLEVAL_TEST_CSVUTIL_H

#include <string.h>

/* Splits line (modified: separators and quotes removed, a trailing CR or
 * LF dropped) into at most max fields f[]; returns how many.  A line with
 * more fields keeps the rest in its last one. */
__attribute__((unused)) static int tu_csv_fields(char *line, char **f, int max)
{
    char *nl = strpbrk(line, "\r\n");
    if (nl)
        *nl = '\0';
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        f[n++] = p;
        int quoted = *p == '"';
        if (quoted)
            p++;
        for (;;) {
            if (quoted && *p == '"' && p[1] == '"') {
                *out++ = '"';
                p += 2;
            } else if (quoted && *p == '"') {
                quoted = 0;
                p++;
            } else if (*p == '\0' || (!quoted && *p == ',')) {
                break;
            } else {
                *out++ = *p++;
            }
        }
        if (*p == '\0' || n == max) {
            *out = '\0';
            break;
        }
        *out = '\0';
        p++;
    }
    return n;
}

#endif
