/* The error context: formatted messages in caller-owned buffers. */
#include "lleval/error.h"

#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ll_error_set(ll_error *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

void ll_error_clear(ll_error *err)
{
    if (err == NULL)
        return;
    err->code = LL_OK;
    err->msg[0] = '\0';
}

const char *ll_error_name(int code)
{
    switch (code) {
    case LL_OK: return "ok";
    case LL_EINPUT: return "bad input";
    case LL_ENOMEM: return "out of memory";
    case LL_EIO: return "input/output error";
    case LL_EDB: return "database error";
    case LL_EINTERNAL: return "internal error";
    case LL_EDOM: return "not computable";
    case LL_ENOCONV: return "did not converge";
    case LL_ESEPARATION: return "separation";
    case LL_ESINGULAR: return "singular";
    default: return "unknown error";
    }
}

int ll_error_from_gsl(int gsl_status)
{
    switch (gsl_status) {
    case GSL_SUCCESS: return LL_OK;
    case GSL_ENOMEM: return LL_ENOMEM;
    case GSL_EDOM:
    case GSL_ERANGE:
    case GSL_EINVAL:
    case GSL_EZERODIV: return LL_EDOM;
    case GSL_EMAXITER:
    case GSL_ENOPROG:
    case GSL_ETOL: return LL_ENOCONV;
    case GSL_ESING: return LL_ESINGULAR;
    default: return LL_EINTERNAL;
    }
}
