/* Participant flow under disclosure control, and section 2 of the report.
 * In flow.csv a stage's count plus its reasons is the count of the stage
 * before (for the outcome stages: of `analysed`); every count is shown as c
 * (1 to min_cell) or rounded on its own (SPEC 8 rule 1), which keeps a c
 * from being worked out from the stage before. */
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

/* One line of the flow: the row of a stage (at i) with its reason rows adds
 * up to its parent row.  When no count of the line is withheld, its first
 * reason that is not 0 is published as the published parent less the
 * published others (if that is a count above min_cell; a reader can tell
 * which from the line adding up),
 * so that the published line adds up and that reason tells nothing the
 * others do not.  Rounded on their own, the reasons of the outcome stages
 * each give the analysed children a fresh window of +-4, and a handful of
 * such windows pin the analysed count -- and with it a withheld count that
 * is its difference from the eligible one (test_attack found one in the
 * matched example). */
static void add_up(rp_flow *fl, const ll_sdc *s, size_t parent, size_t i)
{
    const ll_flow_row *r = &fl->row[i];
    long rest = fl->pub[parent] - fl->pub[i];
    size_t big = (size_t)-1;
    if (fl->pub[parent] < 0 || fl->pub[i] < 0)
        return;
    for (size_t j = i + 1; j < fl->n; j++) {
        const ll_flow_row *q = &fl->row[j];
        if (q->group != r->group || strcmp(q->stage, r->stage) || !q->reason[0])
            continue;
        if (fl->pub[j] < 0)
            return; /* a c in the line: each count rounded on its own */
        if (big == (size_t)-1 && q->n > 0)
            big = j;
        rest -= fl->pub[j];
    }
    if (big == (size_t)-1 || fl->row[big].n == 0)
        return;
    long derived = rest + fl->pub[big];
    if (derived > s->min_cell && derived % (s->rounding > 1 ? s->rounding : 1) == 0)
        fl->pub[big] = derived;
}

int rp_flow_build(rp_flow **out, rp_arena *a, const ll_flow *f, const ll_sdc *s, ll_error *err)
{
    rp_flow *fl = rp_alloc(a, sizeof *fl);
    size_t n = f ? f->n : 0;
    if (fl == NULL || (fl->pub = rp_alloc(a, (n + 1) * sizeof *fl->pub)) == NULL)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    fl->n = n;
    fl->row = f ? f->rows : NULL;
    for (size_t i = 0; i < n; i++) {
        long v = (long)fl->row[i].n;
        fl->pub[i] = ll_sdc_small(s, v) ? -1 : ll_sdc_round_count(v, s->rounding);
    }
    for (int g = 0; g < 2; g++) {
        long prev = -1, analysed = -1;
        for (size_t i = 0; i < n; i++) {
            const ll_flow_row *r = &fl->row[i];
            if ((int)r->group != g || r->reason[0])
                continue;
            int outcome = is_outcome_stage(r->stage);
            long parent = outcome ? analysed : prev;
            if (parent >= 0)
                add_up(fl, s, (size_t)parent, i);
            if (!outcome)
                prev = (long)i;
            if (!strcmp(r->stage, "analysed"))
                analysed = (long)i;
        }
    }
    *out = fl;
    return LL_OK;
}

const char *rp_flow_text(rp_arena *a, const rp_flow *fl, const char *stage, const char *reason,
                         ll_group g)
{
    for (size_t i = 0; fl && i < fl->n; i++) {
        const ll_flow_row *r = &fl->row[i];
        if (r->group == g && !strcmp(r->stage, stage) && !strcmp(r->reason, reason))
            return fl->pub[i] < 0 ? "c" : rp_printf(a, "%ld", fl->pub[i]);
    }
    return "";
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

static const char *cell(rp_arena *a, const rp_flow *fl, const ll_flow_row *key, ll_group g)
{
    const char *t = rp_flow_text(a, fl, key->stage, key->reason, g);
    return t[0] ? rp_printf(a, RP_NUM_ON "%s" RP_NUM_OFF, t) : t;
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
            "Numbers from 1 to %d are shown as c and every other number is rounded to the "
            "nearest %d; where no number of a stage is withheld, its largest reason is the "
            "rounded stage before less the others, so that the rows add up.",
            c->v->min_cell, c->v->sdc.rounding);
    int rc = rp_chart_flow(c, err);
    if (rc == LL_OK)
        flow_table(c);
    return rc;
}
