/* Participant flow under disclosure control, and section 2 of the report.
 * In flow.csv a stage's count plus its reasons is the count of the stage
 * before (for the outcome stages: of `analysed`), so each such stage with
 * its reasons is a line of cells with a total for the secondary
 * suppression. */
#include "sections.h"

#include <string.h>

static int is_outcome_stage(const char *stage)
{
    static const char *const MAIN[] = {"referred", "consented", "started", "named",
                                       "looked_after_at_index", "eligible", "analysed"};
    for (size_t k = 0; k < sizeof MAIN / sizeof *MAIN; k++)
        if (strcmp(stage, MAIN[k]) == 0)
            return 0;
    return 1;
}

/* Registers the lines of one group: each main row with its reason rows,
 * totalled by its parent stage. */
static void group_lines(rp_cells *cells, const rp_flow *fl, ll_group g, size_t *tmp)
{
    long prev_main = -1, analysed = -1;
    for (size_t i = 0; i < fl->n; i++) {
        const ll_flow_row *r = &fl->row[i];
        if (r->group != g || r->reason[0])
            continue;
        int outcome = is_outcome_stage(r->stage);
        long parent = outcome ? analysed : prev_main;
        if (parent >= 0) {
            size_t n = 0;
            for (size_t j = i; j < fl->n; j++) {
                const ll_flow_row *q = &fl->row[j];
                if (q->group == g && strcmp(q->stage, r->stage) == 0 && (j == i || q->reason[0]))
                    tmp[n++] = fl->cell[j];
            }
            rp_cell_line(cells, tmp, n, fl->cell[parent]);
        }
        if (!outcome)
            prev_main = (long)i;
        if (strcmp(r->stage, "analysed") == 0)
            analysed = (long)i;
    }
}

