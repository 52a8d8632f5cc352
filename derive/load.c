/* Loading the ingested tables: one SELECT per table in primary-key order
 * (la, child, ...), so each table's rows arrive grouped by child; the
 * distinct (la, child) keys of all tables are then merged into one sorted
 * list of children, and each child's rows are slices of flat arrays. */
#include "internal.h"

#include "lleval/date.h"
#include "lleval/db.h"
#include "lleval/hugemem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { TB_HEADER, TB_EPISODES, TB_UASC, TB_SDQ, TB_OC3, TB_PROG, TB_COMP, N_TABLES };
static const char *const TABLE_NAMES[N_TABLES] = {
    "header", "episodes", "uasc", "sdq", "oc3", "lifelong_links", "comparison",
};

/* ---- string arena: child IDs live as long as the data -------------------- */

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    char mem[];
};

static const char *arena_strdup(struct arena_block **head, const char *s)
{
    size_t len = strlen(s) + 1;
    struct arena_block *b = *head;
    if (!b || b->size - b->used < len) {
        size_t size = len > 65536 ? len : 65536;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->next = *head;
        b->used = 0;
        b->size = size;
        *head = b;
    }
    char *p = b->mem + b->used;
    memcpy(p, s, len);
    b->used += len;
    return p;
}

static void arena_free(struct arena_block *b)
{
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
}

/* ---- growable arrays ---------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    ll_huge_advise(q, n * elem);
    *p = q;
    *cap = n;
    return 0;
}
#define GROW(arr, cap, need) grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* ---- the loader --------------------------------------------------------- */

/* The distinct (la, child) keys of one table in row order, and the first
 * row of each. */
struct keylist {
    uint32_t *la;
    const char **id;
    uint32_t *first;
    size_t n, cap;
};

struct header_row {
    long dob;
    int sex;
    char ethnic[8];
};

struct oc3_raw {
    int year;
    long dob;
    code4 accom;
};

struct loader {
    ll_derive_data *d;
    sqlite3 *db;
    ll_error *err;
    ll_progress_fn progress;
    void *progress_user;
    char **la_codes;     /* intern order */
    int *la_files_year;  /* per intern id: latest episodes file year */
    int *la_rows_year;   /* per intern id: latest episodes row year */
    size_t n_la, cap_la, last_la;
    struct keylist keys[N_TABLES];
    size_t nrows[N_TABLES];
    struct episode *eps;
    size_t eps_cap;
    struct header_row *hdr;
    size_t hdr_cap;
    long *duc;
    size_t duc_cap;
    size_t sdq_cap;
    struct oc3_raw *oc3;
    size_t oc3_cap;
    size_t prog_cap, comp_cap;
    int32_t (*child_keys)[N_TABLES]; /* per child: key index per table, or -1 */
};

static int nomem(struct loader *L)
{
    return ll_error_set(L->err, LL_ENOMEM, "out of memory loading the database");
}

/* Intern id of an la code (rows come grouped by la, so the last one hits). */
static long intern_la(struct loader *L, const char *code)
{
    if (L->n_la && !strcmp(L->la_codes[L->last_la], code))
        return (long)L->last_la;
    for (size_t i = 0; i < L->n_la; i++)
        if (!strcmp(L->la_codes[i], code))
            return (long)(L->last_la = i);
    if (L->n_la == L->cap_la) {
        size_t cap = L->cap_la ? 2 * L->cap_la : 8;
        char **c = realloc(L->la_codes, cap * sizeof *c);
        if (c)
            L->la_codes = c;
        int *y1 = c ? realloc(L->la_files_year, cap * sizeof *y1) : NULL;
        if (y1)
            L->la_files_year = y1;
        int *y2 = y1 ? realloc(L->la_rows_year, cap * sizeof *y2) : NULL;
        if (!y2)
            return -1;
        L->la_rows_year = y2;
        L->cap_la = cap;
    }
    char *dup = strdup(code);
    if (!dup)
        return -1;
    L->la_codes[L->n_la] = dup;
    L->la_files_year[L->n_la] = 0;
    L->la_rows_year[L->n_la] = 0;
    return (long)(L->last_la = L->n_la++);
}

