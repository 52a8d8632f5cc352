/* The deterministic cost-avoidance model of SPEC 7, its switching values,
 * and the two small numerical pieces the Monte Carlo needs (triangular
 * inverse CDF, R's type-7 quantile). */
#include "lleval/costs.h"

#include <math.h>

static double pv_factor(const ll_costs_inputs *in)
{
    double f = 0;
    for (int t = 0; t < in->horizon_years; t++)
        f += pow(in->persistence, t) / pow(1 + in->discount_rate, t);
    return f;
}

static double adjustment(const ll_costs_inputs *in)
{
    return in->attribution * (1 - in->optimism_bias);
}

void ll_costs_model_eval(ll_costs_model *out, const ll_costs_inputs *in)
{
    double n = in->n_treated;
    double f = pv_factor(in);
    double a = in->d_moves * in->unit[LL_COST_MOVE];
    out->pv_factor = f;
    out->saving_moves = n * f * a;
    for (int g = 0; g < LL_PG_N; g++) {
        double w = in->d_weeks[g] * in->unit[LL_COST_WEEKLY_FOSTER + g];
        a += w;
        out->saving_weeks[g] = n * f * w;
    }
    out->annual_saving = a;
    out->saving_placements = n * a * f;
    out->saving_homeless =
        in->n_leavers * in->d_homeless * in->unit[LL_COST_HOMELESSNESS];
    out->gross = out->saving_placements + out->saving_homeless;
    out->adjusted = out->gross * adjustment(in);
    out->programme_cost = n * in->programme_cost_per_child; /* NAN propagates */
    out->net = out->adjusted - out->programme_cost;
    out->benefit_per_pound = out->programme_cost > 0
                                 ? out->adjusted / out->programme_cost
                                 : NAN;
}

/* net = k (N F (dm c_m + W) + H) - P = 0, solved for dm. */
double ll_costs_switch_moves(const ll_costs_inputs *in)
{
    double k = adjustment(in), f = pv_factor(in), n = in->n_treated;
    double cm = in->unit[LL_COST_MOVE];
    double p = n * in->programme_cost_per_child;
    if (isnan(p) || k == 0 || n * f * cm == 0)
        return NAN;
    double w = 0;
    for (int g = 0; g < LL_PG_N; g++)
        w += in->d_weeks[g] * in->unit[LL_COST_WEEKLY_FOSTER + g];
    double h = in->n_leavers * in->d_homeless * in->unit[LL_COST_HOMELESSNESS];
    return (p / k - n * f * w - h) / (n * f * cm);
}

double ll_costs_switch_programme_cost(const ll_costs_inputs *in)
{
    if (!(in->n_treated > 0))
        return NAN;
    ll_costs_model m;
    ll_costs_model_eval(&m, in);
    return m.adjusted / in->n_treated;
}

double ll_costs_triangular_inv(double u, double a, double c, double b)
{
    if (!(b > a))
        return a;
    double fc = (c - a) / (b - a);
    if (u < fc)
        return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1 - u) * (b - a) * (b - c));
}

