/* Tests of the difference-in-differences statistic (include/lleval/did.h,
 * stats/did.c) on a tiny panel.  Every literal was printed by
 * fixtures/did/reference.R, which computes the cells in R from SPEC 11's
 * formulas (each ATT(g,t) also as the slope of lm(d ~ treated) on the
 * cell's units) without lleval's code; the panel is repeated here.
 *
 * Years 2010, 2011, 2012; units A, B start 2012, F starts 2011, C, D, E, G
 * never treated, G missing in 2011.  Cells (g, t): (2011, 2011) and
 * (2011, 2012) with base 2010; (2012, 2011) with the varying base 2010
 * (a pre-period); (2012, 2012) with base 2011. */
#include "lleval/did.h"

#include "testutil.h"

#define REL 1e-12
#define NU 7
#define NY 3

static const double Y[NU * NY] = {
    10, 12, 9,       /* A */
    14, 15, 11.5,    /* B */
    8, 5, 6,         /* F */
    11, 12.5, 13,    /* C */
    9, 9.5, 11,      /* D */
    13, 13, 15.25,   /* E */
    12, NAN, 14,     /* G */
};
static const int START[NU] = {2012, 2012, 2011, 0, 0, 0, 0};

/* The four cells of the panel, with their own member and inf arrays. */
typedef struct fixture {
    ll_did_cell cell[4];
    unsigned char member[4][NU];
    double inf[4][NU];
} fixture;

static void fixture_init(fixture *f)
{
    static const int g[4] = {2011, 2011, 2012, 2012}, t[4] = {2011, 2012, 2011, 2012};
    static const size_t ki[4] = {1, 2, 1, 2}, kb[4] = {0, 0, 0, 1};
    memset(f, 0, sizeof *f);
    for (int c = 0; c < 4; c++) {
        ll_did_cell *cl = &f->cell[c];
        cl->g = g[c];
        cl->t = t[c];
        cl->ki = ki[c];
        cl->kb = kb[c];
        cl->b = 2010 + (int)kb[c];
        cl->e = t[c] - g[c];
        cl->member = f->member[c];
        cl->inf = f->inf[c];
    }
}

START_TEST(test_cells)
{
    static const double att[4] = {-3.6666666666666674, -4.0625, 0.83333333333333348,
                                  -4.6666666666666679};
    static const size_t nT[4] = {1, 1, 2, 2}, nC[4] = {3, 4, 3, 3};
    static const double inf[4][NU] = {
        {0, 0, 0, -0.27777777777777779, 0.055555555555555546, 0.22222222222222221, 0},
        {0, 0, 0, 0.015625, 0.015625, -0.046875, 0.015625},
        {0.25, -0.25, 0, -0.27777777777777779, 0.055555555555555546, 0.22222222222222221, 0},
        {0.125, -0.125, 0, 0.30555555555555558, -0.027777777777777752, -0.27777777777777773, 0},
    };
    /* membership: 1 treated, 2 comparison, 0 not in the cell (other
     * group, or G's missing 2011) */
    static const unsigned char mem[4][NU] = {
        {0, 0, 1, 2, 2, 2, 0}, {0, 0, 1, 2, 2, 2, 2}, {1, 1, 0, 2, 2, 2, 0}, {1, 1, 0, 2, 2, 2, 0},
    };
    fixture f;
    fixture_init(&f);
    ll_did_cells_compute(f.cell, 4, Y, NU, NY, START, 1);
    for (int c = 0; c < 4; c++) {
        ck_assert_int_eq(f.cell[c].computable, 1);
        ck_assert_uint_eq(f.cell[c].n_treated, nT[c]);
        ck_assert_uint_eq(f.cell[c].n_comparison, nC[c]);
        ck_assert_rel(f.cell[c].att, att[c], REL);
        for (int u = 0; u < NU; u++) {
            ck_assert_uint_eq(f.member[c][u], mem[c][u]);
            if (inf[c][u] == 0)
                ck_assert_abs(f.inf[c][u], 0, 0);
            else
                ck_assert_rel(f.inf[c][u], inf[c][u], REL);
        }
    }
}
END_TEST

