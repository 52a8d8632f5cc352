/* Drawing one forest plot with gnuplot and inlining its SVG. */
#ifndef LLEVAL_POOL_CHART_H
#define LLEVAL_POOL_CHART_H

#include "lleval/error.h"

#include <stdio.h>

/* Writes dir/NAME.dat (data) and dir/NAME.gp (script, which must write
 * NAME.svg), runs gnuplot (program name or path; NULL: "gnuplot") in dir
 * and returns the SVG text (malloc'ed, the caller frees it), or NULL when
 * gnuplot is missing or failed (said on log, may be NULL) with *rc LL_OK;
 * NULL with *rc LL_EIO / LL_ENOMEM and err set when the files cannot be
 * written. */
char *pl_chart_draw(const char *gnuplot, const char *dir, const char *name, const char *data,
                    const char *script, FILE *log, ll_error *err, int *rc);

/* Writes svg from its <svg element on, with every id and reference to one
 * prefixed by "name-" (several charts share the page). */
void pl_chart_inline(FILE *out, const char *svg, const char *name);

#endif
