/* Who a simulated child is: sex, age and date of first entry to care,
 * ethnicity, category of need, UASC or short breaks, latent instability,
 * and the fake identifiers (UPN, home postcode) that real returns carry and
 * the ingest must drop. */
#include "synth_internal.h"

#include "lleval/date.h"

#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DfE ethnicity codes; shares roughly those of children looked after in
 * England (white British about two thirds). */
static const char *const ETHNIC[] = {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA",
                                     "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB",
                                     "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};
static const syn_wt ETHNIC_W[] = {{0, 64}, {1, 0.8}, {2, 0.8}, {3, 5}, {4, 0.8}, {5, 3},
                                  {6, 1.8}, {7, 1.2}, {8, 4}, {9, 0.8}, {10, 1.8}, {11, 0.8},
                                  {12, 1.6}, {13, 1.4}, {14, 3.5}, {15, 1.6}, {16, 0.2},
                                  {17, 2.8}, {18, 0.7}, {19, 1.4}};
/* Unaccompanied asylum-seeking children. */
static const syn_wt ETHNIC_UASC_W[] = {{3, 6}, {8, 2}, {12, 22}, {14, 22}, {15, 14},
                                       {17, 30}, {19, 4}};

/* Category of need N1..N8 (index 0..7). */
static const syn_wt CIN_W[] = {{0, 62}, {1, 2.5}, {2, 3}, {3, 8}, {4, 14},
                               {5, 2}, {6, 0.5}, {7, 8}};

const char *syn_ethnic_code(int i)
{
    return ETHNIC[i];
}

long syn_birthday(long dob, int k)
{
    int y, m, d;
    ll_date_to_ymd(dob, &y, &m, &d);
    y += k;
    if (m == 2 && d == 29 && !ll_date_is_leap(y)) {
        m = 3;
        d = 1;
    }
    return ll_date_from_ymd(y, m, d);
}

int syn_age_years(long dob, long d)
{
    int yb, mb, db, y, m, dd;
    ll_date_to_ymd(dob, &yb, &mb, &db);
    ll_date_to_ymd(d, &y, &m, &dd);
    int age = y - yb;
    if (m < mb || (m == mb && dd < db))
        age--;
    return age;
}

/* Age in days at first entry: a peak at birth and another in the teens,
 * as in the national statistics (under 1: ~19%, 10-15: ~38%). */
static long entry_age_days(gsl_rng *r)
{
    static const syn_wt BAND[] = {{0, 20}, {1, 15}, {5, 17}, {10, 39}, {16, 9}};
    int band = SYN_PICK(r, BAND);
    double years;
    switch (band) {
    case 0:
        /* a third of the babies come into care in their first weeks */
        years = gsl_rng_uniform(r) < 0.33 ? gsl_rng_uniform(r) * 0.08 : gsl_rng_uniform(r);
        break;
    case 1: years = 1 + 4 * gsl_rng_uniform(r); break;
    case 5: years = 5 + 5 * gsl_rng_uniform(r); break;
    case 10: years = 10 + 6 * gsl_rng_uniform(r); break;
    default: years = 16 + 1.85 * gsl_rng_uniform(r); break;
    }
    return (long)(years * 365.25);
}

static void fake_upn(gsl_rng *r, char *buf, size_t size, int young)
{
    static const char L[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
    if (young || gsl_rng_uniform(r) < 0.04) {
        snprintf(buf, size, "UN%lu", young ? 1 : 2 + gsl_rng_uniform_int(r, 4));
        return;
    }
    /* one draw per statement, so that no compiler's argument order matters */
    unsigned long a = gsl_rng_uniform_int(r, 1000000);
    unsigned long b = gsl_rng_uniform_int(r, 1000000);
    char letter = L[gsl_rng_uniform_int(r, sizeof L - 1)];
    snprintf(buf, size, "%c%06lu%06lu", letter, a, b);
}

static void reset_history(syn_child *c)
{
    c->n_ep = 0;
    c->n_carer = 0;
    c->leave_day = -1;
    c->care_leaver = 0;
    c->referred = c->consent = 0;
    c->referral = c->start = c->fgc = c->end = -1;
    c->conn_before = c->conn_after = 0;
    c->identity = -1;
    c->cmp_tried = 0;
    c->cmp_index = -1;
}

void syn_child_draw(syn_ctx *x, syn_child *c)
{
    gsl_rng *r = x->rng;
    reset_history(c);
    /* Entry dates spread evenly from 18 years before the first collection
     * year: children already in care when the returns begin are those of
     * the earlier entrants who had not yet left. */
    long span = x->e - (x->w0 - 18 * 365L);
    c->entry = x->w0 - 18 * 365L + (long)gsl_rng_uniform_int(r, (unsigned long)span + 1);
    double u = gsl_rng_uniform(r);
    c->uasc = u < 0.05;
    c->short_breaks = !c->uasc && u < 0.075;
    long age_days;
    if (c->uasc)
        age_days = (long)((14.0 + 3.85 * gsl_ran_beta(r, 2.5, 1.6)) * 365.25);
    else if (c->short_breaks)
        age_days = (long)((4.0 + 11.0 * gsl_rng_uniform(r)) * 365.25);
    else
        age_days = entry_age_days(r);
    c->dob = c->entry - age_days;
    c->male = gsl_rng_uniform(r) < (c->uasc ? 0.92 : c->short_breaks ? 0.65 : 0.55);
    c->ethnic = c->uasc ? SYN_PICK(r, ETHNIC_UASC_W) : SYN_PICK(r, ETHNIC_W);
    c->cin = c->uasc ? (gsl_rng_uniform(r) < 0.85 ? 7 : 0) : c->short_breaks ? 1 : SYN_PICK(r, CIN_W);
    c->duc = c->uasc ? syn_birthday(c->dob, 18) - (long)gsl_rng_uniform_int(r, 8) : -1;
    c->z = gsl_ran_gaussian(r, 1.0);
    c->sdq_base = 12.0 + 2.2 * c->z + gsl_ran_gaussian(r, 3.5) + (c->cin == 1 ? 3.0 : 0.0);
    c->mother_day = -1;
    if (!c->male && !c->uasc && !c->short_breaks && gsl_rng_uniform(r) < 0.05)
        c->mother_day = c->dob + (long)((14.5 + 3.4 * gsl_rng_uniform(r)) * 365.25);
    fake_upn(r, c->upn, sizeof c->upn, age_days < 3 * 365 && gsl_rng_uniform(r) < 0.5);
    syn_fake_postcode(r, c->home_post, sizeof c->home_post);
}

void syn_child_free(syn_child *c)
{
    if (c == NULL)
        return;
    free(c->ep);
    free(c->carers);
    c->ep = NULL;
    c->carers = NULL;
    c->n_ep = c->cap_ep = c->n_carer = c->cap_carer = 0;
}