START_TEST(test_aggregates)
{
    fixture f;
    double a[NU], theta = 0, se = 0;
    fixture_init(&f);
    ll_did_cells_compute(f.cell, 4, Y, NU, NY, START, 1);
    /* overall: the post cells (2011, 2011), (2011, 2012), (2012, 2012) */
    ck_assert_int_eq(ll_did_aggregate(&theta, &se, a, f.cell, 4, NU, (ll_did_pick){1, 0}), 0);
    ck_assert_rel(theta, -4.2656250000000009, REL);
    ck_assert_rel(se, 0.15648853320389183, REL);
    /* event time 0: (2011, 2011) and (2012, 2012) */
    ck_assert_int_eq(ll_did_aggregate(&theta, &se, a, f.cell, 4, NU, (ll_did_pick){0, 0}), 0);
    ck_assert_rel(theta, -4.3333333333333339, REL);
    ck_assert_rel(se, 0.19641855032959654, REL);
    /* without a: the same estimate, se untouched */
    se = -1;
    ck_assert_int_eq(ll_did_aggregate(&theta, &se, NULL, f.cell, 4, NU, (ll_did_pick){1, 0}), 0);
    ck_assert_rel(theta, -4.2656250000000009, REL);
    ck_assert_abs(se, -1, 0);
    /* a single cell is its own aggregate */
    ck_assert_int_eq(ll_did_aggregate(&theta, &se, a, &f.cell[2], 1, NU, (ll_did_pick){0, -1}), 0);
    ck_assert_rel(theta, 0.83333333333333348, REL);
    /* no cell of event time 5 */
    ck_assert_int_eq(ll_did_aggregate(&theta, &se, a, f.cell, 4, NU, (ll_did_pick){0, 5}), -1);
    ck_assert(isnan(theta));
}
END_TEST

/* A cell with one comparison unit is not computable: NAN ATT, no
 * influence, no place in an aggregate; its members are still marked. */
START_TEST(test_not_computable)
{
    static const int start[NU] = {2012, 2012, 2011, 2011, 2011, 2011, 0};
    fixture f;
    double theta = 0, se = 0, a[NU];
    fixture_init(&f);
    ll_did_cells_compute(f.cell, 4, Y, NU, NY, start, 1);
    /* (2011, 2012): F, C, D, E treated, comparison G only */
    ck_assert_int_eq(f.cell[1].computable, 0);
    ck_assert_uint_eq(f.cell[1].n_treated, 4);
    ck_assert_uint_eq(f.cell[1].n_comparison, 1);
    ck_assert(isnan(f.cell[1].att));
    ck_assert_uint_eq(f.member[1][6], 2);
    ck_assert_uint_eq(f.member[1][3], 1);
    for (int u = 0; u < NU; u++)
        ck_assert_abs(f.inf[1][u], 0, 0);
    /* (2011, 2011) and (2012, 2012): G is missing in 2011, so no
     * comparison at all; no post cell is left for the overall effect */
    ck_assert_uint_eq(f.cell[0].n_comparison, 0);
    ck_assert_uint_eq(f.cell[3].n_comparison, 0);
    ck_assert_int_eq(ll_did_picked(&f.cell[0], (ll_did_pick){1, 0}), 0);
    ck_assert_int_eq(ll_did_aggregate(&theta, &se, a, f.cell, 4, NU, (ll_did_pick){1, 0}), -1);
    ck_assert(isnan(theta));
}
END_TEST

/* Means of 2012 by group (R: mean(y[start == s, 3])); none for a group
 * with no unit. */
START_TEST(test_group_mean)
{
    double m = 0;
    size_t n = 0;
    ll_did_group_mean(&m, &n, Y, NU, NY, START, 2012, 2);
    ck_assert_uint_eq(n, 2);
    ck_assert_rel(m, 10.25, REL);
    ll_did_group_mean(&m, &n, Y, NU, NY, START, 0, 2);
    ck_assert_uint_eq(n, 4);
    ck_assert_rel(m, 13.3125, REL);
    /* 2011: G is missing */
    ll_did_group_mean(&m, &n, Y, NU, NY, START, 0, 1);
    ck_assert_uint_eq(n, 3);
    ck_assert_rel(m, 35.0 / 3, REL);
    ll_did_group_mean(&m, &n, Y, NU, NY, START, 2015, 2);
    ck_assert_uint_eq(n, 0);
    ck_assert(isnan(m));
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {test_cells, test_aggregates, test_not_computable,
                                  test_group_mean, NULL};
    return tu_suite("did", tests, 0);
}
