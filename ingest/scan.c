/* Checking the data rows of a file (SPEC 2.6 rules up to duplicate_key):
 * good rows go to a row store, sorted on the key; the others to a list to
 * quarantine.  Nothing here touches the database.
 *
 * A large file is cut into parts checked by threads.  A cut is made just
 * after a line end, which is a record boundary unless a quoted field runs
 * across it; a part that ends inside a record shows that, and then the
 * whole file is checked again in one part.  So the outcome is the same
 * whatever the number of threads. */
#include "internal.h"

#include "lleval/grow.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PART_MIN ((size_t)4 << 20) /* smallest part worth a thread */
#define MAX_PARTS 8
#define PROGRESS_ROWS 65536

typedef struct part {
    const ll_scan_in *in;
    size_t start, end;
    int last;   /* ends at the end of the file */
    int report; /* gives progress reports */
    ll_scan_out out;
    ll_val vals[LL_MAX_SPEC_COLS];
    int rc;
    int cut;    /* ended inside a record */
    ll_error err;
    pthread_t thread;
    int threaded;
} part;

int ll_scan_add_q(ll_scan_out *out, const ll_qrow *q, ll_error *err)
{
    ll_qrow *nq = ll_grow(out->q, &out->capq, out->nq, sizeof *nq, 64);
    if (nq == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory (quarantine list)");
    out->q = nq;
    out->q[out->nq++] = *q;
    return LL_OK;
}

void ll_scan_out_free(ll_scan_out *out)
{
    ll_rowstore_free(out->store);
    free(out->q);
    memset(out, 0, sizeof *out);
}

static void report(const part *p, size_t at)
{
    const ll_scan_in *in = p->in;
    if (!p->report || in->progress == NULL)
        return;
    /* The reporting part stands for all parts, which go at about one pace. */
    double f = p->end > p->start ? (double)(at - p->start) / (double)(p->end - p->start) : 1.0;
    in->progress(in->progress_ctx, in->path, in->start + (size_t)(f * (double)(in->end - in->start)),
                 in->end);
}

/* Counts the rows that reach the date check with a date given, and those
 * that pass it (SPEC 2: a file where none passes is refused). */
static void count_dates(part *p, int rule, int bad)
{
    if (rule < LL_RULE_BAD_DATE && rule != LL_RULE_COUNT)
        return;
    if (rule == LL_RULE_BAD_DATE) {
        if (bad >= 0 && p->vals[bad].n > 0)
            p->out.n_date_reached++;
        return;
    }
    p->out.n_date_reached++;
    p->out.n_date_passed++;
}

static int one_row(part *p, const ll_csv_row *row)
{
    const ll_scan_in *in = p->in;
    int bad;
    if (ll_ingest_blank_row(row)) {
        p->out.n_blank++;
        return LL_OK;
    }
    int rule = ll_ingest_check_row(in->t, in->colidx, in->nheader, row, &in->dflt, p->vals, &bad);
    ll_rowref where = {row->raw_off, row->raw_len, row->line};
    p->out.n_read++;
    count_dates(p, rule, bad);
    if (rule != LL_RULE_COUNT) {
        ll_qrow q = {where, rule, bad, 0, 0};
        return ll_scan_add_q(&p->out, &q, &p->err);
    }
    if (ll_ingest_old_place(in->t, p->vals))
        p->out.n_old_place++;
    return ll_rowstore_add(p->out.store, p->vals, &where, &p->err);
}

static int scan_part(part *p)
{
    const ll_scan_in *in = p->in;
    ll_csvread *rd = NULL;
    long line = in->line;
    if (p->start > in->start)
        line += ll_csv_count_lines(in->buf, in->start, p->start);
    int rc = ll_rowstore_new(&p->out.store, in->t, &p->err);
    if (rc == LL_OK)
        rc = ll_csvread_new(&rd, in->buf, 0, &p->err);
    if (rc == LL_OK)
        rc = ll_csvread_reset(rd, in->buf, p->start, p->end, line, &p->err);
    if (rc != LL_OK)
        goto done;
    ll_csvread_set_open_end(rd, !p->last);
    for (;;) {
        ll_csv_row row;
        rc = ll_csvread_next(rd, &row, &p->err);
        if (rc == 0)
            break;
        if (rc == LL_CSV_CUT) {
            p->cut = 1;
            rc = LL_OK;
            goto done;
        }
        if (rc < 0 || (rc = one_row(p, &row)) != LL_OK)
            goto done;
        if (p->out.n_read % PROGRESS_ROWS == 0)
            report(p, ll_csvread_offset(rd));
    }
    report(p, p->end);
    rc = ll_rowstore_sort(p->out.store, &p->err);
done:
    ll_csvread_free(rd);
    p->rc = rc;
    return rc;
}

static void *scan_thread(void *arg)
{
    scan_part(arg);
    return NULL;
}

/* Cuts [in->start, in->end) into at most in->workers parts just after line
 * ends; returns the number of parts. */
static size_t cut_parts(part *parts, const ll_scan_in *in)
{
    size_t size = in->end - in->start, k = (size_t)(in->workers > 1 ? in->workers : 1);
    if (k > MAX_PARTS)
        k = MAX_PARTS;
    size_t min = in->part_min ? in->part_min : PART_MIN;
    while (k > 1 && size / k < min)
        k--;
    size_t n = 0, at = in->start;
    for (size_t i = 1; i < k; i++) {
        size_t target = in->start + size / k * i;
        if (target < at)
            continue;
        const char *nl = memchr(in->buf + target, '\n', in->end - target);
        if (nl == NULL || (size_t)(nl - in->buf) + 1 >= in->end)
            break;
        parts[n].start = at;
        parts[n].end = at = (size_t)(nl - in->buf) + 1;
        n++;
    }
    parts[n].start = at;
    parts[n].end = in->end;
    parts[n].last = 1;
    n++;
    for (size_t i = 0; i < n; i++) {
        parts[i].in = in;
        parts[i].report = i == 0;
    }
    return n;
}

static void run_parts(part *parts, size_t n)
{
    for (size_t i = 1; i < n; i++)
        parts[i].threaded = pthread_create(&parts[i].thread, NULL, scan_thread, &parts[i]) == 0;
    scan_part(&parts[0]);
    for (size_t i = 1; i < n; i++) {
        if (parts[i].threaded)
            pthread_join(parts[i].thread, NULL);
        else
            scan_part(&parts[i]); /* no thread to be had: do it here */
    }
}

static void free_parts(part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ll_scan_out_free(&parts[i].out);
}

/* Joins the parts' results, in file order, into out. */
static int combine(ll_scan_out *out, part *parts, size_t n, ll_error *err)
{
    int rc = LL_OK;
    *out = parts[0].out;
    memset(&parts[0].out, 0, sizeof parts[0].out);
    for (size_t i = 1; i < n && rc == LL_OK; i++) {
        ll_scan_out *o = &parts[i].out;
        rc = ll_rowstore_merge(out->store, o->store, err);
        for (size_t j = 0; j < o->nq && rc == LL_OK; j++)
            rc = ll_scan_add_q(out, &o->q[j], err);
        out->n_read += o->n_read;
        out->n_old_place += o->n_old_place;
        out->n_blank += o->n_blank;
        out->n_date_reached += o->n_date_reached;
        out->n_date_passed += o->n_date_passed;
    }
    return rc;
}

int ll_scan_rows(ll_scan_out *out, const ll_scan_in *in, ll_error *err)
{
    part parts[MAX_PARTS];
    memset(out, 0, sizeof *out);
    memset(parts, 0, sizeof parts);
    size_t n = cut_parts(parts, in);
    run_parts(parts, n);
    /* The first part (in file order) that failed or ended inside a record
     * decides: everything before it was read as it would be in one part. */
    for (size_t i = 0; i < n; i++) {
        if (parts[i].rc != LL_OK) {
            int rc = ll_error_set(err, parts[i].rc, "%s", parts[i].err.msg);
            free_parts(parts, n);
            return rc;
        }
        if (parts[i].cut) {
            free_parts(parts, n);
            memset(parts, 0, sizeof parts);
            parts[0] = (part){.in = in, .start = in->start, .end = in->end, .last = 1, .report = 1};
            n = 1;
            if (scan_part(&parts[0]) != LL_OK) {
                int rc = ll_error_set(err, parts[0].rc, "%s", parts[0].err.msg);
                free_parts(parts, n);
                return rc;
            }
            break;
        }
    }
    int rc = combine(out, parts, n, err);
    free_parts(parts, n);
    if (rc != LL_OK)
        ll_scan_out_free(out);
    return rc;
}