static long col_day(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NO_DAY : (long)sqlite3_column_int64(st, i);
}

static int col_int(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? LL_NA : sqlite3_column_int(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* A Y/N value stored either as text or as 1/0. */
static int col_yn(sqlite3_stmt *st, int i)
{
    int type = sqlite3_column_type(st, i);
    if (type == SQLITE_NULL)
        return LL_NA;
    if (type == SQLITE_INTEGER)
        return sqlite3_column_int(st, i) != 0;
    const char *t = col_text(st, i);
    if (!strcmp(t, "Y") || !strcmp(t, "y") || !strcmp(t, "1"))
        return 1;
    if (!strcmp(t, "N") || !strcmp(t, "n") || !strcmp(t, "0"))
        return 0;
    return LL_NA;
}

void ll_derive_code(code4 c, const char *s)
{
    size_t len = strlen(s);
    if (len > 3) {
        strcpy(c, "?");
        return;
    }
    memcpy(c, s, len + 1);
}

typedef int (*row_fn)(struct loader *L, sqlite3_stmt *st, int new_key, size_t la);

static int add_key(struct loader *L, int t, uint32_t la, const char *child)
{
    struct keylist *k = &L->keys[t];
    if (k->n + 1 >= k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 1024;
        uint32_t *a = realloc(k->la, cap * sizeof *a);
        if (a)
            k->la = a;
        const char **b = a ? realloc(k->id, cap * sizeof *b) : NULL;
        if (b)
            k->id = b;
        uint32_t *c = b ? realloc(k->first, (cap + 1) * sizeof *c) : NULL;
        if (!c)
            return -1;
        k->first = c;
        k->cap = cap;
    }
    const char *id = arena_strdup(&L->d->arena, child);
    if (!id)
        return -1;
    k->la[k->n] = la;
    k->id[k->n] = id;
    k->first[k->n] = (uint32_t)L->nrows[t];
    k->n++;
    return 0;
}

/* Runs sql (columns 0 and 1 are la and child) and feeds each row to fn,
 * noting where a new (la, child) key starts. */
static int scan(struct loader *L, int t, const char *sql, const char *bind, row_fn fn)
{
    sqlite3_stmt *st = NULL;
    int rc = LL_OK, s;
    struct keylist *k = &L->keys[t];
    if (sqlite3_prepare_v2(L->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    if (bind && sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC) != SQLITE_OK)
        goto db_error;
    size_t nread = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long la = intern_la(L, col_text(st, 0));
        const char *child = col_text(st, 1);
        if (la < 0)
            goto no_memory;
        int new_key = k->n == 0 || k->la[k->n - 1] != (uint32_t)la || strcmp(k->id[k->n - 1], child);
        if (new_key && add_key(L, t, (uint32_t)la, child))
            goto no_memory;
        if ((rc = fn(L, st, new_key, (size_t)la)) != LL_OK)
            goto done;
        if (L->progress && ++nread % 65536 == 0)
            L->progress(L->progress_user, TABLE_NAMES[t], nread, 0);
    }
    if (s != SQLITE_DONE)
        goto db_error;
    if (k->first)
        k->first[k->n] = (uint32_t)L->nrows[t];
    goto done;
db_error:
    rc = ll_error_set(L->err, LL_EDB, "database: reading %s: %s", TABLE_NAMES[t],
                      sqlite3_errmsg(L->db));
    goto done;
no_memory:
    rc = nomem(L);
done:
    sqlite3_finalize(st);
    return rc;
}

/* ---- one callback per table --------------------------------------------- */

static int header_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)la;
    if (new_key) {
        if (GROW(L->hdr, L->hdr_cap, L->nrows[TB_HEADER] + 1))
            return nomem(L);
        L->nrows[TB_HEADER]++;
    }
    /* Ordered by year: the latest year's row overwrites. */
    struct header_row *h = &L->hdr[L->nrows[TB_HEADER] - 1];
    h->sex = col_int(st, 2);
    h->dob = col_day(st, 3);
    const char *e = col_text(st, 4);
    if (strlen(e) >= sizeof h->ethnic)
        e = "?";
    strcpy(h->ethnic, e);
    return LL_OK;
}

