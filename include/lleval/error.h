/* Status codes and the error context shared by every lleval module.
 *
 * Functions return an int status: 0 (LL_OK) on success, a negative LL_E*
 * code on failure.  A readable message goes into a caller-owned ll_error,
 * so that messages never live in global state (compare sqlite3_errmsg). */
#ifndef LLEVAL_ERROR_H
#define LLEVAL_ERROR_H

#include <stddef.h>

#define LL_OK 0
#define LL_EINPUT -1    /* bad input or usage: the user can fix it (exit 1) */
#define LL_ENOMEM -2    /* out of memory (exit 2) */
#define LL_EIO -3       /* file-system failure (exit 2, or 1 for a missing input file) */
#define LL_EDB -4       /* SQLite failure (exit 2) */
#define LL_EINTERNAL -5 /* a bug or an unexpected library status (exit 2) */
#define LL_EDOM -6      /* not computable for these data (degenerate input) */
#define LL_ENOCONV -7   /* an iterative method did not converge */
#define LL_ESEPARATION -8 /* logistic regression: complete or quasi separation */
#define LL_ESINGULAR -9 /* singular fit (aliased column, singular mixed model) */

#define LL_ERROR_MSG_MAX 1024

/* A message buffer owned by the caller.  `code` repeats the last status. */
typedef struct ll_error {
    int code;
    char msg[LL_ERROR_MSG_MAX];
} ll_error;

/* Records code and a printf-style message in err (which may be NULL) and
 * returns code, so that `return ll_error_set(err, LL_EINPUT, ...)` reads
 * naturally.  Never fails. */
int ll_error_set(ll_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clears err (NULL is a no-op). */
void ll_error_clear(ll_error *err);

/* A short constant English name for a status code ("bad input", ...). */
const char *ll_error_name(int code);

/* Converts a GSL status (GSL_SUCCESS, GSL_EDOM, GSL_EMAXITER, ...) to an
 * LL_E* code.  lleval switches GSL's abort handler off at start-up
 * (gsl_set_error_handler_off) and checks every status instead. */
int ll_error_from_gsl(int gsl_status);

#endif
