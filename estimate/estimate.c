/* Every row of SPEC section 6, in its order: binary outcomes, placements,
 * SDQ, the programme's own measures, care-leaver homelessness. */
#include "estimate_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const char *GT = "treated", *GC = "comparison", *GD = "treated-comparison";

/* Non-NA values of the field at off for group (1 treated, 0 comparison). */
static size_t collect(const est_ctx *x, size_t off, int group, double *v)
{
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++) {
        double d = EST_FIELD(&x->c[i], off);
        if (x->c[i].treated == group && !isnan(d))
            v[k++] = d;
    }
    return k;
}

/* Pairs (after, before) of one group where both are non-NA. */
static size_t collect_pairs(const est_ctx *x, size_t off_after, size_t off_before, int group,
                            double *after, double *before)
{
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++) {
        double a = EST_FIELD(&x->c[i], off_after), b = EST_FIELD(&x->c[i], off_before);
        if (x->c[i].treated == group && !isnan(a) && !isnan(b)) {
            after[k] = a;
            before[k++] = b;
        }
    }
    return k;
}

static size_t count_events(const double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i] != 0.0;
    return k;
}

#define ADD(r, ...)                                                                    \
    do {                                                                               \
        if (((r) = est_add(x->t, __VA_ARGS__)) == NULL)                                \
            return ll_error_set(x->err, LL_ENOMEM, "out of memory in estimates");      \
    } while (0)

int est_binary(est_ctx *x, const char *outcome, size_t off, int full)
{
    ll_estimate *r;
    size_t nt = collect(x, off, 1, x->a), nc = collect(x, off, 0, x->b);
    long xt = (long)count_events(x->a, nt), xc = (long)count_events(x->b, nc);
    ADD(r, outcome, "proportion", GT, NULL);
    est_proportion(r, xt, (long)nt, "x/n; Wilson score CI prop.test(x, n, correct=FALSE)");
    if (!x->opt->has_comparison)
        return LL_OK;
    ADD(r, outcome, "proportion", GC, NULL);
    est_proportion(r, xc, (long)nc, "x/n; Wilson score CI prop.test(x, n, correct=FALSE)");
    est_two by = {xt, (long)nt, xc, (long)nc};
    const char *names[] = {"risk_difference", "risk_ratio", "e_value", "e_value", "odds_ratio"};
    const char *terms[] = {NULL, NULL, "point", "ci_limit", NULL};
    ll_estimate *rows[5];
    for (int k = 0; k < 5; k++) {
        ADD(rows[k], outcome, names[k], GD, terms[k]);
        rows[k]->n = (long)(nt + nc);
        rows[k]->events = xt + xc;
    }
    est_contrasts(rows, &by);
    if (!full)
        return LL_OK;
    ADD(r, outcome, "adjusted_odds_ratio", GD, NULL);
    r->events = xt + xc;
    const char *why = est_binary_why(&by);
    if (why) {
        r->n = (long)(nt + nc);
        est_method(r, "%s", why);
    } else {
        int rc = est_adjusted_or(x, r, off);
        if (rc != LL_OK)
            return rc;
    }
    ADD(r, outcome, "mde", GD, NULL);
    r->n = (long)(nt + nc);
    r->events = xt + xc;
    est_mde(r, &by);
    return LL_OK;
}

/* mean per term, then mean_change, for one group; then (both groups) the
 * difference in differences. */
static int mean_rows(est_ctx *x, const char *outcome, const char *group, int g, size_t off,
                     const char *term)
{
    ll_estimate *r;
    ADD(r, outcome, "mean", group, term);
    size_t n = collect(x, off, g, x->a);
    est_mean(r, x->a, n);
    return LL_OK;
}

static int change_row(est_ctx *x, const char *outcome, const char *group, int g, size_t after,
                      size_t before, const char *term, const char *method)
{
    ll_estimate *r;
    ADD(r, outcome, "mean_change", group, term);
    size_t n = collect_pairs(x, after, before, g, x->a, x->b);
    est_paired(r, x->a, x->b, n, method);
    return LL_OK;
}

static int did_row(est_ctx *x, const char *outcome, size_t after, size_t before, const char *term,
                   const char *method)
{
    ll_estimate *r;
    ADD(r, outcome, "difference_in_differences", GD, term);
    size_t nt = collect_pairs(x, after, before, 1, x->a, x->b);
    for (size_t i = 0; i < nt; i++)
        x->a[i] -= x->b[i];
    size_t nc = collect_pairs(x, after, before, 0, x->a2, x->b2);
    for (size_t i = 0; i < nc; i++)
        x->a2[i] -= x->b2[i];
    est_welch(r, x->a, nt, x->a2, nc, method);
    return LL_OK;
}

#define OFF(f) offsetof(ll_est_child, f)

int est_placements(est_ctx *x)
{
    static const char *M = "t.test(after, before, paired=TRUE)";
    int groups = x->opt->has_comparison ? 2 : 1, rc;
    for (int k = 0; k < groups; k++) {
        int g = k == 0;
        const char *gn = g ? GT : GC;
        if ((rc = mean_rows(x, "placements", gn, g, OFF(placements_before), "before")) ||
            (rc = mean_rows(x, "placements", gn, g, OFF(placements_after), "after")) ||
            (rc = change_row(x, "placements", gn, g, OFF(placements_after), OFF(placements_before),
                             NULL, M)))
            return rc;
    }
    if (groups == 2)
        return did_row(x, "placements", OFF(placements_after), OFF(placements_before), NULL,
                       "Welch t.test(change_t, change_c), change = after - before");
    return LL_OK;
}

