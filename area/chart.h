/* gnuplot charts of the area report (area/chart.c). */
#ifndef LLEVAL_AREA_CHART_H
#define LLEVAL_AREA_CHART_H

#include "internal.h"

#include <stdio.h>

/* The program `name` on PATH (a name with a slash as it is), malloc'ed;
 * NULL when not found or name is NULL or "". */
char *ar_find_program(const char *name);

/* Writes dir/NAME.dat (data) and dir/NAME.gp (the SVG terminal settings,
 * then body) and, when gnuplot is not NULL, runs it; *svg gets the drawn
 * SVG for inlining (malloc'ed), or NULL when not drawn (a warning goes to
 * log).  Errors: LL_EIO, LL_ENOMEM. */
int ar_chart(char **svg, const char *dir, const char *gnuplot, const char *name,
             const char *data, const char *body, FILE *log, ll_error *err);

#endif
