/* Tests of the core helpers: day numbers and date parsing. */
#include "testutil.h"

#include "lleval/block.h"
#include "lleval/date.h"
#include "lleval/error.h"
#include "lleval/parallel.h"

#include <pthread.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(epoch_and_known_days)
{
    /* as.numeric(as.Date("2024-03-31")) in R is 19813 */
    ck_assert_int_eq(ll_date_from_ymd(1970, 1, 1), 0);
    ck_assert_int_eq(ll_date_from_ymd(2024, 3, 31), 19813);
    ck_assert_int_eq(ll_date_from_ymd(1900, 1, 1), -25567);
    int y, m, d;
    ll_date_to_ymd(19813, &y, &m, &d);
    ck_assert_int_eq(y, 2024);
    ck_assert_int_eq(m, 3);
    ck_assert_int_eq(d, 31);
}
END_TEST

START_TEST(round_trip_every_day)
{
    for (long z = -30000; z < 60000; z++) {
        int y, m, d;
        ll_date_to_ymd(z, &y, &m, &d);
        ck_assert_int_eq(ll_date_from_ymd(y, m, d), z);
    }
}
END_TEST

START_TEST(parse_both_forms)
{
    long a, b;
    ck_assert_int_eq(ll_date_parse(&a, "29/02/2020"), 0);
    ck_assert_int_eq(ll_date_parse(&b, "2020-02-29"), 0);
    ck_assert_int_eq(a, b);
    char buf[16];
    ll_date_format(buf, sizeof buf, a);
    ck_assert_str_eq(buf, "2020-02-29");
}
END_TEST