static int episode_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    long decom = col_day(st, 2);
    int year = sqlite3_column_int(st, 3);
    size_t n = L->nrows[TB_EPISODES];
    /* Ordered by DECOM then year: a later year's row of the same episode
     * replaces the earlier one. */
    if (new_key || L->eps[n - 1].decom != decom) {
        if (GROW(L->eps, L->eps_cap, n + 1))
            return nomem(L);
        n = ++L->nrows[TB_EPISODES];
    }
    struct episode *e = &L->eps[n - 1];
    e->decom = decom;
    e->year = year;
    ll_derive_code(e->rne, col_text(st, 4));
    ll_derive_code(e->ls, col_text(st, 5));
    ll_derive_code(e->cin, col_text(st, 6));
    ll_derive_code(e->place, col_text(st, 7));
    e->end = col_day(st, 8); /* DEC for now; ll_derive_history settles it */
    e->open = e->end == NO_DAY;
    ll_derive_code(e->rec, col_text(st, 9));
    e->rec_aside = sqlite3_column_int(st, 10) != 0;
    if (year > L->la_rows_year[la])
        L->la_rows_year[la] = year;
    return LL_OK;
}

static int uasc_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)la;
    if (new_key) {
        if (GROW(L->duc, L->duc_cap, L->nrows[TB_UASC] + 1))
            return nomem(L);
        L->nrows[TB_UASC]++;
    }
    L->duc[L->nrows[TB_UASC] - 1] = col_day(st, 2);
    return LL_OK;
}

static int append_score(struct loader *L, long date, int score)
{
    ll_derive_data *d = L->d;
    if (GROW(d->sdq, L->sdq_cap, d->n_sdq + 1))
        return nomem(L);
    d->sdq[d->n_sdq].date = date;
    d->sdq[d->n_sdq].score = score;
    d->n_sdq++;
    L->nrows[TB_SDQ]++;
    return LL_OK;
}

static int oc2_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)new_key;
    (void)la;
    /* An OC2 score is dated 31 March of its collection year. */
    return append_score(L, ll_date_from_ymd(sqlite3_column_int(st, 2), 3, 31), col_int(st, 3));
}

static int items_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)la;
    int q[25];
    for (int i = 0; i < 25; i++)
        q[i] = col_int(st, 3 + i);
    ll_sdq_scores s;
    ll_sdq_score(&s, q);
    /* A form whose total cannot be scored is no SDQ total: the next latest
     * one in the window counts instead. */
    (void)new_key;
    if (s.total == LL_NA)
        return LL_OK;
    return append_score(L, col_day(st, 2), s.total);
}

static int oc3_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)new_key;
    (void)la;
    size_t n = L->nrows[TB_OC3];
    if (GROW(L->oc3, L->oc3_cap, n + 1))
        return nomem(L);
    L->oc3[n].year = sqlite3_column_int(st, 2);
    L->oc3[n].dob = col_day(st, 3);
    ll_derive_code(L->oc3[n].accom, col_text(st, 4));
    L->nrows[TB_OC3]++;
    return LL_OK;
}

static int prog_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)la;
    ll_derive_data *d = L->d;
    if (!new_key)
        return LL_OK; /* (la, child) is the table's key */
    if (GROW(d->progs, L->prog_cap, d->n_progs + 1))
        return nomem(L);
    struct programme *p = &d->progs[d->n_progs++];
    p->referral = col_day(st, 2);
    p->consent = col_yn(st, 3) == 1;
    p->start = col_day(st, 4);
    p->fgc = col_day(st, 5);
    p->end = col_day(st, 6);
    p->connections_before = col_int(st, 7);
    p->connections_after = col_int(st, 8);
    p->identity_improved = col_yn(st, 9);
    L->nrows[TB_PROG]++;
    return LL_OK;
}

static int comp_row(struct loader *L, sqlite3_stmt *st, int new_key, size_t la)
{
    (void)la;
    ll_derive_data *d = L->d;
    if (!new_key)
        return LL_OK;
    if (GROW(d->comps, L->comp_cap, d->n_comps + 1))
        return nomem(L);
    d->comps[d->n_comps++] = col_day(st, 2);
    L->nrows[TB_COMP]++;
    return LL_OK;
}

