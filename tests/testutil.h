/* Shared helpers for the Check test programs: tolerant comparisons and a
 * standard main.  Each test program defines `Suite *make_suite(void)`
 * (TU_MAKE_SUITE where its tests form one test case). */
#ifndef LLEVAL_TESTUTIL_H
#define LLEVAL_TESTUTIL_H

#include <check.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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

/* The whole file, NUL-terminated (caller frees), its length in *len (may
 * be NULL; 0 on failure); NULL when it cannot be opened. */
__attribute__((unused)) static char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (len)
        *len = 0;
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    ck_assert_ptr_nonnull(buf);
    for (size_t k; (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* tu_read of a file that must exist. */
__attribute__((unused)) static char *tu_slurp(const char *path, size_t *len)
{
    char *s = tu_read(path, len);
    ck_assert_msg(s != NULL, "cannot open %s", path);
    return s;
}

/* Asserts that the file at path holds each string of the NULL-terminated
 * list after it (the failure names the file and the missing string). */
__attribute__((unused, sentinel)) static void tu_assert_file_has(const char *path, ...)
{
    char *text = tu_slurp(path, NULL);
    va_list ap;
    va_start(ap, path);
    for (const char *want; (want = va_arg(ap, const char *)) != NULL;)
        ck_assert_msg(strstr(text, want) != NULL, "%s has no \"%s\"", path, want);
    va_end(ap);
    free(text);
}

/* Removes a folder and everything in it. */
__attribute__((unused)) static void tu_remove_tree(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* A number cell of a CSV file; NAN for an empty one (NA). */
static inline double tu_num(const char *s)
{
    return *s ? strtod(s, NULL) : NAN;
}

/* Says that (part of) the check `name` could not run, and why: a line
 * "SKIP name: why" on stdout, which scripts/run-tests.sh counts, so that a
 * check that could not run is never counted as passed. */
__attribute__((unused, format(printf, 2, 3))) static void tu_skip(const char *name,
                                                                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("SKIP %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

/* Adds to s the test case name with the tests of the NULL-terminated list
 * and a timeout in seconds (0: Check's default); returns it (for a
 * fixture). */
__attribute__((unused)) static TCase *tu_tcase(Suite *s, const char *name,
                                               const TTest *const *tests, double timeout)
{
    TCase *tc = tcase_create(name);
    if (timeout > 0)
        tcase_set_timeout(tc, timeout);
    for (size_t k = 0; tests[k] != NULL; k++)
        tcase_add_test(tc, tests[k]);
    suite_add_tcase(s, tc);
    return tc;
}

/* Adds to tc each test of the NULL-terminated list as a loop test run n
 * times, for _i = 0 .. n - 1. */
__attribute__((unused)) static void tu_add_loop_tests(TCase *tc, const TTest *const *tests, int n)
{
    for (size_t k = 0; tests[k] != NULL; k++)
        tcase_add_loop_test(tc, tests[k], 0, n);
}

/* A suite of one test case of the same name. */
__attribute__((unused)) static Suite *tu_suite(const char *name, const TTest *const *tests,
                                               double timeout)
{
    Suite *s = suite_create(name);
    tu_tcase(s, name, tests, timeout);
    return s;
}

/* One test case of a suite: its name, timeout (0: Check's default) and
 * NULL-terminated tests. */
struct tu_case {
    const char *name;
    double timeout;
    const TTest *const *tests;
};

/* A suite of the n test cases. */
__attribute__((unused)) static Suite *tu_suite_of(const char *name, const struct tu_case *cases,
                                                  size_t n)
{
    Suite *s = suite_create(name);
    for (size_t k = 0; k < n; k++)
        tu_tcase(s, cases[k].name, cases[k].tests, cases[k].timeout);
    return s;
}

Suite *make_suite(void);

/* make_suite of a program whose tests form one test case: the suite name,
 * the timeout (0: Check's default), then the tests. */
#define TU_MAKE_SUITE(name, timeout, ...)                                      \
    Suite *make_suite(void)                                                    \
    {                                                                          \
        const TTest *const tests_[] = {__VA_ARGS__, NULL};                     \
        return tu_suite(name, tests_, timeout);                                \
    }

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