int rp_flow_build(rp_flow **out, rp_arena *a, const ll_flow *f, rp_cells *cells, int matched,
                  ll_error *err)
{
    size_t n = f ? f->n : 0;
    rp_flow *fl = rp_alloc(a, sizeof *fl);
    size_t *tmp = rp_alloc(a, (n + 1) * sizeof *tmp);
    if (fl == NULL || tmp == NULL || (fl->flag = rp_alloc(a, n + 1)) == NULL ||
        (fl->cell = rp_alloc(a, (n + 1) * sizeof *fl->cell)) == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    fl->n = n;
    fl->row = f ? f->rows : NULL;
    for (size_t i = 0; i < n; i++)
        fl->cell[i] = rp_cell_add(cells, (long)f->rows[i].n);
    group_lines(cells, fl, LL_GROUP_TREATED, tmp);
    group_lines(cells, fl, LL_GROUP_COMPARISON, tmp);
    /* matched comparison children come one (or ratio) per matched child */
    if (matched)
        rp_cell_link(cells, rp_flow_cell(fl, "analysed", "", LL_GROUP_COMPARISON),
                     rp_flow_cell(fl, "analysed", "", LL_GROUP_TREATED));
    /* weeks_after counts the same children as placements_after */
    for (int g = 0; g < 2; g++)
        for (size_t k = 0; k < 2; k++) {
            const char *why = k ? "followup_incomplete" : "";
            rp_cell_link(cells, rp_flow_cell(fl, "weeks_after", why, (ll_group)g),
                         rp_flow_cell(fl, "placements_after", why, (ll_group)g));
        }
    *out = fl;
    return cells->nomem ? ll_error_set(err, LL_ENOMEM, "out of memory") : LL_OK;
}

void rp_flow_finish(rp_flow *fl, const rp_cells *cells)
{
    for (size_t i = 0; i < fl->n; i++)
        fl->flag[i] = (unsigned char)rp_cell_hidden(cells, fl->cell[i]);
}

size_t rp_flow_cell(const rp_flow *fl, const char *stage, const char *reason, ll_group g)
{
    for (size_t i = 0; fl && i < fl->n; i++) {
        const ll_flow_row *r = &fl->row[i];
        if (r->group == g && !strcmp(r->stage, stage) && !strcmp(r->reason, reason))
            return fl->cell[i];
    }
    return RP_NOCELL;
}

/* The count of (stage, reason, group), or -1; *hidden its flag. */
long rp_flow_count(const rp_flow *fl, const char *stage, const char *reason, ll_group g,
                   int *hidden)
{
    for (size_t i = 0; fl && i < fl->n; i++) {
        const ll_flow_row *r = &fl->row[i];
        if (r->group == g && !strcmp(r->stage, stage) && !strcmp(r->reason, reason)) {
            if (hidden)
                *hidden = fl->flag[i] != 0;
            return (long)r->n;
        }
    }
    if (hidden)
        *hidden = 0;
    return -1;
}

/* Stage order for the table: the pipeline's stages, then outcomes in the
 * order they first appear. */
static int stage_rank(const char *stage)
{
    static const char *const ORDER[] = {"referred", "consented", "started", "named",
                                        "looked_after_at_index", "eligible", "analysed"};
    for (size_t k = 0; k < sizeof ORDER / sizeof *ORDER; k++)
        if (!strcmp(stage, ORDER[k]))
            return (int)k;
    return 100;
}

static const char *cell(rp_arena *a, const rp_flow *fl, const ll_flow_row *key, ll_group g)
{
    int hidden;
    long n = rp_flow_count(fl, key->stage, key->reason, g, &hidden);
    return n < 0 ? "" : rp_count(a, n, hidden);
}

static void flow_table(rp_ctx *c)
{
    const rp_flow *fl = c->flow;
    int two = c->v->two;
    rp_table *t = two ? rp_table_new(c->doc, "Table 2.1. Participant flow (children)", 4, "Stage",
                                     "Left out because", "Treated", "Comparison")
                      : rp_table_new(c->doc, "Table 2.1. Participant flow (children)", 3, "Stage",
                                     "Left out because", "Treated");
    if (t == NULL)
        return;
    t->numeric = two ? 0xC : 0x4;
    /* every distinct (stage, reason) in order of appearance, then stably
     * by stage rank (so that "named" comes before the comparison's later
     * stages) */
    size_t *key = rp_alloc(c->a, (fl->n + 1) * sizeof *key), nk = 0;
    if (key == NULL)
        return;
    for (size_t i = 0; i < fl->n; i++) {
        int seen = 0;
        for (size_t j = 0; j < nk && !seen; j++)
            seen = !strcmp(fl->row[key[j]].stage, fl->row[i].stage) &&
                   !strcmp(fl->row[key[j]].reason, fl->row[i].reason);
        if (!seen)
            key[nk++] = i;
    }
    for (size_t i = 1; i < nk; i++)
        for (size_t j = i; j > 0 && stage_rank(fl->row[key[j - 1]].stage) >
                                        stage_rank(fl->row[key[j]].stage); j--) {
            size_t tmp = key[j];
            key[j] = key[j - 1];
            key[j - 1] = tmp;
        }
    for (size_t k = 0; k < nk; k++) {
        const ll_flow_row *r = &fl->row[key[k]];
        const char *stage = r->reason[0] ? "" : rp_stage_label(r->stage);
        const char *why = r->reason[0] ? rp_reason_label(r->reason) : "";
        rp_table_row(t, stage, why, cell(c->a, fl, r, LL_GROUP_TREATED),
                     two ? cell(c->a, fl, r, LL_GROUP_COMPARISON) : NULL);
    }
}

int rp_section_flow(rp_ctx *c, ll_error *err)
{
    rp_heading(c->doc, RB_H2, "flow", "2. Who was included");
    rp_para(c->doc, RB_P,
            "Each stage counts the children who reached it; the rows below a stage count the "
            "children who stopped there and why, so that a stage and its reasons add up to the "
            "stage before. Outcome rows count the analysed children whose outcome is known. "
            "Numbers from 1 to %d are shown as c, and where a c could be worked out from a "
            "total another number is withheld too.",
            c->v->min_cell);
    int rc = rp_chart_flow(c, err);
    if (rc == LL_OK)
        flow_table(c);
    return rc;
}
