/* Running gnuplot as an external program, shared by the three reports that
 * draw charts (the evaluation report, the pooled report, the area report):
 * finding it on PATH, running one script with no shell, and the SVG
 * attributes whose ids a page must make unique. */
#ifndef LLEVAL_GNUPLOT_H
#define LLEVAL_GNUPLOT_H

#include <stddef.h>

#include "lleval/error.h"

/* The full path of the program name on PATH (name itself when it holds a
 * slash and is executable) into *out, malloc'ed (caller frees); *out NULL
 * when name is NULL, empty or not found, which is not an error.  LL_ENOMEM
 * when out of memory. */
int ll_gnuplot_find(char **out, const char *name);

/* Runs `prog script` in folder dir with no shell: stdin from /dev/null,
 * stdout and stderr appended to dir/gnuplot.log.  LL_OK when it exits with
 * status 0; LL_EIO (with a message in err, which may be NULL) when it
 * cannot be started or fails. */
int ll_gnuplot_run(const char *prog, const char *dir, const char *script, ll_error *err);

/* ll_gnuplot_run in two halves, so that several charts can be drawn at
 * once: start runs `prog script` in dir with stdout and stderr appended to
 * dir/log (log NULL: gnuplot.log) and returns at once, *out the child
 * (LL_OK, or LL_EIO when it cannot be started); wait waits for that child,
 * with ll_gnuplot_run's result.  Every started child must be waited for. */
int ll_gnuplot_start(long *out, const char *prog, const char *dir, const char *script,
                     const char *log, ll_error *err);
int ll_gnuplot_wait(long pid, const char *prog, const char *dir, const char *script,
                    ll_error *err);

/* The length of the SVG id or id reference opening at p (id='  id="
 * href='#  href="#  url(#), after which a page inlining several SVGs puts a
 * prefix; 0 when none opens there. */
size_t ll_gnuplot_svg_id(const char *p);

/* When an id or reference opens at *p: copies it to out followed by
 * "name-", moves *p past it and returns the bytes written (out needs
 * strlen(name) + 9); 0, with nothing written, otherwise. */
size_t ll_gnuplot_svg_prefix(char *out, const char **p, const char *name);

#endif
