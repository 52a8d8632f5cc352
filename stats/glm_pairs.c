/* The sparse copy of a row source's pairs of rows, and the IRLS pass over
 * it on two threads (see irls.h).  Matching's propensity model has
 * 1.7 million rows at national scale, mostly one-hot zeros: the copy keeps
 * only the columns not zero in a pair, and each pass is split so that
 * every sum is still formed by one thread in the order of the one-thread
 * pass (bit-identical fits, as matching prints ps_logit in full):
 *   1. rows: eta, weight, working response and deviance term per row, the
 *      rows halved between the threads (no sum);
 *   2. the deviance summed over the rows in order, on one thread;
 *   3. X'WX and X'Wz: each thread takes all the pairs but only its own
 *      rows of X'WX (split so both have about half the element updates),
 *      summing into its own arrays (shared ones would put both threads'
 *      elements on the same cache lines, which made the pass slower than
 *      one thread's). */
#include "irls.h"

#include "lleval/hugemem.h"
#include "lleval/parallel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One thread's share of a step. */
typedef struct half {
    ll_glm_pairs *c;
    glm_work *g;
    const double *beta;
    size_t lo, hi;   /* rows of the design (copy and step 1) */
    size_t alo, ahi; /* rows of X'WX (step 3) */
    double *A, *b;   /* p x p and p: this half's sums of step 3 */
    double *rowbuf;  /* LL_GLM_BLOCK x p, for the row source */
    size_t *work;    /* p: element updates per row of X'WX, for the split */
    int boundary;
    int rc;
    ll_error err;
} half;

struct ll_glm_pairs {
    size_t *off;     /* per pair: its first entry */
    uint16_t *cnt;   /* per pair: its entries */
    uint16_t *idx;   /* per entry: the column */
    double *v0, *v1; /* per entry: the pair's first and second row's value */
    double *w, *z, *d; /* per row: weight, working response, deviance term */
    half h[2];
};

/* The copy of rows [lo, hi) (lo a multiple of the block), from entry
 * lo / 2 * p on: each half writes its own stretch of the entries, sized
 * for every column of every pair (only the pages written are ever made
 * resident), so the halves need not count first. */
static void *copy_step(void *arg)
{
    half *h = arg;
    glm_work *g = h->g;
    ll_glm_pairs *c = h->c;
    size_t p = g->p, e = h->lo / 2 * p;
    const double *X = NULL;
    for (size_t i = h->lo; i < h->hi; i++) {
        if (i % LL_GLM_BLOCK == 0) {
            size_t len = g->n - i < LL_GLM_BLOCK ? g->n - i : LL_GLM_BLOCK;
            X = g->rows(g->rows_ctx, i, len, h->rowbuf) - i * p;
        }
        if ((h->rc = ll_glm_check_row(g->y, X + i * p, i, p, &h->err)) != 0)
            return NULL;
        if (i % 2 == 0 && i + 1 < g->n)
            continue;
        const double *x0 = X + (i - i % 2) * p, *x1 = i % 2 ? x0 + p : x0;
        size_t m = ll_glm_pair_columns(p, x0, x1, c->idx + e, c->v0 + e, c->v1 + e);
        c->off[i / 2] = e;
        c->cnt[i / 2] = (uint16_t)m;
        for (size_t k = 0; k < m; k++)
            h->work[c->idx[e + k]] += m - k;
        e += m;
    }
    return NULL;
}

/* Step 1 over rows [lo, hi). */
static void *rows_step(void *arg)
{
    half *h = arg;
    glm_work *g = h->g;
    ll_glm_pairs *c = h->c;
    h->boundary = 0;
    for (size_t i = h->lo; i < h->hi; i++) {
        size_t o = c->off[i / 2], m = c->cnt[i / 2];
        const double *u = (i % 2 ? c->v1 : c->v0) + o;
        double eta = ll_glm_row_eta(g->y, i, u, c->idx + o, m, h->beta), mu;
        g->eta[i] = eta;
        ll_glm_logit_row(eta, g->y[i], &mu, &c->w[i], &c->z[i], &c->d[i]);
        h->boundary |= ll_glm_at_boundary(mu);
    }
    return NULL;
}

/* Step 3: rows [alo, ahi) of X'WX and elements of X'Wz, over every pair. */
static void *cross_step(void *arg)
{
    half *h = arg;
    glm_work *g = h->g;
    ll_glm_pairs *c = h->c;
    size_t n = g->n, p = g->p;
    memset(h->A, 0, p * p * sizeof *h->A);
    memset(h->b, 0, p * sizeof *h->b);
    for (size_t i = 0; i < n; i += 2) {
        int two = i + 1 < n;
        size_t o = c->off[i / 2];
        double w[2] = {c->w[i], two ? c->w[i + 1] : 0.0};
        double z[2] = {c->z[i], two ? c->z[i + 1] : 0.0};
        ll_glm_cross_add(h->A, h->b, p, c->idx + o, c->cnt[i / 2], c->v0 + o, c->v1 + o, w, z,
                         h->alo, h->ahi);
    }
    memcpy(g->A + h->alo * p, h->A + h->alo * p, (h->ahi - h->alo) * p * sizeof *h->A);
    memcpy(g->b + h->alo, h->b + h->alo, (h->ahi - h->alo) * sizeof *h->b);
    return NULL;
}

