/* Risk-set propensity matching by month (SPEC section 5): candidate rows,
 * one logistic regression, a caliper on the logit, greedy nearest neighbour
 * in descending score order without replacement.  Every ordering is by a
 * stable key (child index = bytewise (la, child)), never by input order. */
#include "lleval/match.h"

#include "lleval/date.h"
#include "lleval/hugemem.h"
#include "lleval/parallel.h"
#include "lleval/statmodels.h"
#include "lleval/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One row of the propensity model: an eligible treated child at its index,
 * or a candidate child on the first day of a month.  64 bytes, not the
 * 232 of LL_MATCH_NCOV doubles: 200,000 children make 1.7 million rows,
 * and the model reads its doubles from the packed covariates as it goes. */
typedef struct prow {
    double eta;
    ll_cov_packed x;
    uint32_t child;
    uint32_t entry; /* cohort entry (treated rows) */
    uint32_t la;
    int32_t month;  /* first day of the month of the index / candidate row */
} prow;

/* The candidate rows a match keeps for balance (ll_match.candidates). */
struct ll_match_rows {
    prow *c;
    size_t n;
};

typedef struct mstate {
    const ll_derive_data *d;
    const ll_match_options *opt;
    prow *t, *c;      /* treated rows (by child), candidate rows (by month, child) */
    size_t nt, nc;
    long *months;     /* distinct months of eligible treated indexes, sorted */
    size_t nmonths;
    unsigned char *la_month; /* nmonths x n_las: la has a treated child that month */
    size_t n_las;
    size_t *crow_of_child; /* candidate row a used comparison child was matched on */
    size_t *trow_of_child; /* treated row of a treated child */
    ll_error *err;
} mstate;

