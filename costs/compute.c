/* The whole cost-avoidance analysis (SPEC 7): parameters, the Monte Carlo,
 * switching values, the tornado, and the rows of secure/costs.csv.  With no
 * comparison group only the observed cost of the treated children's
 * placements is given, since nothing avoided can be estimated. */
#include "lleval/costs.h"

#include "lleval/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* SPEC 7: every two-sided 95% interval uses qnorm(0.975), not 1.96. */
static double z975(void)
{
    return gsl_cdf_ugaussian_Pinv(0.975);
}
#define NO_PROGRAMME_COST                                                      \
    "programme_cost_per_child not given: set it to compute net, benefit per " \
    "£1 and switching values"

/* ---- Parameters ---------------------------------------------------------- */

/* The model's defaults are the configuration table's ([costs]): the one
 * place where they are written. */
void ll_costs_params_init(ll_costs_params *out)
{
    ll_config cfg;
    ll_config_init(&cfg);
    memset(out, 0, sizeof *out);
    out->horizon_years = cfg.costs.horizon_years;
    out->discount_rate = cfg.costs.discount_rate;
    out->persistence = cfg.costs.persistence;
    out->attribution = cfg.costs.attribution;
    out->optimism_bias = cfg.costs.optimism_bias;
    out->cost_range = cfg.costs.cost_range;
    out->mc_draws = cfg.costs.mc_draws;
    out->seed = cfg.costs.seed;
    for (int i = 0; i < LL_COST_N; i++) {
        out->item[i].value = NAN;
        out->item[i].price_year = NULL;
        out->item[i].source = NULL;
    }
}

/* v within the configuration table's range of [costs] key. */
static int check_range(double v, const char *key, ll_error *err)
{
    double lo, hi;
    int open_hi;
    if (ll_config_key_range(&lo, &hi, &open_hi, "costs", key) != LL_OK)
        return ll_error_set(err, LL_EINTERNAL, "[costs] %s: not a numeric key", key);
    if (!(v >= lo && (open_hi ? v < hi : v <= hi)))
        return ll_error_set(err, LL_EINPUT, "[costs] %s = %g: must be from %g to %s%g", key,
                            v, lo, open_hi ? "below " : "", hi);
    return LL_OK;
}

int ll_costs_params_check(const ll_costs_params *p, ll_error *err)
{
    static const char *const KEYS[] = {"discount_rate", "persistence", "attribution",
                                       "optimism_bias", "cost_range"};
    const double v[] = {p->discount_rate, p->persistence, p->attribution, p->optimism_bias,
                        p->cost_range};
    int rc = check_range(p->horizon_years, "horizon_years", err);
    if (rc == LL_OK)
        rc = check_range((double)p->mc_draws, "mc_draws", err);
    for (size_t k = 0; rc == LL_OK && k < sizeof KEYS / sizeof *KEYS; k++)
        rc = check_range(v[k], KEYS[k], err);
    return rc;
}

/* ---- Rows ------------------------------------------------------------------ */

typedef struct rowbuf {
    ll_costs_result *r;
    size_t cap;
    int nomem;
} rowbuf;