void ll_glm_pairs_pass(ll_glm_pairs *c, glm_work *g, const double *beta)
{
    size_t n = g->n, p = g->p;
    for (int t = 0; t < 2; t++)
        c->h[t].beta = beta;
    ll_parallel_two(rows_step, &c->h[0], &c->h[1]);
    double dev = 0.0;
    for (size_t i = 0; i < n; i++)
        dev += c->d[i];
    g->dev = dev;
    g->boundary = c->h[0].boundary || c->h[1].boundary;
    ll_parallel_two(cross_step, &c->h[0], &c->h[1]);
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++)
            g->A[j * p + k] = g->A[k * p + j];
}

void ll_glm_pairs_free(ll_glm_pairs *c)
{
    if (c == NULL)
        return;
    free(c->off);
    free(c->cnt);
    free(c->idx);
    free(c->v0);
    free(c->v1);
    free(c->w);
    free(c->z);
    free(c->d);
    for (int t = 0; t < 2; t++) {
        free(c->h[t].A);
        free(c->h[t].rowbuf);
        free(c->h[t].work);
    }
    free(c);
}

/* The copy's arrays, the entries sized for every column of every pair;
 * NULL when memory is short. */
static ll_glm_pairs *pairs_alloc(size_t n, size_t p)
{
    size_t npairs = (n + 1) / 2;
    if (npairs > SIZE_MAX / sizeof(double) / p / 2)
        return NULL; /* the entries' size would overflow */
    size_t cap = npairs * p + 1;
    ll_glm_pairs *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->off = malloc(npairs * sizeof *c->off);
    c->cnt = malloc(npairs * sizeof *c->cnt);
    c->idx = ll_huge_alloc(cap * sizeof *c->idx);
    c->v0 = ll_huge_alloc(cap * sizeof *c->v0);
    c->v1 = ll_huge_alloc(cap * sizeof *c->v1);
    c->w = ll_huge_alloc(n * sizeof *c->w);
    c->z = ll_huge_alloc(n * sizeof *c->z);
    c->d = ll_huge_alloc(n * sizeof *c->d);
    int ok = c->off && c->cnt && c->idx && c->v0 && c->v1 && c->w && c->z && c->d;
    for (int t = 0; t < 2; t++) {
        c->h[t].A = calloc(p * p + p, sizeof *c->h[t].A);
        c->h[t].rowbuf = malloc(LL_GLM_BLOCK * p * sizeof *c->h[t].rowbuf);
        c->h[t].work = calloc(p, sizeof *c->h[t].work);
        ok = ok && c->h[t].A && c->h[t].rowbuf && c->h[t].work;
        c->h[t].b = c->h[t].A ? c->h[t].A + p * p : NULL;
    }
    if (!ok) {
        ll_glm_pairs_free(c);
        return NULL;
    }
    return c;
}

/* The first row of X'WX of the second thread: about half the element
 * updates of a pass on each side. */
static size_t split_row(const ll_glm_pairs *c, size_t p)
{
    size_t total = 0, acc = 0, j = 0;
    for (size_t k = 0; k < p; k++)
        total += c->h[0].work[k] + c->h[1].work[k];
    while (j < p && 2 * (acc + c->h[0].work[j] + c->h[1].work[j]) <= total) {
        acc += c->h[0].work[j] + c->h[1].work[j];
        j++;
    }
    return j > 0 ? j : 1;
}

int ll_glm_pairs_new(ll_glm_pairs **out, int *out_checked, glm_work *g, ll_error *err)
{
    size_t n = g->n, p = g->p;
    *out = NULL;
    *out_checked = 0;
    ll_glm_pairs *c = pairs_alloc(n, p);
    if (c == NULL)
        return 0; /* the passes read the rows instead */
    /* rows [0, mid) and [mid, n): mid a multiple of the block (even) */
    size_t mid = (n / 2) / LL_GLM_BLOCK * LL_GLM_BLOCK;
    for (int t = 0; t < 2; t++) {
        half *h = &c->h[t];
        h->c = c;
        h->g = g;
        h->lo = t ? mid : 0;
        h->hi = t ? n : mid;
    }
    ll_parallel_two(copy_step, &c->h[0], &c->h[1]);
    *out_checked = 1;
    for (int t = 0; t < 2; t++)
        if (c->h[t].rc != 0) {
            int rc = ll_error_set(err, c->h[t].rc, "%s", c->h[t].err.msg);
            ll_glm_pairs_free(c);
            return rc;
        }
    size_t entries = 0;
    for (size_t q = 0; q < (n + 1) / 2; q++)
        entries += c->cnt[q];
    if (entries * (sizeof *c->idx + 2 * sizeof *c->v0) > n * p * sizeof(double)) {
        ll_glm_pairs_free(c); /* denser than the matrix: read the rows */
        return 0;
    }
    size_t split = split_row(c, p);
    c->h[0].alo = 0;
    c->h[0].ahi = c->h[1].alo = split;
    c->h[1].ahi = p;
    *out = c;
    return 0;
}
