/* Difference-in-differences cells, their influence terms and aggregates
 * (include/lleval/did.h, SPEC 11).  Every sum runs over the units, or the
 * cells, in their given order: the randomization inference of area/
 * compares each draw's estimate with the observed one, and a draw that
 * reproduces the observed assignment must give it to the last bit. */
#include "lleval/did.h"

#include <math.h>
#include <string.h>

int ll_did_picked(const ll_did_cell *c, ll_did_pick k)
{
    return c->computable && (k.overall ? c->t >= c->g : c->e == k.event);
}

/* The membership and influence terms of one computable-or-not cell, given
 * its treated and comparison means. */
static void cell_influence(ll_did_cell *cl, const double *y, size_t nunits, size_t nyears,
                           const int *start, double mT, double mC)
{
    for (size_t u = 0; u < nunits; u++) {
        int s = start[u];
        double yt = y[u * nyears + cl->ki], yb = y[u * nyears + cl->kb];
        cl->member[u] = 0;
        cl->inf[u] = 0;
        if ((s != cl->g && s != 0) || isnan(yt) || isnan(yb))
            continue;
        cl->member[u] = s ? 1 : 2;
        if (cl->computable)
            cl->inf[u] = s ? (yt - yb - mT) / (double)cl->n_treated
                           : -(yt - yb - mC) / (double)cl->n_comparison;
    }
}

void ll_did_cells_compute(ll_did_cell *cell, size_t ncells, const double *y, size_t nunits,
                          size_t nyears, const int *start, int with_inf)
{
    for (size_t c = 0; c < ncells; c++) {
        ll_did_cell *cl = &cell[c];
        double sT = 0, sC = 0;
        size_t nT = 0, nC = 0;
        for (size_t u = 0; u < nunits; u++) {
            int s = start[u];
            if (s != cl->g && s != 0)
                continue;
            double yt = y[u * nyears + cl->ki], yb = y[u * nyears + cl->kb];
            if (isnan(yt) || isnan(yb))
                continue;
            if (s)
                sT += yt - yb, nT++;
            else
                sC += yt - yb, nC++;
        }
        cl->n_treated = nT;
        cl->n_comparison = nC;
        cl->computable = nT >= 1 && nC >= 2;
        double mT = nT ? sT / (double)nT : NAN, mC = nC ? sC / (double)nC : NAN;
        cl->att = cl->computable ? mT - mC : NAN;
        if (with_inf)
            cell_influence(cl, y, nunits, nyears, start, mT, mC);
    }
}

int ll_did_aggregate(double *out, double *se, double *a, const ll_did_cell *cell, size_t ncells,
                     size_t nunits, ll_did_pick k)
{
    double tot = 0, theta = 0;
    *out = NAN;
    for (size_t c = 0; c < ncells; c++)
        if (ll_did_picked(&cell[c], k))
            tot += (double)cell[c].n_treated;
    if (tot == 0)
        return -1;
    for (size_t c = 0; c < ncells; c++)
        if (ll_did_picked(&cell[c], k))
            theta += (double)cell[c].n_treated / tot * cell[c].att;
    *out = theta;
    if (!a)
        return 0;
    memset(a, 0, nunits * sizeof *a);
    for (size_t c = 0; c < ncells; c++) {
        const ll_did_cell *cl = &cell[c];
        if (!ll_did_picked(cl, k))
            continue;
        double w = (double)cl->n_treated / tot;
        for (size_t u = 0; u < nunits; u++)
            a[u] += w * cl->inf[u];
    }
    double ss = 0;
    for (size_t u = 0; u < nunits; u++)
        ss += a[u] * a[u];
    *se = sqrt(ss);
    return 0;
}

void ll_did_group_mean(double *out, size_t *n, const double *y, size_t nunits, size_t nyears,
                       const int *start, int s, size_t k)
{
    double sum = 0;
    *n = 0;
    for (size_t u = 0; u < nunits; u++) {
        double v = y[u * nyears + k];
        if (start[u] == s && !isnan(v))
            sum += v, (*n)++;
    }
    *out = *n ? sum / (double)*n : NAN;
}
