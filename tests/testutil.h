/* Shared helpers for the Check test programs: tolerant comparisons and a
 * standard main.  Each test program defines `Suite *make_suite(void)`. */
#ifndef LLEVAL_TESTUTIL_H
#define LLEVAL_TESTUTIL_H

#include <check.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* |got - want| <= rel * max(|want|, tiny): relative agreement to `rel`. */
#define ck_assert_rel(got, want, rel)                                          \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        double s_ = fabs(w_) > 1e-300 ? fabs(w_) : 1e-300;                     \
        ck_assert_msg(fabs(g_ - w_) <= (rel) * s_,                             \
                      "%s = %.17g, want %.17g (rel %.3g)", #got, g_, w_,       \
                      fabs(g_ - w_) / s_);                                     \
    } while (0)

/* Absolute agreement, for p-values near 0. */
#define ck_assert_abs(got, want, tol)                                          \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        ck_assert_msg(fabs(g_ - w_) <= (tol), "%s = %.17g, want %.17g",       \
                      #got, g_, w_);                                           \
    } while (0)

/* The lleval program of the same build as the running test (build/ or
 * build-asan/), so that the sanitizer suite runs the sanitized binary. */
__attribute__((unused, noinline)) static const char *tu_lleval_path(void)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 16);
    if (n <= 0)
        return "./build/lleval";
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash)
        return "./build/lleval";
    strcpy(slash, "/lleval");
    return path;
}

/* A number cell of a CSV file; NAN for an empty one (NA). */
static inline double tu_num(const char *s)
{
    return *s ? strtod(s, NULL) : NAN;
}

Suite *make_suite(void);

#ifndef LL_TEST_NO_MAIN
int main(void)
{
    gsl_set_error_handler_off();
    SRunner *sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
#endif

#endif