static const char *const SQL_ITEMS =
    "SELECT la, child, date, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14,"
    " q15, q16, q17, q18, q19, q20, q21, q22, q23, q24, q25 FROM sdq_items"
    " WHERE informant = ?1 ORDER BY la, child, date";

static const char *const SQL_EPISODES =
    "SELECT la, child, decom, year, rne, ls, cin, place, dec, rec,"
    " EXISTS(SELECT 1 FROM rec_set_aside s WHERE s.la = e.la AND s.child = e.child"
    " AND s.decom = e.decom AND s.year = e.year)"
    " FROM episodes e ORDER BY la, child, decom, year";

/* Every table but the episodes. */
static int load_other_tables(struct loader *L)
{
    const ll_config *cfg = &L->d->cfg;
    int rc;
    if ((rc = scan(L, TB_HEADER, "SELECT la, child, sex, dob, ethnic FROM header"
                   " ORDER BY la, child, year", NULL, header_row)) != LL_OK)
        return rc;
    if ((rc = scan(L, TB_UASC, "SELECT la, child, duc FROM uasc ORDER BY la, child, year", NULL,
                   uasc_row)) != LL_OK)
        return rc;
    if (cfg->cohort.sdq_source == LL_SDQ_OC2)
        rc = scan(L, TB_SDQ, "SELECT la, child, year, sdq_score FROM oc2 WHERE sdq_score IS NOT"
                  " NULL ORDER BY la, child, year", NULL, oc2_row);
    else
        rc = scan(L, TB_SDQ, SQL_ITEMS,
                  cfg->cohort.sdq_source == LL_SDQ_ITEMS_P   ? "P"
                  : cfg->cohort.sdq_source == LL_SDQ_ITEMS_T ? "T"
                                                             : "S",
                  items_row);
    if (rc != LL_OK)
        return rc;
    if ((rc = scan(L, TB_OC3, "SELECT la, child, year, dob, accom FROM oc3"
                   " ORDER BY la, child, year", NULL, oc3_row)) != LL_OK)
        return rc;
    if ((rc = scan(L, TB_PROG, "SELECT la, child, referral_date, consent, start_date, fgc_date,"
                   " end_date, connections_before, connections_after, identity_improved"
                   " FROM lifelong_links ORDER BY la, child", NULL, prog_row)) != LL_OK)
        return rc;
    return scan(L, TB_COMP, "SELECT la, child, index_date FROM comparison ORDER BY la, child",
                NULL, comp_row);
}

/* ---- the episodes on a second connection ---------------------------------
 * The episodes are most of the rows (1.1 million at national scale, half
 * of the load's time in SQLite): a loader of their own reads them on a
 * thread with its own connection while the other tables are read here,
 * then its keys, rows, la codes and child IDs are handed over.  Each row
 * lands where the one-connection load puts it, so the data are the same. */
struct episodes_job {
    struct loader E;
    ll_derive_data holder; /* owns E's child IDs until the hand-over */
    ll_error err;
    int rc;
};

static void *episodes_step(void *p)
{
    struct episodes_job *j = p;
    j->rc = scan(&j->E, TB_EPISODES, SQL_EPISODES, NULL, episode_row);
    return NULL;
}

/* Moves the episodes job's results into L, its la ids mapped to L's. */
static int take_episodes(struct loader *L, struct episodes_job *j)
{
    struct loader *E = &j->E;
    struct keylist *k = &E->keys[TB_EPISODES];
    for (size_t i = 0; i < E->n_la; i++) {
        long la = intern_la(L, E->la_codes[i]);
        if (la < 0)
            return nomem(L);
        if (E->la_rows_year[i] > L->la_rows_year[la])
            L->la_rows_year[la] = E->la_rows_year[i];
        E->la_rows_year[i] = (int)la; /* now the map */
    }
    for (size_t r = 0; r < k->n; r++)
        k->la[r] = (uint32_t)E->la_rows_year[k->la[r]];
    L->keys[TB_EPISODES] = *k;
    memset(k, 0, sizeof *k);
    L->eps = E->eps;
    L->eps_cap = E->eps_cap;
    L->nrows[TB_EPISODES] = E->nrows[TB_EPISODES];
    E->eps = NULL;
    struct arena_block **tail = &j->holder.arena;
    while (*tail)
        tail = &(*tail)->next;
    *tail = L->d->arena;
    L->d->arena = j->holder.arena;
    j->holder.arena = NULL;
    return LL_OK;
}

