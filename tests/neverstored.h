/* The never-stored columns in the tests (SPEC 2: UPN, postcodes, URN, ...
 * are read but never written): a growable list of strings, a file's values
 * split into never-stored and kept columns, and the probes to look for in
 * the database's bytes.  Needs ingest's internal.h (ll_ingest_never_stored)
 * and lleval/csvread.h included first. */
#ifndef LLEVAL_TEST_NEVERSTORED_H
#define LLEVAL_TEST_NEVERSTORED_H

#include "testutil.h"

typedef struct strs {
    char **v;
    size_t n, cap;
} strs;

/* Adds a copy of the n bytes at v. */
__attribute__((unused)) static void strs_add(strs *s, const char *v, size_t n)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        ck_assert_ptr_nonnull(s->v);
    }
    s->v[s->n] = strndup(v, n);
    ck_assert_ptr_nonnull(s->v[s->n]);
    s->n++;
}

__attribute__((unused)) static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* strcmp for qsort and bsearch of a strs. */
__attribute__((unused)) static int strs_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the non-empty values of path's never-stored columns to never and
 * the others to other. */
__attribute__((unused)) static void split_file(const char *path, strs *never, strs *other)
{
    size_t n;
    char *buf = tu_read(path, &n);
    ll_csvread *r;
    ll_csv_row row;
    ll_error err;
    unsigned char is_never[64] = {0};
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    ck_assert_int_eq(ll_csvread_new(&r, buf, n, &err), 0);
    ck_assert_int_eq(ll_csvread_next(r, &row, &err), 1);
    for (size_t i = 0; i < row.nkept && i < 64; i++)
        is_never[i] = (unsigned char)ll_ingest_never_stored(row.field[i]);
    while (ll_csvread_next(r, &row, &err) == 1)
        for (size_t i = 0; i < row.nkept && i < 64; i++)
            if (row.len[i] > 0)
                strs_add(is_never[i] ? never : other, row.field[i], row.len[i]);
    ll_csvread_free(r);
    free(buf);
}

/* The values of never (of 5 to 16 bytes) that are in no other column,
 * sorted: values that also occur in a kept column (a date, an ID) prove
 * nothing.  Sorts other. */
__attribute__((unused)) static void probes_of(strs *probe, strs *never, strs *other)
{
    qsort(other->v, other->n, sizeof *other->v, strs_cmp);
    for (size_t i = 0; i < never->n; i++) {
        char *key = never->v[i];
        size_t len = strlen(key);
        if (len >= 5 && len <= 16 &&
            bsearch(&key, other->v, other->n, sizeof *other->v, strs_cmp) == NULL)
            strs_add(probe, key, len);
    }
    qsort(probe->v, probe->n, sizeof *probe->v, strs_cmp);
}

#endif