static void set_text(char *dst, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void set_text(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

/* A new row with empty cells, or NULL (and b->nomem) when out of memory. */
static ll_costs_row *row_add(rowbuf *b, const char *component, const char *item)
{
    ll_costs_result *r = b->r;
    if (b->nomem)
        return NULL;
    if (r->n_rows == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        ll_costs_row *p = realloc(r->rows, cap * sizeof *p);
        if (p == NULL) {
            b->nomem = 1;
            return NULL;
        }
        r->rows = p;
        b->cap = cap;
    }
    ll_costs_row *w = &r->rows[r->n_rows++];
    memset(w, 0, sizeof *w);
    w->estimate = w->std_error = w->low = w->high = NAN;
    set_text(w->component, sizeof w->component, "%s", component);
    set_text(w->item, sizeof w->item, "%s", item);
    return w;
}

/* A row with an estimate, a unit and a note: the common case. */
static ll_costs_row *row_value(rowbuf *b, const char *component,
                               const char *item, double estimate,
                               const char *unit, const char *note)
{
    ll_costs_row *w = row_add(b, component, item);
    if (w != NULL) {
        w->estimate = estimate;
        set_text(w->unit, sizeof w->unit, "%s", unit);
        set_text(w->note, sizeof w->note, "%s", note);
    }
    return w;
}

static void rows_parameters(rowbuf *b, const ll_costs_params *p)
{
    const char *c = "parameter";
    if (p != NULL) {
        row_value(b, c, "horizon_years", p->horizon_years, "years",
                  "years t = 0 ... H-1 of placement savings");
        row_value(b, c, "discount_rate", p->discount_rate, "per year",
                  "year t discounted by (1 + r)^-t; year 0 undiscounted");
        row_value(b, c, "persistence", p->persistence, "share",
                  "year t keeps persistence^t of the first year's effect");
        row_value(b, c, "attribution", p->attribution, "share",
                  "share of the difference attributed to the programme");
        row_value(b, c, "optimism_bias", p->optimism_bias, "share",
                  "adjusted = gross x attribution x (1 - optimism_bias)");
        row_value(b, c, "cost_range", p->cost_range, "share",
                  "Monte Carlo: each cost triangular on value x (1 -/+ range), "
                  "mode at the value");
        row_value(b, c, "mc_draws", (double)p->mc_draws, "draws",
                  "gsl_rng_mt19937");
        row_value(b, c, "seed", (double)p->seed, "", "the same seed gives the same output");
    }
    ll_costs_row *w = row_value(b, c, "base_year", NAN, "",
                                "every £ figure is at base_year prices (GDP deflator)");
    if (w != NULL)
        set_text(w->price_year, sizeof w->price_year, "%s", b->r->base_year);
}

/* One deflator row per distinct year used (base year and price years). */
static void rows_deflator(rowbuf *b, const ll_costs_deflator *d)
{
    const ll_costs_result *r = b->r;
    for (size_t k = 0; k < ll_costs_deflator_size(d); k++) {
        const char *y = ll_costs_deflator_year(d, k);
        char note[512] = "";
        size_t len = 0;
        if (strcmp(y, r->base_year) == 0)
            len += (size_t)snprintf(note, sizeof note, "base year");
        for (int i = 0; i < LL_COST_N; i++)
            if (r->items[i].given && strcmp(r->items[i].price_year, y) == 0 &&
                len < sizeof note)
                len += (size_t)snprintf(note + len, sizeof note - len, "%s%s",
                                        len == 0 ? "price year of "
                                        : strstr(note, "price year") ? ", "
                                                                      : "; price year of ",
                                        ll_cost_key(i));
        if (len == 0)
            continue;
        ll_costs_row *w = row_value(b, "deflator", y, ll_costs_deflator_value(d, k),
                                    "index", note);
        if (w != NULL) {
            set_text(w->price_year, sizeof w->price_year, "%s", y);
            set_text(w->source, sizeof w->source, "%s", ll_costs_deflator_source(d, k));
        }
    }
}

static void unit_note(char *note, size_t cap, const ll_costs_unit_cost *c, int i,
                      const char *base)
{
    const char *who = c->user ? "user value " : "";
    if (!c->given)
        set_text(note, cap, "%s", NO_PROGRAMME_COST);
    else if (c->value == 0)
        set_text(note, cap, "%s0: not costed (no sourced default)", who);
    else if (c->price_year[0] == '\0')
        set_text(note, cap, "%s%g taken to be at base-year prices (no price year given)",
                 who, c->value);
    else
        set_text(note, cap, "%s%g at %s prices x D(%s)/D(%s) = %.6g%s", who,
                 c->value, c->price_year, base, c->price_year, c->deflator_ratio,
                 i == LL_COST_HOMELESSNESS
                     ? "; a one-off cost per homeless care leaver, not per year"
                     : i == LL_COST_WEEKLY_KINSHIP && !c->user
                           ? "; assumption: connected-persons carers are paid at "
                             "LA foster rates"
                           : "");
}

static void rows_units(rowbuf *b, double range, int with_range)
{
    const ll_costs_result *r = b->r;
    for (int i = 0; i < LL_COST_N; i++) {
        const ll_costs_unit_cost *c = &r->items[i];
        ll_costs_row *w = row_add(b, "unit_cost", ll_cost_key(i));
        if (w == NULL)
            return;
        w->estimate = c->uprated;
        if (with_range && c->given) {
            w->low = c->uprated * (1 - range);
            w->high = c->uprated * (1 + range);
        }
        set_text(w->unit, sizeof w->unit, "%s", c->unit);
        if (c->given)
            set_text(w->price_year, sizeof w->price_year, "%s", r->base_year);
        set_text(w->source, sizeof w->source, "%s", c->source);
        unit_note(w->note, sizeof w->note, c, i, r->base_year);
    }
}

static void row_effect(rowbuf *b, const char *item, const ll_costs_effect *e,
                       const char *unit, int binary, const ll_costs_effects *all)
{
    ll_costs_row *w = row_add(b, "effect", item);
    if (w == NULL)
        return;
    set_text(w->unit, sizeof w->unit, "%s", unit);
    if (!e->computable) {
        if (!binary && !all->placement_computable)
            set_text(w->note, sizeof w->note, "%s", all->placement_why);
        else
            set_text(w->note, sizeof w->note,
                     "not computable (treated n %zu, comparison n %zu: fewer than 2 "
                     "in a group): counted as 0",
                     e->n_t, e->n_c);
        return;
    }
    double z = z975();
    w->estimate = e->estimate;
    w->std_error = e->std_error;
    w->low = e->estimate - z * e->std_error;
    w->high = e->estimate + z * e->std_error;
    if (binary || !all->adjusted)
        set_text(w->note, sizeof w->note,
                 "crude: comparison %.6g (n %zu) - treated %.6g (n %zu); SE %s; low/high "
                 "estimate -/+ qnorm(0.975) SE",
                 e->mean_c, e->n_c, e->mean_t, e->n_t,
                 binary ? "sqrt(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c)" : "Welch");
    else if (e->zero)
        set_text(w->note, sizeof w->note,
                 "0 for every fitted row (%zu children): 0, no variance", all->n_fitted);
    else
        set_text(w->note, sizeof w->note,
                 "adjusted: -(AIPW ATT, SPEC 6/7) on %zu fitted rows (%zu treated), lm(y ~ "
                 "section 5 covariates + weeks_<g>_before) on the comparison rows; "
                 "influence-function SE; low/high estimate -/+ qnorm(0.975) SE; crude "
                 "comparison %.6g - treated %.6g",
                 all->n_fitted, all->n_fitted_treated, e->mean_c, e->mean_t);
}

static void rows_effects(rowbuf *b, const ll_costs_effects *e)
{
    char item[48];
    row_effect(b, "moves", &e->moves,
               "placements avoided per child in the year after index", 0, e);
    for (int g = 0; g < LL_PG_N; g++) {
        set_text(item, sizeof item, "weeks_%s", ll_placement_group_name(g));
        row_effect(b, item, &e->weeks[g],
                   "weeks per child in the year after index", 0, e);
    }
    row_effect(b, "homeless", &e->homeless,
               "proportion of care leavers ever homeless", 1, e);
}

static void rows_model(rowbuf *b, const ll_costs_params *p)
{
    const ll_costs_result *r = b->r;
    const ll_costs_model *m = &r->model;
    const ll_costs_inputs *in = &r->inputs;
    const char *c = "model", *gbp = "£";
    char item[48], note[256];
    row_value(b, c, "n_treated", in->n_treated, "children",
              "N: treated children of the cohort");
    row_value(b, c, "n_care_leavers", in->n_leavers, "children",
              "L: treated children with homeless_ever not NA");
    if (r->placement_computable) {
        double z = z975();
        set_text(note, sizeof note,
                 "A = c'Delta = moves x cost_per_move + sum over groups of weeks_g x "
                 "weekly_g; SE(A) = sqrt(c'Sigma c); low/high A -/+ qnorm(0.975) SE(A); "
                 "before adjustment (crude differences) %.6g", r->annual_saving_crude);
        ll_costs_row *w = row_value(b, c, "annual_saving_per_child", m->annual_saving,
                                    "£ per treated child per year", note);
        if (w != NULL) {
            w->std_error = r->annual_saving_se;
            w->low = m->annual_saving - z * r->annual_saving_se;
            w->high = m->annual_saving + z * r->annual_saving_se;
        }
    } else {
        row_value(b, c, "annual_saving_per_child", NAN, "£ per treated child per year",
                  r->placement_why);
    }
    row_value(b, c, "present_value_factor", m->pv_factor, "",
              "F = sum over t < H of persistence^t / (1 + discount_rate)^t");
    for (int t = 0; t < p->horizon_years; t++) {
        double f = pow(in->persistence, t) / pow(1 + in->discount_rate, t);
        set_text(item, sizeof item, "saving_year_%d", t);
        set_text(note, sizeof note, "N x A x %.6g (persistence^%d / (1 + r)^%d)", f, t, t);
        row_value(b, c, item, in->n_treated * m->annual_saving * f, gbp,
                  r->placement_computable ? note : r->placement_why);
    }
    const char *why = r->placement_computable ? NULL : r->placement_why;
    row_value(b, c, "saving_moves", m->saving_moves, gbp,
              why ? why : "N x F x moves x cost_per_move");
    for (int g = 0; g < LL_PG_N; g++) {
        set_text(item, sizeof item, "saving_weeks_%s", ll_placement_group_name(g));
        set_text(note, sizeof note, "N x F x weeks_%s x weekly_%s",
                 ll_placement_group_name(g), ll_placement_group_name(g));
        row_value(b, c, item, m->saving_weeks[g], gbp, why ? why : note);
    }
    row_value(b, c, "saving_placements", m->saving_placements, gbp, why ? why : "N x A x F");
    row_value(b, c, "saving_homelessness", m->saving_homeless, gbp,
              "L x homeless x homelessness_cost (one-off, not discounted)");
    row_value(b, c, "gross", m->gross, gbp,
              why ? why : "saving_placements + saving_homelessness");
    set_text(note, sizeof note, "gross x (attribution x (1 - optimism_bias) - 1) = gross x %.6g",
             in->attribution * (1 - in->optimism_bias) - 1);
    row_value(b, c, "adjustment", m->adjusted - m->gross, gbp, why ? why : note);
    row_value(b, c, "adjusted", m->adjusted, gbp,
              why ? why : "gross x attribution x (1 - optimism_bias)");
    int pc = r->has_programme_cost;
    row_value(b, c, "programme_cost", m->programme_cost, gbp,
              pc ? "N x programme_cost_per_child" : NO_PROGRAMME_COST);
    row_value(b, c, "net", m->net, gbp,
              !pc ? NO_PROGRAMME_COST : why ? why : "adjusted - programme_cost");
    row_value(b, c, "benefit_per_pound", m->benefit_per_pound, "£ per £1",
              !pc ? NO_PROGRAMME_COST : why ? why : "adjusted / programme_cost");
}

static void row_figure(rowbuf *b, const char *item, const ll_costs_figure *f,
                       const char *unit, int shown, const ll_costs_params *p)
{
    char name[48], note[256];
    const ll_costs_result *r = b->r;
    set_text(name, sizeof name, "%s_median", item);
    if (!shown || !r->placement_computable) {
        const char *why = !shown ? NO_PROGRAMME_COST : r->placement_why;
        row_value(b, "summary", item, NAN, unit, why);
        row_value(b, "summary", name, NAN, unit, why);
        return;
    }
    set_text(note, sizeof note,
             "deterministic value; low/high: 5th/95th percentiles of %ld Monte "
             "Carlo draws (seed %lu, R type 7)", p->mc_draws, p->seed);
    ll_costs_row *w = row_value(b, "summary", item, f->deterministic, unit, note);
    if (w != NULL) {
        w->low = f->p05;
        w->high = f->p95;
    }
    set_text(note, sizeof note,
             "Monte Carlo median; low/high: 5th/95th percentiles of %ld draws "
             "(seed %lu, R type 7)", p->mc_draws, p->seed);
    w = row_value(b, "summary", name, f->median, unit, note);
    if (w != NULL) {
        w->low = f->p05;
        w->high = f->p95;
    }
}

static void rows_summary(rowbuf *b, const ll_costs_params *p)
{
    const ll_costs_result *r = b->r;
    int pc = r->has_programme_cost;
    row_figure(b, "gross", &r->gross, "£", 1, p);
    row_figure(b, "net", &r->net, "£", pc, p);
    row_figure(b, "benefit_per_pound", &r->benefit_per_pound, "£ per £1", pc, p);
    const char *why = r->placement_computable ? NULL : r->placement_why;
    row_value(b, "summary", "share_net_positive", r->share_net_positive,
              "share of draws", !pc ? NO_PROGRAMME_COST
                                : why ? why : "share of Monte Carlo draws with net > 0");
    char note[256];
    if (pc)
        set_text(note, sizeof note,
                 "the moves effect at which net = 0, all else held (estimate %.6g)",
                 r->inputs.d_moves);
    row_value(b, "switching_value", "moves", r->switch_moves,
              "placements avoided per child in the year after index",
              !pc ? NO_PROGRAMME_COST
              : why ? why
              : isnan(r->switch_moves) ? "not computable: no saving per move to scale"
                                       : note);
    if (pc)
        set_text(note, sizeof note,
                 "the programme cost per child at which net = 0, all else held "
                 "(given %.6g)",
                 r->inputs.programme_cost_per_child);
    row_value(b, "switching_value", "programme_cost_per_child",
              r->switch_programme_cost, "£ per treated child",
              !pc ? NO_PROGRAMME_COST
              : why ? why
              : isnan(r->switch_programme_cost) ? "not computable: N = 0" : note);
}

static void rows_tornado(rowbuf *b)
{
    const ll_costs_result *r = b->r;
    const char *unit = r->has_programme_cost
                           ? "£ net"
                           : "£ adjusted saving (no programme cost given)";
    for (int k = 0; k < LL_COSTS_NTORNADO; k++) {
        const ll_costs_tornado *t = &r->tornado[k];
        int absent = strcmp(t->input, "programme_cost_per_child") == 0 &&
                     !r->has_programme_cost;
        char note[256];
        set_text(note, sizeof note,
                 "low/high at the input's low (%.6g) and high (%.6g) value; estimate "
                 "is the swing", t->input_low, t->input_high);
        ll_costs_row *w = row_value(b, "tornado", t->input, t->swing, unit,
                                    absent                     ? NO_PROGRAMME_COST
                                    : !r->placement_computable ? r->placement_why
                                                               : note);
        if (w != NULL) {
            w->low = t->net_low;
            w->high = t->net_high;
            set_text(w->price_year, sizeof w->price_year, "%s", r->base_year);
        }
    }
}

/* ---- Monte Carlo ------------------------------------------------------------ */

static double draw_normal(gsl_rng *rng, const ll_costs_effect *e)
{
    double u = gsl_rng_uniform_pos(rng); /* drawn even when not used */
    if (!e->computable)
        return 0;
    return e->estimate + e->std_error * gsl_cdf_ugaussian_Pinv(u);
}

/* S = V diag(sqrt(max(lambda, 0))) V', the symmetric square root of Sigma
 * (SPEC 7), row-major K x K: the placement components are drawn jointly
 * because a week in one kind of placement is a week not in another. */
static int sqrt_sigma(double *S, const ll_costs_effects *e, ll_error *err)
{
    enum { K = LL_COSTS_NCOMP };
    gsl_matrix *a = gsl_matrix_alloc(K, K), *v = gsl_matrix_alloc(K, K);
    gsl_vector *lam = gsl_vector_alloc(K);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(K);
    int rc = LL_OK;
    if (a == NULL || v == NULL || lam == NULL || w == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < K; k++)
        for (int l = 0; l < K; l++)
            gsl_matrix_set(a, k, l, e->cov[k][l]);
    int st = gsl_eigen_symmv(a, lam, v, w);
    if (st != GSL_SUCCESS) {
        rc = ll_error_set(err, LL_EINTERNAL, "costs: eigen-decomposition of Sigma: %s",
                          gsl_strerror(st));
        goto done;
    }
    for (int k = 0; k < K; k++)
        for (int l = 0; l < K; l++) {
            double x = 0;
            for (int j = 0; j < K; j++)
                x += gsl_matrix_get(v, k, j) * sqrt(fmax(gsl_vector_get(lam, j), 0)) *
                     gsl_matrix_get(v, l, j);
            S[k * K + l] = x;
        }
done:
    gsl_eigen_symmv_free(w);
    gsl_vector_free(lam);
    gsl_matrix_free(v);
    gsl_matrix_free(a);
    return rc;
}

/* One draw of the placement components: Delta + S z, z_k from one uniform
 * each in component order. */
static void draw_placements(ll_costs_inputs *in, gsl_rng *rng, const double *S,
                            const ll_costs_inputs *base)
{
    enum { K = LL_COSTS_NCOMP };
    double z[K], d[K];
    for (int k = 0; k < K; k++)
        z[k] = gsl_cdf_ugaussian_Pinv(gsl_rng_uniform_pos(rng));
    for (int k = 0; k < K; k++) {
        d[k] = k == 0 ? base->d_moves : base->d_weeks[k - 1];
        for (int l = 0; l < K; l++)
            d[k] += S[k * K + l] * z[l];
    }
    in->d_moves = d[0];
    for (int g = 0; g < LL_PG_N; g++)
        in->d_weeks[g] = d[1 + g];
}

static double draw_cost(gsl_rng *rng, double v, double range)
{
    double u = gsl_rng_uniform_pos(rng);
    if (isnan(v))
        return v;
    return ll_costs_triangular_inv(u, v * (1 - range), v, v * (1 + range));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts x and fills the percentiles; NAN when any draw is not finite. */
static void summarise(ll_costs_figure *f, double *x, size_t n)
{
    f->median = f->p05 = f->p95 = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return;
    qsort(x, n, sizeof *x, cmp_double);
    ll_stats_quantile_sorted(&f->p05, x, n, 0.05, NULL);
    ll_stats_quantile_sorted(&f->median, x, n, 0.5, NULL);
    ll_stats_quantile_sorted(&f->p95, x, n, 0.95, NULL);
}

static int monte_carlo(ll_costs_result *r, const ll_costs_params *p,
                       const ll_costs_effects *e, ll_error *err)
{
    size_t n = (size_t)p->mc_draws, positive = 0;
    double *g = malloc(n * sizeof *g), *net = malloc(n * sizeof *net);
    double *bpp = malloc(n * sizeof *bpp);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double S[LL_COSTS_NCOMP * LL_COSTS_NCOMP];
    int rc = LL_OK;
    if (g == NULL || net == NULL || bpp == NULL || rng == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = sqrt_sigma(S, e, err)) != LL_OK)
        goto done;
    gsl_rng_set(rng, p->seed);
    for (size_t k = 0; k < n; k++) {
        ll_costs_inputs in = r->inputs;
        ll_costs_model m;
        draw_placements(&in, rng, S, &r->inputs);
        in.d_homeless = draw_normal(rng, &e->homeless);
        for (int i = 0; i < LL_COSTS_NUNIT; i++)
            in.unit[i] = draw_cost(rng, r->inputs.unit[i], p->cost_range);
        in.programme_cost_per_child =
            draw_cost(rng, r->inputs.programme_cost_per_child, p->cost_range);
        ll_costs_model_eval(&m, &in);
        g[k] = m.gross;
        net[k] = m.net;
        bpp[k] = m.benefit_per_pound;
        positive += m.net > 0;
    }
    summarise(&r->gross, g, n);
    if (r->has_programme_cost) {
        summarise(&r->net, net, n);
        summarise(&r->benefit_per_pound, bpp, n);
        r->share_net_positive = (double)positive / (double)n;
    }
done:
    gsl_rng_free(rng);
    free(g);
    free(net);
    free(bpp);
    return rc;
}

/* ---- Tornado ------------------------------------------------------------------ */

static const char *const TORNADO_INPUTS[LL_COSTS_NTORNADO] = {
    "placement_effects", "homeless", "cost_per_move", "weekly_foster", "weekly_kinship",
    "weekly_residential", "weekly_semi_independent", "weekly_adoption", "weekly_parents",
    "weekly_other", "homelessness_cost", "programme_cost_per_child", "persistence",
    "discount_rate"};
#define T_UNIT0 2                          /* the first unit cost */
#define T_PROGRAMME (T_UNIT0 + LL_COSTS_NUNIT)

/* A pointer to input k inside in, and its low and high values.  The
 * placement effects move together, as A -/+ z SE(A) (SPEC 7). */
static double *tornado_input(ll_costs_inputs *in, int k, const ll_costs_result *r,
                             const ll_costs_effects *e, double range, double *lo,
                             double *hi)
{
    double *x, z = z975();
    if (k == 0) {
        *lo = r->model.annual_saving - z * r->annual_saving_se;
        *hi = r->model.annual_saving + z * r->annual_saving_se;
        return &in->annual_shift; /* set to the shift below */
    } else if (k == 1) {
        double se = e->homeless.computable ? e->homeless.std_error : 0;
        *lo = in->d_homeless - z * se, *hi = in->d_homeless + z * se;
        return &in->d_homeless;
    } else if (k < T_PROGRAMME)
        x = &in->unit[k - T_UNIT0];
    else if (k == T_PROGRAMME)
        x = &in->programme_cost_per_child;
    else if (k == T_PROGRAMME + 1) {
        *lo = 0, *hi = 1;
        return &in->persistence;
    } else {
        *lo = 0, *hi = 0.07;
        return &in->discount_rate;
    }
    *lo = *x * (1 - range), *hi = *x * (1 + range);
    return x;
}

static double tornado_net(const ll_costs_inputs *in, int has_pc)
{
    ll_costs_model m;
    ll_costs_model_eval(&m, in);
    return has_pc ? m.net : m.adjusted;
}

static int cmp_tornado(const void *a, const void *b)
{
    const ll_costs_tornado *x = a, *y = b;
    double sx = isnan(x->swing) ? -1 : x->swing, sy = isnan(y->swing) ? -1 : y->swing;
    if (sx != sy)
        return sx < sy ? 1 : -1;
    int ix = 0, iy = 0; /* ties keep the input order */
    while (TORNADO_INPUTS[ix] != x->input)
        ix++;
    while (TORNADO_INPUTS[iy] != y->input)
        iy++;
    return (ix > iy) - (ix < iy);
}

static void tornado(ll_costs_result *r, const ll_costs_params *p,
                    const ll_costs_effects *e)
{
    int has_pc = r->has_programme_cost;
    for (int k = 0; k < LL_COSTS_NTORNADO; k++) {
        ll_costs_tornado *t = &r->tornado[k];
        ll_costs_inputs in = r->inputs;
        double lo, hi;
        double *x = tornado_input(&in, k, r, e, p->cost_range, &lo, &hi);
        double shift = k == 0 ? r->model.annual_saving : 0; /* A is moved as a shift */
        t->input = TORNADO_INPUTS[k];
        t->input_low = lo;
        t->input_high = hi;
        *x = lo - shift;
        t->net_low = tornado_net(&in, has_pc);
        *x = hi - shift;
        t->net_high = tornado_net(&in, has_pc);
        if ((k == T_PROGRAMME && !has_pc) || !r->placement_computable)
            t->net_low = t->net_high = NAN;
        t->swing = fabs(t->net_high - t->net_low);
    }
    qsort(r->tornado, LL_COSTS_NTORNADO, sizeof r->tornado[0], cmp_tornado);
}

/* ---- Single group: the observed cost -------------------------------------- */

static void observed(rowbuf *b, const ll_costs_effects *e)
{
    ll_costs_result *r = b->r;
    const char *c = "observed";
    char item[48], note[256];
    const ll_costs_effect *mv = &e->moves;
    double cm = r->items[LL_COST_MOVE].uprated;
    double per_child = (mv->mean_t - 1) * cm;
    double total = (mv->mean_t - 1) * (double)mv->n_t * cm;
    row_value(b, c, "no_counterfactual", NAN, "",
              "comparison = none: without a comparison group nothing avoided "
              "can be estimated; these are the observed costs of the treated "
              "children's placements in the year after index");
    row_value(b, c, "n_treated", (double)e->n_treated, "children",
              "treated children of the cohort");
    set_text(note, sizeof note, "mean placements_after - 1 over %zu children "
             "with a complete year after index", mv->n_t);
    ll_costs_row *w = row_value(b, c, "new_placements", mv->mean_t - 1,
                                "new placements per child in the year after index", note);
    if (w != NULL)
        w->std_error = mv->se_t;
    row_value(b, c, "cost_new_placements", per_child, "£ per child",
              "new_placements x cost_per_move");
    for (int g = 0; g < LL_PG_N; g++) {
        const ll_costs_effect *wk = &e->weeks[g];
        double u = r->items[LL_COST_WEEKLY_FOSTER + g].uprated;
        set_text(item, sizeof item, "weeks_%s", ll_placement_group_name(g));
        set_text(note, sizeof note, "mean weeks_%s_after over %zu children",
                 ll_placement_group_name(g), wk->n_t);
        w = row_value(b, c, item, wk->mean_t, "weeks per child in the year after index", note);
        if (w != NULL)
            w->std_error = wk->se_t;
        set_text(item, sizeof item, "cost_weeks_%s", ll_placement_group_name(g));
        set_text(note, sizeof note, "weeks_%s x weekly_%s%s", ll_placement_group_name(g),
                 ll_placement_group_name(g), u == 0 ? " (not costed)" : "");
        row_value(b, c, item, wk->mean_t * u, "£ per child", note);
        per_child += wk->mean_t * u;
        total += wk->mean_t * (double)wk->n_t * u;
    }
    r->observed_per_child = per_child;
    r->observed_total = total;
    row_value(b, c, "cost_per_child", per_child, "£ per child",
              "observed cost of placements in the year after index");
    row_value(b, c, "cost_total", total, "£",
              "summed over the treated children with a complete year after index");
}

/* ---- Entry point ---------------------------------------------------------- */

static double effect_value(const ll_costs_effect *e)
{
    return e->computable ? e->estimate : 0;
}

/* A's standard error sqrt(c' Sigma c) and its crude value c'(mean_c - mean_t). */
static void annual_se(ll_costs_result *r, const ll_costs_effects *e)
{
    double c[LL_COSTS_NCOMP], crude = 0;
    c[0] = r->inputs.unit[LL_COST_MOVE];
    for (int g = 0; g < LL_PG_N; g++)
        c[1 + g] = r->inputs.unit[LL_COST_WEEKLY_FOSTER + g];
    for (int k = 0; k < LL_COSTS_NCOMP; k++) {
        const ll_costs_effect *x = k == 0 ? &e->moves : &e->weeks[k - 1];
        crude += c[k] * (x->mean_c - x->mean_t);
    }
    r->annual_saving_se = ll_stats_lincomb_se(c, &e->cov[0][0], LL_COSTS_NCOMP);
    r->annual_saving_crude = crude;
}

/* SPEC 7: without the placement effects, A and every figure built on it
 * are empty. */
static void blank_placements(ll_costs_result *r)
{
    ll_costs_model *m = &r->model;
    m->annual_saving = m->saving_moves = m->saving_placements = NAN;
    for (int g = 0; g < LL_PG_N; g++)
        m->saving_weeks[g] = NAN;
    m->gross = m->adjusted = m->net = m->benefit_per_pound = NAN;
    r->annual_saving_se = NAN;
    r->switch_moves = r->switch_programme_cost = NAN;
}

static void fill_inputs(ll_costs_result *r, const ll_costs_params *p,
                        const ll_costs_effects *e)
{
    ll_costs_inputs *in = &r->inputs;
    in->n_treated = (double)e->n_treated;
    in->n_leavers = (double)e->n_leavers;
    in->d_moves = effect_value(&e->moves);
    for (int g = 0; g < LL_PG_N; g++)
        in->d_weeks[g] = effect_value(&e->weeks[g]);
    in->d_homeless = effect_value(&e->homeless);
    for (int i = 0; i < LL_COSTS_NUNIT; i++)
        in->unit[i] = r->items[i].uprated;
    in->programme_cost_per_child = r->items[LL_COST_PROGRAMME].uprated;
    in->horizon_years = p->horizon_years;
    in->discount_rate = p->discount_rate;
    in->persistence = p->persistence;
    in->attribution = p->attribution;
    in->optimism_bias = p->optimism_bias;
}

static void result_blank(ll_costs_result *r)
{
    ll_costs_figure none = {NAN, NAN, NAN, NAN};
    r->gross = r->net = r->benefit_per_pound = none;
    r->share_net_positive = r->switch_moves = r->switch_programme_cost = NAN;
    r->observed_per_child = r->observed_total = NAN;
}

static int analyse(ll_costs_result *r, const ll_costs_params *p,
                   const ll_costs_effects *e, const ll_costs_deflator *d,
                   ll_error *err)
{
    rowbuf b = {r, 0, 0};
    r->has_comparison = e->has_comparison;
    r->has_programme_cost = r->items[LL_COST_PROGRAMME].given;
    r->placement_computable = e->placement_computable;
    set_text(r->placement_why, sizeof r->placement_why, "%s", e->placement_why);
    fill_inputs(r, p, e);
    if (!e->has_comparison) {
        rows_parameters(&b, NULL);
        rows_deflator(&b, d);
        rows_units(&b, p->cost_range, 0);
        observed(&b, e);
    } else {
        ll_costs_model_eval(&r->model, &r->inputs);
        r->switch_moves = ll_costs_switch_moves(&r->inputs);
        r->switch_programme_cost = r->has_programme_cost
                                       ? ll_costs_switch_programme_cost(&r->inputs)
                                       : NAN;
        annual_se(r, e);
        if (!r->placement_computable)
            blank_placements(r);
        r->gross.deterministic = r->model.gross;
        r->net.deterministic = r->model.net;
        r->benefit_per_pound.deterministic = r->model.benefit_per_pound;
        if (r->placement_computable) {
            int rc = monte_carlo(r, p, e, err);
            if (rc != LL_OK)
                return rc;
        }
        tornado(r, p, e);
        rows_parameters(&b, p);
        rows_deflator(&b, d);
        rows_effects(&b, e);
        rows_units(&b, p->cost_range, 1);
        rows_model(&b, p);
        rows_summary(&b, p);
        rows_tornado(&b);
    }
    return b.nomem ? ll_error_set(err, LL_ENOMEM, "out of memory") : LL_OK;
}

int ll_costs_compute(ll_costs_result **out, const ll_costs_params *params,
                     const ll_costs_effects *effects, ll_error *err)
{
    ll_costs_deflator *d = NULL;
    ll_costs_result *r = NULL;
    *out = NULL;
    int rc = ll_costs_params_check(params, err);
    if (rc != LL_OK)
        goto done;
    if (params->deflator_file != NULL && params->deflator_file[0] != '\0')
        rc = ll_costs_deflator_read(&d, params->deflator_file, err);
    else
        rc = ll_costs_deflator_builtin(&d, err);
    if (rc != LL_OK)
        goto done;
    const char *base = params->base_year != NULL && params->base_year[0] != '\0'
                           ? params->base_year
                           : ll_costs_deflator_latest(d);
    r = calloc(1, sizeof *r);
    if (r == NULL) {
        rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    result_blank(r);
    rc = ll_costs_units_resolve(r->items, params, d, base, err);
    if (rc != LL_OK)
        goto done;
    set_text(r->base_year, sizeof r->base_year, "%s", base);
    rc = analyse(r, params, effects, d, err);
done:
    ll_costs_deflator_free(d);
    if (rc != LL_OK)
        ll_costs_result_free(r);
    else
        *out = r;
    return rc;
}

void ll_costs_result_free(ll_costs_result *r)
{
    if (r == NULL)
        return;
    free(r->rows);
    free(r);
}