static void loader_free(struct loader *L);

/* Reads the tables: the episodes on a thread of their own when the
 * database is a file a second connection can open and sees as db does (no
 * transaction open on db), else all here. */
static int load_tables(struct loader *L)
{
    const char *path = sqlite3_db_filename(L->db, "main");
    struct episodes_job *j = calloc(1, sizeof *j);
    sqlite3 *db2 = NULL;
    pthread_t th;
    int rc, threaded = 0;
    if (j != NULL && path != NULL && path[0] != '\0' && sqlite3_get_autocommit(L->db) &&
        ll_db_open(&db2, path, 1, &j->err) == LL_OK) {
        j->holder.cfg = L->d->cfg;
        j->E = (struct loader){.d = &j->holder, .db = db2, .err = &j->err};
        threaded = pthread_create(&th, NULL, episodes_step, j) == 0;
    }
    rc = threaded ? LL_OK : scan(L, TB_EPISODES, SQL_EPISODES, NULL, episode_row);
    if (rc == LL_OK)
        rc = load_other_tables(L);
    if (threaded) {
        pthread_join(th, NULL);
        if (rc == LL_OK && j->rc != LL_OK)
            rc = ll_error_set(L->err, j->rc, "%s", j->err.msg);
        if (rc == LL_OK)
            rc = take_episodes(L, j);
        if (L->progress)
            L->progress(L->progress_user, TABLE_NAMES[TB_EPISODES], L->nrows[TB_EPISODES], 0);
    }
    if (j != NULL) {
        loader_free(&j->E);
        arena_free(j->holder.arena);
    }
    free(j);
    ll_db_close(db2);
    return rc;
}

/* Latest episodes-file year per la, and whether a comparison.csv came in. */
static int load_files(struct loader *L)
{
    sqlite3_stmt *st = NULL;
    int rc = LL_OK, s;
    const char *sql = "SELECT la, MAX(year), 0 FROM files WHERE kind = 'episodes' AND la IS NOT NULL"
                      " AND year IS NOT NULL GROUP BY la"
                      " UNION ALL SELECT NULL, NULL, (SELECT COUNT(*) FROM files WHERE kind ="
                      " 'comparison') + (SELECT COUNT(*) FROM (SELECT 1 FROM comparison LIMIT 1))";
    if (sqlite3_prepare_v2(L->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
            L->d->has_comparison_file = sqlite3_column_int(st, 2) > 0;
            continue;
        }
        long la = intern_la(L, col_text(st, 0));
        if (la < 0) {
            rc = nomem(L);
            goto done;
        }
        L->la_files_year[la] = sqlite3_column_int(st, 1);
    }
    if (s == SQLITE_DONE)
        goto done;
db_error:
    rc = ll_error_set(L->err, LL_EDB, "database: reading files: %s", sqlite3_errmsg(L->db));
done:
    sqlite3_finalize(st);
    return rc;
}

/* ---- merging the keys into children ------------------------------------- */

static int cmp_la_ids(const void *a, const void *b, void *codes)
{
    char **c = codes;
    return strcmp(c[*(const size_t *)a], c[*(const size_t *)b]);
}

/* Insertion sort: there are a handful of las, and qsort_r is not C11. */
static void sort_la_ids(size_t *ids, size_t n, char **codes)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_la_ids(&ids[j - 1], &ids[j], codes) > 0; j--) {
            size_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
}

