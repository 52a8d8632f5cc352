/* Difference-in-differences of a panel of units by year (SPEC 11): the
 * group-time effects ATT(g, t) of Callaway & Sant'Anna (2021) against
 * never-treated units, without covariates, with the "varying" base for the
 * pre-periods; their influence-function terms; a weighted aggregate of
 * cells (overall: the post-period cells; or one event time) with its
 * standard error clustered by unit; and the mean of one group in one year.
 *
 * The panel is y[u * nyears + k] (unit u, year index k; NAN missing) and
 * an assignment start[u] (the unit's group, its start year; 0 never
 * treated).  The caller (area/) builds the design (the cells, their years
 * and bases) and draws the assignments of the randomization inference;
 * every draw goes through the same functions in the same order of
 * summation as the observed assignment, so that a draw that reproduces the
 * observed assignment reproduces the observed estimate exactly.
 *
 * Formulas (SPEC 11), for cell (g, t) with base b and the units with
 * values in both t and b: treated T = {start = g}, comparison C =
 * {start = 0}; d_u = y_ut - y_ub;
 *   ATT(g,t) = mean_T d - mean_C d   (computable when |T| >= 1, |C| >= 2)
 *   inf_u    = (d_u - mean_T d) / |T| for u in T,
 *              -(d_u - mean_C d) / |C| for u in C, 0 otherwise
 *   theta    = sum_c w_c ATT_c, w_c = |T_c| / sum |T| over the picked cells
 *   a_u      = sum_c w_c inf_cu,  SE = sqrt(sum_u a_u^2).
 * Nothing here allocates or fails: the caller owns every array. */
#ifndef LLEVAL_DID_H
#define LLEVAL_DID_H

#include <stddef.h>

/* One group-time cell.  The caller fills g, t, b, e, ki and kb (and, for
 * the influence terms, member and inf: nunits each, its own);
 * ll_did_cells_compute fills the rest. */
typedef struct ll_did_cell {
    int g, t, b, e;          /* group (start year), year, base year, event time t - g */
    size_t ki, kb;           /* year indices of t and of b in the panel */
    size_t n_treated;        /* |T|: group-g units with values in t and b */
    size_t n_comparison;     /* |C|: never-treated units with values in t and b */
    double att;              /* ATT(g, t); NAN unless computable */
    int computable;          /* n_treated >= 1 and n_comparison >= 2 */
    unsigned char *member;   /* per unit: 0 not in the cell, 1 treated, 2 comparison */
    double *inf;             /* per unit: the cell's influence-function term */
} ll_did_cell;

/* Which cells an aggregate takes: the computable post-period cells
 * (overall = 1: t >= g), or the computable cells of one event time. */
typedef struct ll_did_pick {
    int overall;
    int event;
} ll_did_pick;

/* 1 when cell c is computable and taken by pick k, else 0. */
int ll_did_picked(const ll_did_cell *c, ll_did_pick k);

/* ATT of each of the ncells cells under the assignment start (nunits
 * entries) on the panel y (nunits x nyears, row-major by unit); with_inf:
 * also each cell's member and inf (which must then point at nunits
 * entries; they are overwritten).  Sums run over the units in order. */
void ll_did_cells_compute(ll_did_cell *cell, size_t ncells, const double *y, size_t nunits,
                          size_t nyears, const int *start, int with_inf);

/* The weighted aggregate theta of the cells picked by k into *out (NAN
 * when no cell is picked).  With a non-NULL a (nunits entries, the
 * caller's; needs the cells' inf) also the aggregate influence terms a_u
 * and into *se the clustered SE; se is left alone when a is NULL or no
 * cell is picked.  Returns 0, or -1 when no cell is picked. */
int ll_did_aggregate(double *out, double *se, double *a, const ll_did_cell *cell, size_t ncells,
                     size_t nunits, ll_did_pick k);

/* The mean of year index k over the units with start == s (0: the
 * never-treated) that have a value that year into *out (NAN when none),
 * and their number into *n. */
void ll_did_group_mean(double *out, size_t *n, const double *y, size_t nunits, size_t nyears,
                       const int *start, int s, size_t k);

#endif