START_TEST(parse_rejects_bad)
{
    long a;
    const char *bad[] = {"31/02/2020", "29/02/2019", "", "2020-13-01", "1/1/20",
                         "2020/01/01", "00/01/2020", "01-01-2020", "2020-01-0x",
                         "01/01/1899", " 01/01/2020", "001/1/2020", "1//2020",
                         "01/01/2020 00:00:01", "01/01/2020 12:00", "2020-01-01T00:00",
                         "2020-01-01 00:00:00Z", "01/01/2020 ", "01/01/20201",
                         "2020-01-01x", "1/13/2020"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(ll_date_parse(&a, bad[i]) == LL_EINPUT, "accepted '%s'", bad[i]);
}
END_TEST

/* SPEC 2 (issue 22): a one-digit day or month, as spreadsheets write it,
 * and exactly midnight after the date, as spreadsheets export it. */
START_TEST(parse_spreadsheet_forms)
{
    static const struct {
        const char *text;
        int y, m, d;
    } ok[] = {
        {"9/4/2019", 2019, 4, 9},           {"09/4/2019", 2019, 4, 9},
        {"9/04/2019", 2019, 4, 9},          {"31/12/2019", 2019, 12, 31},
        {"2019-04-01 00:00:00", 2019, 4, 1}, {"2019-04-01 00:00", 2019, 4, 1},
        {"2019-04-01T00:00:00", 2019, 4, 1}, {"1/4/2019 00:00", 2019, 4, 1},
        {"01/04/2019 00:00:00", 2019, 4, 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        long a;
        ck_assert_msg(ll_date_parse_ex(&a, ok[i].text) == LL_DATE_OK, "refused '%s'", ok[i].text);
        ck_assert_int_eq(a, ll_date_from_ymd(ok[i].y, ok[i].m, ok[i].d));
    }
    /* A real date outside the years accepted is told apart from a non-date. */
    long a;
    ck_assert_int_eq(ll_date_parse_ex(&a, "01/01/1850"), LL_DATE_RANGE);
    ck_assert_int_eq(ll_date_parse_ex(&a, "2101-01-01"), LL_DATE_RANGE);
    ck_assert_int_eq(ll_date_parse_ex(&a, "31/02/1850"), LL_DATE_BAD);
    ck_assert_int_eq(ll_date_parse_ex(&a, "2019-04-01 09:30:00"), LL_DATE_BAD);
}
END_TEST

START_TEST(error_messages)
{
    ll_error e;
    ll_error_clear(&e);
    ck_assert_int_eq(ll_error_set(&e, LL_EINPUT, "file %s line %d", "a.csv", 3), LL_EINPUT);
    ck_assert_str_eq(e.msg, "file a.csv line 3");
    ck_assert_int_eq(ll_error_set(NULL, LL_EDB, "x"), LL_EDB);
    ck_assert_int_eq(ll_error_from_gsl(GSL_EMAXITER), LL_ENOCONV);
}
END_TEST

/* A struct and its arrays in one block: every array zeroed, aligned,
 * apart from the others, and freed with the struct (ASan checks the
 * bounds and the leak). */
typedef struct blk {
    char tag;
    double *x;
    char *c;
    long *l;
} blk;

START_TEST(block_layout)
{
    const ll_block_part part[] = {LL_BLOCK_PART(blk, x, 3), LL_BLOCK_PART(blk, c, 5),
                                  LL_BLOCK_PART(blk, l, 0)};
    blk *b = ll_block_new(sizeof *b, part, 3);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->tag, 0);
    ck_assert((char *)b->x >= (char *)(b + 1));
    ck_assert((char *)b->c >= (char *)(b->x + 3));
    ck_assert((char *)b->l >= b->c + 5);
    ck_assert_uint_eq((uintptr_t)b->x % _Alignof(max_align_t), 0);
    ck_assert_uint_eq((uintptr_t)b->l % _Alignof(max_align_t), 0);
    for (int i = 0; i < 3; i++)
        ck_assert(b->x[i] == 0);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(b->c[i], 0);
    b->x[2] = 1;
    b->c[4] = 'z';
    free(b);
    /* arrays of a struct that lives elsewhere: the first array is the block */
    blk s = {0};
    void *block = ll_block_arrays(&s, part, 2);
    ck_assert_ptr_eq(block, s.x);
    ck_assert_ptr_null(s.l);
    s.c[4] = 'z';
    free(s.x);
    /* a size that overflows is refused */
    const ll_block_part huge[] = {LL_BLOCK_PART(blk, x, SIZE_MAX / 4)};
    ck_assert_ptr_null(ll_block_new(sizeof *b, huge, 1));
}
END_TEST

/* ll_parallel_two: each half done once, the second on a thread of its
 * own. */
typedef struct half_sum {
    const int *v;
    size_t lo, hi;
    long sum;
    int calls;
    pthread_t thread;
} half_sum;

static void *sum_half(void *p)
{
    half_sum *h = p;
    for (size_t i = h->lo; i < h->hi; i++)
        h->sum += h->v[i];
    h->calls++;
    h->thread = pthread_self();
    return NULL;
}

START_TEST(parallel_two_halves)
{
    int v[1000];
    for (int i = 0; i < 1000; i++)
        v[i] = i + 1;
    half_sum h[2] = {{v, 0, 400, 0, 0, 0}, {v, 400, 1000, 0, 0, 0}};
    ll_parallel_two(sum_half, &h[0], &h[1]);
    ck_assert_int_eq(h[0].sum, 400 * 401 / 2);
    ck_assert_int_eq(h[0].sum + h[1].sum, 1000 * 1001 / 2);
    ck_assert_int_eq(h[0].calls, 1);
    ck_assert_int_eq(h[1].calls, 1);
    ck_assert(pthread_equal(h[0].thread, pthread_self()));
    ck_assert(!pthread_equal(h[1].thread, pthread_self()));
}
END_TEST

TU_MAKE_SUITE("core", 0, epoch_and_known_days, round_trip_every_day, parse_both_forms,
              parse_rejects_bad, parse_spreadsheet_forms, error_messages, block_layout,
              parallel_two_halves)