const char *ll_sdq_time_name(int k)
{
    static const char *const TIMES[LL_SDQ_NTIMES] = {"baseline", "year1", "year2", "year3"};
    return k >= 0 && k < LL_SDQ_NTIMES ? TIMES[k] : "?";
}

const char *ll_sdq_band_name(int b)
{
    static const char *const BANDS[LL_SDQ_NBANDS] = {"normal", "borderline", "high"};
    return b >= 0 && b < LL_SDQ_NBANDS ? BANDS[b] : "?";
}

/* Band limits per informant: normal up to the first, borderline up to the
 * second. */
int ll_sdq_band_of(double score, int informant)
{
    static const int L[3][2] = {{13, 16}, {11, 15}, {15, 19}};
    return score <= L[informant][0] ? 0 : score <= L[informant][1] ? 1 : 2;
}

static int band_rows(est_ctx *x, const char *gn, int g)
{
    for (int k = 0; k < LL_SDQ_NTIMES; k++) {
        size_t n = collect(x, OFF(sdq) + (size_t)k * sizeof(double), g, x->a);
        long cnt[LL_SDQ_NBANDS] = {0, 0, 0};
        for (size_t i = 0; i < n; i++)
            cnt[ll_sdq_band_of(x->a[i], x->opt->sdq_informant)]++;
        for (int b = 0; b < LL_SDQ_NBANDS; b++) {
            char term[32];
            ll_estimate *r;
            snprintf(term, sizeof term, "%s@%s", ll_sdq_band_name(b), ll_sdq_time_name(k));
            ADD(r, "sdq", "band_proportion", gn, term);
            est_proportion(r, cnt[b], (long)n, "share in band; Wilson CI prop.test(correct=FALSE)");
        }
    }
    return LL_OK;
}

int est_sdq(est_ctx *x)
{
    static const char *M = "t.test(sdq_k, sdq_0, paired=TRUE)";
    int groups = x->opt->has_comparison ? 2 : 1, rc;
    size_t s0 = OFF(sdq), step = sizeof(double);
    for (int k = 0; k < groups; k++) {
        int g = k == 0;
        const char *gn = g ? GT : GC;
        for (int t = 0; t < 4; t++)
            if ((rc = mean_rows(x, "sdq", gn, g, s0 + (size_t)t * step, ll_sdq_time_name(t))))
                return rc;
        if ((rc = change_row(x, "sdq", gn, g, s0 + step, s0, "year1", M)) ||
            (rc = change_row(x, "sdq", gn, g, s0 + 3 * step, s0, "year3", M)))
            return rc;
    }
    if (groups == 2 && (rc = did_row(x, "sdq", s0 + step, s0, "year1",
                                     "Welch t.test(change_t, change_c), change = sdq_1 - sdq_0")))
        return rc;
    if ((rc = est_mixed_model(x)))
        return rc;
    for (int k = 0; k < groups; k++)
        if ((rc = band_rows(x, k == 0 ? GT : GC, k == 0)))
            return rc;
    return LL_OK;
}

int est_programme(est_ctx *x)
{
    ll_estimate *r;
    size_t n = collect(x, OFF(identity_improved), 1, x->a);
    ADD(r, "identity_improved", "proportion", GT, NULL);
    est_proportion(r, (long)count_events(x->a, n), (long)n,
                   "x/n; Wilson score CI prop.test(x, n, correct=FALSE)");
    const size_t offs[2] = {OFF(connections_before), OFF(connections_after)};
    const char *terms[2] = {"before", "after"};
    for (int k = 0; k < 2; k++) {
        int rc = mean_rows(x, "connections", GT, 1, offs[k], terms[k]);
        if (rc)
            return rc;
        ADD(r, "connections", "median", GT, terms[k]);
        est_median(r, x->a, collect(x, offs[k], 1, x->a));
    }
    int rc = change_row(x, "connections", GT, 1, offs[1], offs[0], NULL,
                        "t.test(after, before, paired=TRUE)");
    if (rc)
        return rc;
    ADD(r, "connections", "wilcoxon_signed_rank", GT, NULL);
    n = collect_pairs(x, offs[1], offs[0], 1, x->a, x->b);
    est_wilcoxon(r, x->a, x->b, n);
    return LL_OK;
}

int ll_estimate_all(ll_estimates **out, const ll_est_child *c, size_t n,
                    const ll_est_options *opt, ll_error *err)
{
    est_ctx x = {.c = c, .n = n, .opt = opt, .err = err};
    int rc = LL_OK;
    *out = NULL;
    x.t = calloc(1, sizeof *x.t);
    x.a = malloc((n + 1) * sizeof(double));
    x.b = malloc((n + 1) * sizeof(double));
    x.a2 = malloc((n + 1) * sizeof(double));
    x.b2 = malloc((n + 1) * sizeof(double));
    if (!x.t || !x.a || !x.b || !x.a2 || !x.b2) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory in estimates");
        goto done;
    }
    if ((rc = est_binary(&x, "stable_12m", OFF(stable_12m), 1)) ||
        (rc = est_binary(&x, "homeless_ever", OFF(homeless_ever), 0)) ||
        (rc = est_placements(&x)) || (rc = est_sdq(&x)) || (rc = est_programme(&x)) ||
        (rc = est_homelessness(&x)) ||
        (rc = ll_estimate_summary(&x.t->summary, c, n, opt, err)))
        goto done;
done:
    free(x.a);
    free(x.b);
    free(x.a2);
    free(x.b2);
    if (rc != LL_OK) {
        ll_estimates_free(x.t);
        return rc;
    }
    *out = x.t;
    return LL_OK;
}