static int set_las(struct loader *L, uint32_t **rank_out)
{
    ll_derive_data *d = L->d;
    size_t n = L->n_la;
    size_t *ids = malloc((n ? n : 1) * sizeof *ids);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    d->las = calloc(n ? n : 1, sizeof *d->las);
    if (!ids || !rank || !d->las) {
        free(ids);
        free(rank);
        return nomem(L);
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = i;
    sort_la_ids(ids, n, L->la_codes);
    for (size_t r = 0; r < n; r++) {
        size_t id = ids[r];
        rank[id] = (uint32_t)r;
        struct la_info *la = &d->las[r];
        la->code = L->la_codes[id];
        L->la_codes[id] = NULL;
        int y = L->la_files_year[id] > L->la_rows_year[id] ? L->la_files_year[id]
                                                           : L->la_rows_year[id];
        la->end_year = y;
        la->end = y > 0 ? ll_date_from_ymd(y, 3, 31) : LL_NA;
    }
    d->n_las = n;
    free(ids);
    *rank_out = rank;
    return LL_OK;
}

static int key_cmp(const uint32_t *rank, const struct keylist *a, size_t i, const struct keylist *b,
                   size_t j)
{
    uint32_t ra = rank[a->la[i]], rb = rank[b->la[j]];
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(a->id[i], b->id[j]);
}

static int merge_children(struct loader *L, const uint32_t *rank)
{
    ll_derive_data *d = L->d;
    size_t total = 0, pos[N_TABLES] = {0};
    for (int t = 0; t < N_TABLES; t++)
        total += L->keys[t].n;
    d->children = calloc(total ? total : 1, sizeof *d->children);
    L->child_keys = malloc((total ? total : 1) * sizeof *L->child_keys);
    if (!d->children || !L->child_keys)
        return nomem(L);
    size_t n = 0;
    for (;;) {
        int best = -1;
        for (int t = 0; t < N_TABLES; t++) {
            if (pos[t] >= L->keys[t].n)
                continue;
            if (best < 0 || key_cmp(rank, &L->keys[t], pos[t], &L->keys[best], pos[best]) < 0)
                best = t;
        }
        if (best < 0)
            break;
        struct child *c = &d->children[n];
        const struct keylist *kb = &L->keys[best];
        size_t kbi = pos[best];
        c->id = kb->id[kbi];
        c->la = rank[kb->la[kbi]];
        for (int t = 0; t < N_TABLES; t++) {
            L->child_keys[n][t] = -1;
            if (t != best && (pos[t] >= L->keys[t].n ||
                              key_cmp(rank, &L->keys[t], pos[t], kb, kbi) != 0))
                continue;
            L->child_keys[n][t] = (int32_t)pos[t];
        }
        for (int t = 0; t < N_TABLES; t++)
            if (L->child_keys[n][t] >= 0)
                pos[t]++;
        n++;
    }
    d->n_children = n;
    return LL_OK;
}

/* The OC3 row of year Y is dated on the child's birthday between 1 April
 * Y-1 and 31 March Y (29 February on 1 March in a common year). */
static void date_oc3(struct oc3_row *out, long dob, int year)
{
    int by, bm, bd;
    ll_date_to_ymd(dob, &by, &bm, &bd);
    int y = bm >= 4 ? year - 1 : year;
    if (bm == 2 && bd == 29 && !ll_date_is_leap(y)) {
        bm = 3;
        bd = 1;
    }
    out->date = ll_date_from_ymd(y, bm, bd);
    out->age = y - by;
}

static void attach_rows(struct loader *L, size_t ci)
{
    ll_derive_data *d = L->d;
    struct child *c = &d->children[ci];
    const int32_t *k = L->child_keys[ci];
    c->prog = k[TB_PROG];
    c->comp = k[TB_COMP];
    c->duc = NO_DAY;
    if (k[TB_HEADER] >= 0) {
        const struct header_row *h = &L->hdr[k[TB_HEADER]];
        c->has_header = 1;
        c->sex = h->sex;
        c->dob = h->dob;
        memcpy(c->ethnic, h->ethnic, sizeof c->ethnic);
    }
    if (k[TB_UASC] >= 0) {
        c->has_uasc = 1;
        c->duc = L->duc[k[TB_UASC]];
    }
    if (k[TB_SDQ] >= 0) {
        const struct keylist *kl = &L->keys[TB_SDQ];
        c->sdq_lo = kl->first[k[TB_SDQ]];
        c->sdq_n = kl->first[k[TB_SDQ] + 1] - c->sdq_lo;
    }
    if (k[TB_OC3] >= 0) {
        const struct keylist *kl = &L->keys[TB_OC3];
        c->oc3_lo = kl->first[k[TB_OC3]];
        c->oc3_n = kl->first[k[TB_OC3] + 1] - c->oc3_lo;
        for (uint32_t j = c->oc3_lo; j < c->oc3_lo + c->oc3_n; j++) {
            const struct oc3_raw *r = &L->oc3[j];
            date_oc3(&d->oc3[j], c->has_header ? c->dob : r->dob, r->year);
            memcpy(d->oc3[j].accom, r->accom, sizeof(code4));
        }
    }
}

static int derive_histories(struct loader *L)
{
    ll_derive_data *d = L->d;
    size_t n_raw = L->nrows[TB_EPISODES];
    d->eps = L->eps;
    L->eps = NULL;
    d->periods = ll_huge_alloc((n_raw ? n_raw : 1) * sizeof *d->periods);
    d->spells = ll_huge_alloc((n_raw ? n_raw : 1) * sizeof *d->spells);
    d->oc3 = malloc((L->nrows[TB_OC3] ? L->nrows[TB_OC3] : 1) * sizeof *d->oc3);
    if (!d->periods || !d->spells || !d->oc3)
        return nomem(L);
    d->n_oc3 = L->nrows[TB_OC3];
    size_t dq_cap = 0;
    for (size_t ci = 0; ci < d->n_children; ci++) {
        attach_rows(L, ci);
        int32_t k = L->child_keys[ci][TB_EPISODES];
        struct child *c = &d->children[ci];
        c->ep_lo = (uint32_t)d->n_eps;
        if (k >= 0) {
            const struct keylist *kl = &L->keys[TB_EPISODES];
            int rc = ll_derive_history(d, ci, kl->first[k], kl->first[k + 1] - kl->first[k],
                                       &dq_cap, L->err);
            if (rc != LL_OK)
                return rc;
        }
        if (L->progress && (ci + 1) % 65536 == 0)
            L->progress(L->progress_user, "histories", ci + 1, d->n_children);
    }
    return LL_OK;
}

static void loader_free(struct loader *L)
{
    for (size_t i = 0; i < L->n_la; i++)
        free(L->la_codes[i]);
    free(L->la_codes);
    free(L->la_files_year);
    free(L->la_rows_year);
    for (int t = 0; t < N_TABLES; t++) {
        free(L->keys[t].la);
        free(L->keys[t].id);
        free(L->keys[t].first);
    }
    free(L->eps);
    free(L->hdr);
    free(L->duc);
    free(L->oc3);
    free(L->child_keys);
}

int ll_derive_load(ll_derive_data **out, sqlite3 *db, const ll_config *cfg, ll_progress_fn progress,
                   void *progress_user, ll_error *err)
{
    *out = NULL;
    struct loader L = {.db = db, .err = err, .progress = progress, .progress_user = progress_user};
    uint32_t *rank = NULL;
    int rc;
    L.d = calloc(1, sizeof *L.d);
    if (!L.d)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    L.d->cfg = *cfg;
    if ((rc = load_files(&L)) != LL_OK || (rc = load_tables(&L)) != LL_OK ||
        (rc = set_las(&L, &rank)) != LL_OK || (rc = merge_children(&L, rank)) != LL_OK ||
        (rc = derive_histories(&L)) != LL_OK)
        goto done;
    if (progress)
        progress(progress_user, "histories", L.d->n_children, L.d->n_children);
done:
    free(rank);
    loader_free(&L);
    if (rc != LL_OK) {
        ll_derive_free(L.d);
        return rc;
    }
    *out = L.d;
    return LL_OK;
}

void ll_derive_free(ll_derive_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_las; i++)
        free(d->las[i].code);
    free(d->las);
    free(d->children);
    free(d->eps);
    free(d->periods);
    free(d->spells);
    free(d->sdq);
    free(d->oc3);
    free(d->progs);
    free(d->comps);
    free(d->dq);
    arena_free(d->arena);
    free(d);
}