static long month_start(long day)
{
    int y, m;
    ll_date_to_ymd(day, &y, &m, NULL);
    return ll_date_from_ymd(y, m, 1);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static size_t month_index(const mstate *s, long month)
{
    const long *p = bsearch(&month, s->months, s->nmonths, sizeof *p, cmp_long);
    return (size_t)(p - s->months);
}

/* Eligible treated entries of the cohort, with covariates at their index. */
static int treated_rows(mstate *s, const ll_cohort *co)
{
    s->t = calloc(co->n + 1, sizeof *s->t);
    s->months = calloc(co->n + 1, sizeof *s->months);
    if (s->t == NULL || s->months == NULL)
        return ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
    for (size_t e = 0; e < co->n; e++) {
        const ll_cohort_entry *en = &co->entries[e];
        ll_covariates cov;
        if (en->group != LL_GROUP_TREATED ||
            ll_derive_covariates(&cov, s->d, en->child, en->index_date) != LL_OK || !cov.eligible)
            continue;
        ll_child_info ci;
        ll_derive_child(&ci, s->d, en->child);
        prow *r = &s->t[s->nt++];
        r->child = (uint32_t)en->child;
        r->entry = (uint32_t)e;
        r->month = (int32_t)month_start(en->index_date);
        r->la = (uint32_t)ci.la_index;
        ll_match_cov_pack(&r->x, &cov);
        s->months[s->nmonths++] = r->month;
    }
    qsort(s->months, s->nmonths, sizeof *s->months, cmp_long);
    size_t k = 0;
    for (size_t i = 0; i < s->nmonths; i++)
        if (k == 0 || s->months[i] != s->months[k - 1])
            s->months[k++] = s->months[i];
    s->nmonths = k;
    s->n_las = ll_derive_n_las(s->d);
    s->la_month = calloc(s->nmonths * s->n_las + 1, 1);
    if (s->la_month == NULL)
        return ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
    for (size_t i = 0; i < s->nt; i++)
        s->la_month[month_index(s, s->t[i].month) * s->n_las + s->t[i].la] = 1;
    return LL_OK;
}

/* Index of the first month on or after day. */
static size_t first_month_from(const mstate *s, long day)
{
    size_t a = 0, b = s->nmonths;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (s->months[mid] < day)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

/* Calls visit(s, child, la, month index, ctx) for every month whose first
 * day one of child's episodes covers (the only days it can be looked
 * after: the kept episodes do not overlap), in month order, skipping the
 * las without a treated child that month when exact = la. */
typedef int (*month_fn)(mstate *s, size_t child, size_t la, size_t m, void *ctx);

static int child_months(mstate *s, size_t child, size_t la, int exact, month_fn visit, void *ctx)
{
    ll_child_info ci;
    ll_derive_child(&ci, s->d, child);
    for (size_t k = 0; k < ci.n_episodes; k++) {
        ll_episode_view ev;
        ll_derive_episode(&ev, s->d, child, k);
        for (size_t m = first_month_from(s, ev.decom); m < s->nmonths && s->months[m] < ev.end; m++) {
            if (exact && !s->la_month[m * s->n_las + la])
                continue;
            int rc = visit(s, child, la, m, ctx);
            if (rc != LL_OK)
                return rc;
        }
    }
    return LL_OK;
}

/* Rows are written month by month into slots counted beforehand. */
typedef struct slots {
    size_t *count, *fill;
} slots;

static int count_month(mstate *s, size_t child, size_t la, size_t m, void *ctx)
{
    (void)s, (void)child, (void)la;
    ((slots *)ctx)->count[m]++;
    return LL_OK;
}

static int fill_month(mstate *s, size_t child, size_t la, size_t m, void *ctx)
{
    slots *sl = ctx;
    ll_covariates cov;
    if (!ll_derive_candidate(&cov, s->d, child, s->months[m]))
        return LL_OK;
    prow *r = &s->c[sl->count[m] + sl->fill[m]++];
    r->child = (uint32_t)child;
    r->entry = 0;
    r->month = (int32_t)s->months[m];
    r->la = (uint32_t)la;
    ll_match_cov_pack(&r->x, &cov);
    return LL_OK;
}

/* The candidate rows of the children [lo, hi): half of them each, on two
 * threads (ll_derive_candidate only reads the derive data).  Each half
 * has its own slots in every month, the first half's before the second's,
 * so that closing them up gives the (month, child) order of one pass. */
typedef struct cand_part {
    mstate *s;
    const unsigned char *pool;
    size_t lo, hi, n;
    slots sl;
    ll_progress_fn progress; /* NULL but on the first half */
    void *user;
    int rc;
} cand_part;

static void *fill_part(void *p)
{
    cand_part *c = p;
    int exact = c->s->opt->exact_la;
    for (size_t i = c->lo; i < c->hi && c->rc == LL_OK; i++) {
        if (c->progress && i % 65536 == 0)
            c->progress(c->user, "matching: candidate rows", i, c->n);
        ll_child_info ci;
        ll_derive_child(&ci, c->s->d, i);
        if (c->pool[i])
            c->rc = child_months(c->s, i, ci.la_index, exact, fill_month, &c->sl);
    }
    return NULL;
}

/* Candidate rows per month, in (month, la, child) order (SPEC 5 step 1).
 * Each child is visited once, only in the months it is looked after; the
 * rows go to their month's slots in child order, then the slots are
 * closed up. */
static int candidate_rows(mstate *s, ll_progress_fn progress, void *user)
{
    size_t n = ll_derive_n_children(s->d), total = 0, nm = s->nmonths + 1;
    int exact = s->opt->exact_la, rc = LL_OK;
    cand_part part[2] = {{.s = s, .lo = 0, .hi = n / 2, .n = n, .progress = progress, .user = user},
                         {.s = s, .lo = n / 2, .hi = n, .n = n}};
    for (int h = 0; h < 2; h++)
        part[h].sl = (slots){calloc(nm, sizeof(size_t)), calloc(nm, sizeof(size_t))};
    unsigned char *pool = malloc(n + 1);
    if (!part[0].sl.count || !part[0].sl.fill || !part[1].sl.count || !part[1].sl.fill ||
        pool == NULL) {
        rc = ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
        goto done;
    }
    for (int h = 0; h < 2; h++) {
        part[h].pool = pool;
        for (size_t i = part[h].lo; i < part[h].hi && rc == LL_OK; i++) {
            ll_child_info ci;
            ll_derive_child(&ci, s->d, i);
            pool[i] = !ci.programme && !ci.short_breaks && ci.in_returns;
            if (pool[i])
                rc = child_months(s, i, ci.la_index, exact, count_month, &part[h].sl);
        }
    }
    for (size_t m = 0; m < s->nmonths; m++) /* counts become offsets */
        for (int h = 0; h < 2; h++) {
            size_t c = part[h].sl.count[m];
            part[h].sl.count[m] = total;
            total += c;
        }
    if (rc == LL_OK && (s->c = ll_huge_alloc((total + 1) * sizeof *s->c)) == NULL)
        rc = ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
    if (rc != LL_OK)
        goto done;
    ll_parallel_two(fill_part, &part[0], &part[1]);
    rc = part[0].rc != LL_OK ? part[0].rc : part[1].rc;
    if (progress && rc == LL_OK)
        progress(user, "matching: candidate rows", n, n);
    for (size_t m = 0; m < s->nmonths && rc == LL_OK; m++)
        for (int h = 0; h < 2; h++) {
            memmove(&s->c[s->nc], &s->c[part[h].sl.count[m]], part[h].sl.fill[m] * sizeof *s->c);
            s->nc += part[h].sl.fill[m];
        }
done:
    for (int h = 0; h < 2; h++) {
        free(part[h].sl.count);
        free(part[h].sl.fill);
    }
    free(pool);
    return rc;
}

static const prow *model_row(const mstate *s, size_t i)
{
    return i < s->nt ? &s->t[i] : &s->c[i - s->nt];
}

/* The design matrix of the propensity model, made a block of rows at a
 * time from the packed rows: the intercept, then the columns kept. */
typedef struct design {
    const mstate *s;
    const size_t *cols;
    size_t p; /* columns kept, intercept not counted */
} design;

static const double *design_rows(void *ctx, size_t first, size_t count, double *buf)
{
    const design *d = ctx;
    double x[LL_MATCH_NCOV];
    for (size_t i = 0; i < count; i++) {
        double *row = buf + i * (d->p + 1);
        ll_match_cov_unpack(x, &model_row(d->s, first + i)->x);
        row[0] = 1.0;
        for (size_t k = 0; k < d->p; k++)
            row[k + 1] = x[d->cols[k]];
    }
    return buf;
}

/* Fits the propensity model on treated then candidate rows, dropping the
 * columns constant over them, and stores each row's logit. */
static int fit_model(mstate *s, ll_match *out)
{
    size_t n = s->nt + s->nc, p = 0;
    size_t cols[LL_MATCH_NMODEL + 1];
    for (size_t j = 0; j < LL_MATCH_NCOV; j++) {
        if (ll_match_cov_reference(j))
            continue;
        double v0 = ll_match_cov_value(&s->t[0].x, j);
        int varies = 0;
        for (size_t i = 0; i < n && !varies; i++)
            varies = ll_match_cov_value(&model_row(s, i)->x, j) != v0;
        if (varies)
            cols[p++] = j;
    }
    double *y = malloc(n * sizeof *y);
    ll_glm *fit = NULL;
    int rc = LL_OK;
    if (y == NULL) {
        rc = ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = i < s->nt;
    design dm = {s, cols, p};
    int st = ll_glm_fit_rows(&fit, design_rows, &dm, n, p + 1, y, NULL, s->err);
    if (fit == NULL) {
        rc = st == LL_ENOMEM ? st : ll_error_set(s->err, LL_EDOM, "propensity model: %s", s->err ? s->err->msg : "");
        goto done;
    }
    out->glm_status = st;
    out->n_coef = p + 1;
    out->coef_name[0] = "(Intercept)";
    for (size_t k = 0; k <= p; k++) {
        out->coef[k] = fit->coef[k];
        if (k > 0)
            out->coef_name[k] = ll_match_cov_name(cols[k - 1]);
    }
    for (size_t i = 0; i < n; i++)
        (i < s->nt ? &s->t[i] : &s->c[i - s->nt])->eta = fit->eta[i];
done:
    ll_glm_free(fit);
    free(y);
    return rc;
}

/* The SD of the logit over every row of the model (0 for one row). */
static int logit_sd(const mstate *s, double *sd)
{
    size_t n = s->nt + s->nc;
    double *eta = malloc((n + 1) * sizeof *eta), mean, var;
    if (eta == NULL)
        return ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
    for (size_t i = 0; i < n; i++)
        eta[i] = i < s->nt ? s->t[i].eta : s->c[i - s->nt].eta;
    ll_stats_col_moments(&mean, &var, NULL, eta, n, 1, NULL, 0);
    free(eta);
    *sd = n > 1 ? sqrt(var) : 0.0;
    return LL_OK;
}

/* Candidate rows are sorted by bucket (month, la when exact), then logit,
 * then child, so a bucket is a contiguous run searched by bisection. */

static int cmp_bucket_key(const prow *a, const prow *b, int exact)
{
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    if (exact && a->la != b->la)
        return a->la < b->la ? -1 : 1;
    return 0;
}

/* Candidates by bucket (with the authority when exact), score, child. */
static int cmp_cand(const prow *a, const prow *b, int exact)
{
    int c = cmp_bucket_key(a, b, exact);
    if (c)
        return c;
    if (a->eta != b->eta)
        return a->eta < b->eta ? -1 : 1;
    return (a->child > b->child) - (a->child < b->child);
}

static int cmp_cand_exact(const void *pa, const void *pb)
{
    return cmp_cand(pa, pb, 1);
}

static int cmp_cand_none(const void *pa, const void *pb)
{
    return cmp_cand(pa, pb, 0);
}

/* Treated in descending score order, ties by (la, child). */
static int cmp_treated_score(const void *pa, const void *pb)
{
    const prow *a = *(const prow *const *)pa, *b = *(const prow *const *)pb;
    if (a->eta != b->eta)
        return a->eta > b->eta ? -1 : 1;
    return (a->child > b->child) - (a->child < b->child);
}

/* The nearest unused candidate of bucket [lo, hi) for logit e, ties in
 * distance by child; -1 when none lies within the caliper. */
static long nearest(const prow *c, size_t lo, size_t hi, const unsigned char *used, double e,
                    double caliper)
{
    size_t a = lo, b = hi;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (c[mid].eta < e)
            a = mid + 1;
        else
            b = mid;
    }
    long right = -1, left = -1;
    for (size_t j = a; j < hi && right < 0; j++)
        if (!used[c[j].child])
            right = (long)j;
    for (size_t j = a; j > lo; j--) {
        const prow *r = &c[j - 1];
        if (left >= 0 && r->eta != c[left].eta)
            break;
        if (!used[r->child])
            left = (long)(j - 1);
    }
    double dr = right >= 0 ? c[right].eta - e : INFINITY;
    double dl = left >= 0 ? e - c[left].eta : INFINITY;
    long best = dl < dr ? left : dr < dl ? right
                : left < 0                ? right
                : right < 0               ? left
                : c[left].child < c[right].child ? left : right;
    if (best < 0 || fabs(c[best].eta - e) > caliper)
        return -1;
    return best;
}

static int add_pair(ll_match *m, size_t *cap, const ll_match_pair *p, ll_error *err)
{
    if (m->n_pairs == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        ll_match_pair *q = realloc(m->pairs, nc * sizeof *q);
        if (q == NULL)
            return ll_error_set(err, LL_ENOMEM, "out of memory in matching");
        m->pairs = q;
        *cap = nc;
    }
    m->pairs[m->n_pairs++] = *p;
    return LL_OK;
}

/* Finds each treated row's bucket [lo, hi) in the sorted candidates. */
static void bucket_of(const mstate *s, const prow *t, int exact, size_t *lo, size_t *hi)
{
    size_t a = 0, b = s->nc;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (cmp_bucket_key(&s->c[mid], t, exact) < 0)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    b = s->nc;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (cmp_bucket_key(&s->c[mid], t, exact) <= 0)
            a = mid + 1;
        else
            b = mid;
    }
    *hi = a;
}

/* The runs of buckets starting in rows [lo, hi) of the candidates. */
typedef struct sort_part {
    prow *c;
    size_t lo, hi;
    int exact;
} sort_part;

static void *sort_runs(void *p)
{
    const sort_part *q = p;
    for (size_t lo = q->lo, hi; lo < q->hi; lo = hi) {
        for (hi = lo + 1; hi < q->hi && cmp_bucket_key(&q->c[hi], &q->c[lo], q->exact) == 0; hi++)
            ;
        qsort(q->c + lo, hi - lo, sizeof *q->c, q->exact ? cmp_cand_exact : cmp_cand_none);
    }
    return NULL;
}

/* The rows are already in (month, la, child) order, so each bucket is a
 * run: sorting the runs alone gives the same order as one sort of the
 * whole, with shorter sorts, and the runs are split between two threads
 * at a bucket's start.  (score, child) orders a bucket's rows completely
 * (a child has one row per month), so any sort gives the same order. */
static void sort_buckets(mstate *s, int exact)
{
    size_t mid = s->nc / 2;
    while (mid > 0 && mid < s->nc && cmp_bucket_key(&s->c[mid], &s->c[mid - 1], exact) == 0)
        mid++;
    sort_part part[2] = {{s->c, 0, mid, exact}, {s->c, mid, s->nc, exact}};
    ll_parallel_two(sort_runs, &part[0], &part[1]);
}

static int greedy(mstate *s, ll_match *m, long *match_id_of)
{
    int exact = s->opt->exact_la, rc = LL_OK;
    size_t nchild = ll_derive_n_children(s->d), cap = 0;
    unsigned char *used = calloc(nchild + 1, 1);
    const prow **order = malloc((s->nt + 1) * sizeof *order);
    long next_id = 1;
    if (used == NULL || order == NULL) {
        rc = ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
        goto done;
    }
    sort_buckets(s, exact);
    for (size_t i = 0; i < s->nt; i++)
        order[i] = &s->t[i];
    qsort(order, s->nt, sizeof *order, cmp_treated_score);
    for (int pass = 0; pass < s->opt->ratio && rc == LL_OK; pass++) {
        for (size_t i = 0; i < s->nt && rc == LL_OK; i++) {
            const prow *t = order[i];
            size_t lo, hi;
            bucket_of(s, t, exact, &lo, &hi);
            long j = nearest(s->c, lo, hi, used, t->eta, m->caliper_width);
            if (j < 0)
                continue;
            const prow *c = &s->c[j];
            used[c->child] = 1;
            size_t ti = (size_t)(t - s->t);
            s->crow_of_child[c->child] = (size_t)j;
            s->trow_of_child[t->child] = ti;
            if (match_id_of[ti] == 0)
                match_id_of[ti] = next_id++;
            ll_match_pair p = {match_id_of[ti], t->child, c->child, t->month, t->eta, c->eta,
                               fabs(t->eta - c->eta)};
            rc = add_pair(m, &cap, &p, s->err);
        }
    }
done:
    free(used);
    free(order);
    return rc;
}

static int cmp_pair(const void *pa, const void *pb)
{
    const ll_match_pair *a = pa, *b = pb;
    if (a->match_id != b->match_id)
        return a->match_id < b->match_id ? -1 : 1;
    return 0;
}

/* Pairs of one match_id keep their pass order: stable sort by insertion. */
static void sort_pairs(ll_match *m)
{
    for (size_t i = 1; i < m->n_pairs; i++) {
        ll_match_pair p = m->pairs[i];
        size_t j = i;
        while (j > 0 && cmp_pair(&m->pairs[j - 1], &p) > 0) {
            m->pairs[j] = m->pairs[j - 1];
            j--;
        }
        m->pairs[j] = p;
    }
}

/* The covariate rows balance needs: the treated and matched rows as
 * doubles (a few thousand), the candidate rows handed over packed (s->c
 * becomes the match's). */
static int keep_balance_rows(mstate *s, ll_match *m)
{
    size_t w = LL_MATCH_NCOV * sizeof(double);
    m->x_treated = malloc(s->nt * w + 1);
    m->x_matched_t = malloc(m->n_pairs * w + 1);
    m->x_matched_c = malloc(m->n_pairs * w + 1);
    m->candidates = malloc(sizeof *m->candidates);
    m->column_buf = ll_huge_alloc((s->nc * LL_MATCH_COLUMN_BLOCK + 1) * sizeof *m->column_buf);
    if (!m->x_treated || !m->x_matched_t || !m->x_matched_c || !m->candidates || !m->column_buf)
        return ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
    for (size_t i = 0; i < s->nt; i++)
        ll_match_cov_unpack(m->x_treated + i * LL_MATCH_NCOV, &s->t[i].x);
    m->candidates->c = s->c;
    m->candidates->n = s->nc;
    s->c = NULL;
    m->n_x_treated = s->nt;
    m->n_x_candidates = s->nc;
    /* matched treated once per child, matched comparison once per pair */
    const prow *c = m->candidates->c;
    for (size_t k = 0; k < m->n_pairs; k++) {
        const ll_match_pair *p = &m->pairs[k];
        ll_match_cov_unpack(m->x_matched_c + m->n_x_matched_c++ * LL_MATCH_NCOV,
                            &c[s->crow_of_child[p->comparison]].x);
        if (k > 0 && p->match_id == m->pairs[k - 1].match_id)
            continue;
        ll_match_cov_unpack(m->x_matched_t + m->n_x_matched_t++ * LL_MATCH_NCOV,
                            &s->t[s->trow_of_child[p->treated]].x);
    }
    return LL_OK;
}

const double *ll_match_candidate_columns(const void *match, size_t j, size_t k)
{
    const ll_match *m = match;
    double *out = m->column_buf, row[LL_MATCH_NCOV];
    for (size_t i = 0; i < m->n_x_candidates; i++) {
        ll_match_cov_unpack(row, &m->candidates->c[i].x);
        for (size_t c = 0; c < k; c++)
            *out++ = row[j + c];
    }
    return m->column_buf;
}

/* The pairing derive builds the analysis rows from: match_id and ps_logit
 * of each eligible treated entry, and the matched comparison children at
 * the first day of their month. */
static int make_pairing(const mstate *s, ll_match *m, const ll_cohort *co, const long *ids)
{
    ll_pairing *p = &m->pairing;
    p->n_entries = co->n;
    p->match_id = calloc(co->n + 1, sizeof *p->match_id);
    p->ps_logit = malloc((co->n + 1) * sizeof *p->ps_logit);
    p->comparison = malloc((m->n_pairs + 1) * sizeof *p->comparison);
    if (p->match_id == NULL || p->ps_logit == NULL || p->comparison == NULL)
        return ll_error_set(s->err, LL_ENOMEM, "out of memory in matching");
    for (size_t e = 0; e < co->n; e++)
        p->ps_logit[e] = NAN;
    for (size_t i = 0; i < s->nt; i++) {
        p->ps_logit[s->t[i].entry] = s->t[i].eta;
        p->match_id[s->t[i].entry] = ids[i];
    }
    for (size_t k = 0; k < m->n_pairs; k++) {
        const ll_match_pair *q = &m->pairs[k];
        p->comparison[p->n_comparison++] = (ll_cohort_entry){
            q->comparison, q->month, LL_GROUP_COMPARISON, q->match_id, q->logit_comparison};
    }
    return LL_OK;
}

void ll_match_options_from_config(ll_match_options *out, const ll_config *cfg)
{
    out->caliper = cfg->analysis.caliper;
    out->ratio = cfg->analysis.ratio;
    out->exact_la = cfg->analysis.exact == LL_EXACT_LA;
}

static size_t count_children(const prow *c, size_t n, size_t nchild, ll_error *err, int *rc)
{
    unsigned char *seen = calloc(nchild + 1, 1);
    size_t k = 0;
    if (seen == NULL) {
        *rc = ll_error_set(err, LL_ENOMEM, "out of memory in matching");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!seen[c[i].child]++)
            k++;
    free(seen);
    return k;
}

int ll_match_run(ll_match **out, const ll_derive_data *d, const ll_cohort *cohort,
                 const ll_match_options *opt, ll_progress_fn progress, void *progress_user,
                 ll_error *err)
{
    mstate s = {.d = d, .opt = opt, .err = err};
    ll_match *m = calloc(1, sizeof *m);
    long *ids = NULL;
    int rc = LL_OK;
    *out = NULL;
    if (m == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory in matching");
        goto done;
    }
    if (ll_derive_n_children(d) >= UINT32_MAX || cohort->n >= UINT32_MAX) {
        rc = ll_error_set(err, LL_EINPUT, "matching: more than %lu children or cohort entries",
                          (unsigned long)UINT32_MAX - 1);
        goto done;
    }
    if ((rc = treated_rows(&s, cohort)) != LL_OK)
        goto done;
    if (s.nt == 0) {
        rc = ll_error_set(err, LL_EDOM, "matching: no eligible treated child to match");
        goto done;
    }
    if ((rc = candidate_rows(&s, progress, progress_user)) != LL_OK)
        goto done;
    if (s.nc == 0) {
        rc = ll_error_set(err, LL_EDOM, "matching: no candidate comparison child is looked after "
                                        "and eligible in the months of the treated children's index dates");
        goto done;
    }
    if ((rc = fit_model(&s, m)) != LL_OK)
        goto done;
    if ((rc = logit_sd(&s, &m->logit_sd)) != LL_OK)
        goto done;
    m->caliper_width = s.opt->caliper * m->logit_sd;
    size_t nchild = ll_derive_n_children(d) + 1;
    s.crow_of_child = malloc(nchild * sizeof *s.crow_of_child);
    s.trow_of_child = malloc(nchild * sizeof *s.trow_of_child);
    if ((ids = calloc(s.nt + 1, sizeof *ids)) == NULL || !s.crow_of_child || !s.trow_of_child) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory in matching");
        goto done;
    }
    if ((rc = greedy(&s, m, ids)) != LL_OK)
        goto done;
    sort_pairs(m);
    m->n_treated_eligible = s.nt;
    m->n_candidate_rows = s.nc;
    m->n_months = s.nmonths;
    m->n_candidate_children = count_children(s.c, s.nc, ll_derive_n_children(d), err, &rc);
    for (size_t i = 0; i < s.nt; i++)
        m->n_treated_matched += ids[i] != 0;
    if (rc == LL_OK)
        rc = keep_balance_rows(&s, m);
    if (rc == LL_OK)
        rc = make_pairing(&s, m, cohort, ids);
done:
    free(s.t);
    free(s.c);
    free(s.months);
    free(s.la_month);
    free(s.crow_of_child);
    free(s.trow_of_child);
    free(ids);
    if (rc != LL_OK) {
        ll_match_free(m);
        return rc;
    }
    *out = m;
    return LL_OK;
}

