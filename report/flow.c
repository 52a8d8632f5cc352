/* Participant flow under disclosure control, and section 2 of the report.
 * In flow.csv a stage's count plus its reasons is the count of the stage
 * before (for the outcome stages: of `analysed`); every count is shown as c
 * (1 to min_cell) or rounded on its own (SPEC 8 rule 1), which keeps a c
 * from being worked out from the stage before. */
#include "charts.h"

#include <string.h>

int rp_flow_build(rp_flow **out, rp_arena *a, const ll_flow *f, ll_error *err)
{
    rp_flow *fl = rp_alloc(a, sizeof *fl);
    if (fl == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    fl->n = f ? f->n : 0;
    fl->row = f ? f->rows : NULL;
    *out = fl;
    return LL_OK;
}

long rp_flow_count(const rp_flow *fl, const char *stage, const char *reason, ll_group g)
{
    for (size_t i = 0; fl && i < fl->n; i++) {
        const ll_flow_row *r = &fl->row[i];
        if (r->group == g && !strcmp(r->stage, stage) && !strcmp(r->reason, reason))
            return (long)r->n;
    }
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

static const char *cell(rp_arena *a, const ll_sdc *s, const rp_flow *fl, const ll_flow_row *key,
                        ll_group g)
{
    return rp_count(a, s, rp_flow_count(fl, key->stage, key->reason, g));
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
        rp_table_row(t, stage, why, cell(c->a, &c->v->sdc, fl, r, LL_GROUP_TREATED),
                     two ? cell(c->a, &c->v->sdc, fl, r, LL_GROUP_COMPARISON) : NULL);
    }
}

int rp_section_flow(rp_ctx *c, ll_error *err)
{
    rp_heading(c->doc, RB_H2, "flow", "2. Who was included");
    rp_para(c->doc, RB_P,
            "Each stage counts the children who reached it; the rows below a stage count the "
            "children who stopped there and why, so that a stage and its reasons add up to the "
            "stage before. Outcome rows count the analysed children whose outcome is known. "
            "Numbers from 1 to %d are shown as c and every other number is rounded to the "
            "nearest %d, on its own, so that rows need not add up exactly.",
            c->v->min_cell, c->v->sdc.rounding);
    int rc = rp_chart_flow(c, err);
    if (rc == LL_OK)
        flow_table(c);
    return rc;
}