void ll_match_free(ll_match *m)
{
    if (m == NULL)
        return;
    free(m->pairs);
    free(m->pairing.match_id);
    free(m->pairing.ps_logit);
    free(m->pairing.comparison);
    free(m->x_treated);
    if (m->candidates != NULL)
        free(m->candidates->c);
    free(m->candidates);
    free(m->column_buf);
    free(m->x_matched_t);
    free(m->x_matched_c);
    free(m);
}

int ll_match_write_csv(FILE *f, const ll_derive_data *d, const ll_match *m)
{
    fputs("match_id,la,treated_child,comparison_child,month,ps_logit_treated,"
          "ps_logit_comparison,distance\n", f);
    for (size_t k = 0; k < m->n_pairs; k++) {
        const ll_match_pair *p = &m->pairs[k];
        ll_child_info t, c;
        char month[16], a[40], b[40], dist[40];
        ll_derive_child(&t, d, p->treated);
        ll_derive_child(&c, d, p->comparison);
        ll_date_format(month, sizeof month, p->month);
        ll_format_number(a, sizeof a, p->logit_treated);
        ll_format_number(b, sizeof b, p->logit_comparison);
        ll_format_number(dist, sizeof dist, p->distance);
        fprintf(f, "%ld,%s,%s,%s,%s,%s,%s,%s\n", p->match_id, t.la, t.child, c.child, month, a, b,
                dist);
    }
    return ferror(f) ? LL_EIO : LL_OK;
}
