/* A child's care history and programme participation, simulated in
 * continuous time (whole days) from first entry to the data end.
 *
 * Competing hazards (leaving care, placement move, temporary placement,
 * referral to the programme, choice as a comparison child) are held
 * constant over steps of at most STEP days and between scheduled events
 * (legal-status changes, return from a temporary placement, adoption,
 * long-term confirmation, the 18th birthday, the programme's start date and
 * the end of its first year), so that the waiting time to the next event is
 * exponential within a step.  Every episode lasts at least one day. */
#include "synth_internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#define STEP 28L
#define NONE (-1L)
#define LEGAL_EXIT (-2) /* a scheduled legal change that ends the period instead */

enum { H_EXIT, H_MOVE, H_TEMP, H_REFER, H_CMP, H_N };

typedef struct sim {
    syn_ctx *x;
    syn_child *c;
    gsl_rng *r;
    long h;            /* horizon: the day after the data end */
    long t;            /* now */
    long pstart, spell_start;
    int spells;        /* placement spells begun in this period (SPEC 3) */
    int ls, place, carer, cin, provider;
    int temp, home_place, home_carer, home_provider;
    long temp_end;
    long legal_day;
    int legal_to;      /* LS code, or LEGAL_EXIT */
    long confirm_day, adopt_place_day, adopt_order_day;
    long b18;
    long pending_start, pending_cmp;
    int in_care;
    int status;        /* LL_OK or LL_ENOMEM */
} sim;

static double years(long days)
{
    return (double)days / 365.25;
}

static double age_at(const sim *s, long d)
{
    return years(d - s->c->dob);
}

static long lmin(long a, long b)
{
    return a < b ? a : b;
}

/* ---- episodes and carers ---- */

static int provider_for(gsl_rng *r, int place)
{
    static const syn_wt FOSTER[] = {{PROV_PR1, 55}, {PROV_PR4, 38}, {PROV_PR5, 5}, {PROV_PR2, 2}};
    static const syn_wt KIN[] = {{PROV_PR1, 95}, {PROV_PR2, 5}};
    static const syn_wt ADOPT[] = {{PROV_PR1, 60}, {PROV_PR2, 15}, {PROV_PR5, 25}};
    static const syn_wt SECURE[] = {{PROV_PR1, 40}, {PROV_PR2, 30}, {PROV_PR3, 30}};
    static const syn_wt HOME[] = {{PROV_PR4, 65}, {PROV_PR1, 25}, {PROV_PR5, 10}};
    static const syn_wt INDEP[] = {{PROV_PR4, 50}, {PROV_PR1, 35}, {PROV_PR5, 15}};
    static const syn_wt HEALTH[] = {{PROV_PR3, 60}, {PROV_PR1, 20}, {PROV_PR4, 20}};
    static const syn_wt OTHER[] = {{PROV_PR1, 40}, {PROV_PR4, 40}, {PROV_PR5, 20}};
    switch (place) {
    case PL_P1: return PROV_PR0;
    case PL_K1: return SYN_PICK(r, SECURE);
    case PL_K2: return SYN_PICK(r, HOME);
    case PL_R1: case PL_S1: case PL_H5: case PL_P2: return SYN_PICK(r, INDEP);
    case PL_R2: case PL_R3: case PL_R5: return SYN_PICK(r, HEALTH);
    case PL_Z1: return SYN_PICK(r, OTHER);
    default: break;
    }
    switch (syn_place_group(place)) {
    case GRP_FOSTER: return SYN_PICK(r, FOSTER);
    case GRP_KINSHIP: return SYN_PICK(r, KIN);
    case GRP_ADOPTION: return SYN_PICK(r, ADOPT);
    case GRP_TEMP: return PROV_NONE;
    default: return SYN_PICK(r, OTHER);
    }
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return LL_OK;
    size_t n = *cap ? *cap * 2 : 32;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (q == NULL)
        return LL_ENOMEM;
    *p = q;
    *cap = n;
    return LL_OK;
}

/* A new carer (household or unit) with its postcode, URN and provider. */
static int new_carer(sim *s, int place)
{
    syn_child *c = s->c;
    if (grow((void **)&c->carers, &c->cap_carer, c->n_carer + 1, sizeof *c->carers)) {
        s->status = LL_ENOMEM;
        return -1;
    }
    syn_carer *k = &c->carers[c->n_carer];
    gsl_rng *r = s->r;
    syn_fake_postcode(r, k->post, sizeof k->post);
    k->urn[0] = '\0';
    if (syn_place_has_urn(place))
        snprintf(k->urn, sizeof k->urn, "SC%06lu", 100000 + gsl_rng_uniform_int(r, 900000));
    s->provider = provider_for(r, place);
    return (int)c->n_carer++;
}

static void ep_push(sim *s, long day, int rne)
{
    syn_child *c = s->c;
    if (grow((void **)&c->ep, &c->cap_ep, c->n_ep + 1, sizeof *c->ep)) {
        s->status = LL_ENOMEM;
        return;
    }
    syn_episode *e = &c->ep[c->n_ep++];
    e->decom = day;
    e->dec = SYN_OPEN;
    e->pstart = s->pstart;
    e->carer = s->carer;
    e->rne = (unsigned char)rne;
    e->ls = (unsigned char)s->ls;
    e->cin = (unsigned char)s->cin;
    e->place = (unsigned char)s->place;
    e->provider = (unsigned char)(s->carer < 0 ? PROV_NONE : s->provider);
    e->rec = REC_NONE;
    e->rpc = RPC_NONE;
}

static void ep_close(sim *s, long day, int rec, int rpc)
{
    syn_episode *e = &s->c->ep[s->c->n_ep - 1];
    e->dec = day;
    e->rec = (unsigned char)rec;
    e->rpc = (unsigned char)rpc;
}

/* ---- choices ---- */

/* PLACE of a new placement (a new period or a move) for the child's age,
 * legal status and history. */
static int choose_place(sim *s, long d)
{
    static const syn_wt BABY[] = {{PL_U6, 62}, {PL_U3, 10}, {PL_U5, 7}, {PL_R3, 9},
                                  {PL_P1, 5}, {PL_U4, 3}, {PL_U2, 2}};
    static const syn_wt YOUNG[] = {{PL_U6, 70}, {PL_U3, 17}, {PL_U4, 4}, {PL_P1, 4},
                                   {PL_U5, 2}, {PL_U1, 2}};
    static const syn_wt CHILD[] = {{PL_U6, 68}, {PL_U3, 16}, {PL_U4, 5}, {PL_P1, 4},
                                   {PL_K2, 3}, {PL_U1, 2}, {PL_Z1, 1}, {PL_R2, 0.5}};
    static const syn_wt TEEN[] = {{PL_U6, 52}, {PL_U3, 10}, {PL_U4, 4}, {PL_K2, 18},
                                  {PL_R1, 6}, {PL_K1, 1.5}, {PL_S1, 2}, {PL_P1, 3},
                                  {PL_Z1, 2}, {PL_U1, 1}, {PL_R2, 0.5}};
    static const syn_wt OLDER[] = {{PL_U6, 26}, {PL_U3, 5}, {PL_H5, 32}, {PL_K2, 13},
                                   {PL_R1, 8}, {PL_P2, 9}, {PL_Z1, 3}, {PL_P1, 2},
                                   {PL_K1, 1}, {PL_R5, 1}};
    static const syn_wt UASC_YOUNG[] = {{PL_U6, 70}, {PL_K2, 20}, {PL_R1, 6}, {PL_U3, 4}};
    static const syn_wt UASC_OLDER[] = {{PL_H5, 55}, {PL_U6, 25}, {PL_K2, 10}, {PL_P2, 10}};
    static const syn_wt REMAND[] = {{PL_R5, 15}, {PL_K1, 25}, {PL_U6, 35}, {PL_K2, 25}};
    static const syn_wt ADOPTION_PATH[] = {{PL_U6, 80}, {PL_U5, 10}, {PL_U3, 10}};
    gsl_rng *r = s->r;
    double a = age_at(s, d);
    if (s->ls == LS_J1 || s->ls == LS_J2 || s->ls == LS_J3)
        return SYN_PICK(r, REMAND);
    if (s->ls == LS_E1)
        return SYN_PICK(r, ADOPTION_PATH);
    if (s->c->uasc)
        return a < 16 ? SYN_PICK(r, UASC_YOUNG) : SYN_PICK(r, UASC_OLDER);
    if (a < 1)
        return SYN_PICK(r, BABY);
    if (a < 5)
        return SYN_PICK(r, YOUNG);
    if (a < 10)
        return SYN_PICK(r, CHILD);
    if (a < 16) {
        /* after several breakdowns, residential care becomes likelier */
        if (s->spells >= 3 && gsl_rng_uniform(r) < 0.25)
            return gsl_rng_uniform(r) < 0.75 ? PL_K2 : PL_R1;
        return SYN_PICK(r, TEEN);
    }
    return SYN_PICK(r, OLDER);
}

static int is_remand(int ls)
{
    return ls == LS_J1 || ls == LS_J2 || ls == LS_J3;
}

/* REC when the period ends other than at 18 or by adoption. */
static int exit_rec(sim *s, long d)
{
    static const syn_wt UASC[] = {{REC_E15, 15}, {REC_E8, 30}, {REC_E3, 15}, {REC_E16, 10},
                                  {REC_E4B, 10}, {REC_E5, 10}, {REC_E6, 10}};
    static const syn_wt UASC_YOUNG[] = {{REC_E8, 40}, {REC_E3, 30}, {REC_E16, 15}, {REC_E4B, 15}};
    static const syn_wt OLDER[] = {{REC_E4A, 25}, {REC_E4B, 8}, {REC_E13, 12}, {REC_E5, 20},
                                   {REC_E6, 10}, {REC_E8, 15}, {REC_E9, 3}, {REC_E3, 5},
                                   {REC_E16, 2}};
    static const syn_wt KIN[] = {{REC_E43, 35}, {REC_E45, 20}, {REC_E41, 20}, {REC_E4A, 15},
                                 {REC_E8, 5}, {REC_E3, 5}};
    static const syn_wt ORDER[] = {{REC_E4A, 40}, {REC_E41, 12}, {REC_E44, 8}, {REC_E46, 6},
                                   {REC_E47, 3}, {REC_E48, 2}, {REC_E13, 6}, {REC_E8, 10},
                                   {REC_E3, 5}, {REC_E4B, 5}, {REC_E2, 0.3}};
    static const syn_wt VOL[] = {{REC_E4A, 62}, {REC_E4B, 8}, {REC_E13, 8}, {REC_E41, 3},
                                 {REC_E3, 4}, {REC_E8, 12}, {REC_E16, 2}, {REC_E2, 0.2}};
    static const syn_wt REVOKED[] = {{REC_E41, 50}, {REC_E4A, 50}};
    gsl_rng *r = s->r;
    if (s->c->uasc)
        return age_at(s, d) >= 16 ? SYN_PICK(r, UASC) : SYN_PICK(r, UASC_YOUNG);
    if (is_remand(s->ls))
        return REC_E14;
    if (age_at(s, d) >= 16)
        return SYN_PICK(r, OLDER);
    if (s->ls == LS_E1)
        return SYN_PICK(r, REVOKED);
    int g = syn_place_group(s->temp ? s->home_place : s->place);
    if (g == GRP_KINSHIP && (s->ls == LS_C1 || s->ls == LS_C2))
        return SYN_PICK(r, KIN);
    if (s->ls == LS_C1 || s->ls == LS_C2)
        return SYN_PICK(r, ORDER);
    return SYN_PICK(r, VOL);
}

static int exit_rec_18(sim *s)
{
    static const syn_wt FOSTER[] = {{REC_E17, 40}, {REC_E5, 25}, {REC_E6, 8}, {REC_E8, 15},
                                    {REC_E13, 12}};
    static const syn_wt RESID[] = {{REC_E5, 45}, {REC_E6, 15}, {REC_E8, 20}, {REC_E7, 4},
                                   {REC_E13, 16}};
    static const syn_wt SEMI[] = {{REC_E5, 40}, {REC_E6, 30}, {REC_E8, 20}, {REC_E13, 10}};
    static const syn_wt OTHER[] = {{REC_E5, 40}, {REC_E8, 40}, {REC_E13, 20}};
    switch (syn_place_group(s->temp ? s->home_place : s->place)) {
    case GRP_FOSTER: case GRP_KINSHIP: return SYN_PICK(s->r, FOSTER);
    case GRP_RESIDENTIAL: return SYN_PICK(s->r, RESID);
    case GRP_SEMI: return SYN_PICK(s->r, SEMI);
    default: return SYN_PICK(s->r, OTHER);
    }
}

static int move_reason(gsl_rng *r)
{
    static const syn_wt RPC[] = {{RPC_CARPL, 40}, {RPC_CREQB, 12}, {RPC_CREQO, 8},
                                 {RPC_LAREQ, 8}, {RPC_CHILD, 7}, {RPC_PLACE, 3},
                                 {RPC_CLOSE, 6}, {RPC_STAND, 4}, {RPC_ALLEG, 3},
                                 {RPC_APPRR, 2}, {RPC_OTHER, 7}};
    return SYN_PICK(r, RPC);
}

/* ---- scheduling of legal-status changes ---- */

static long after(sim *s, double mean_days, double min_days)
{
    return s->t + (long)ceil(min_days + gsl_ran_exponential(s->r, mean_days));
}

/* Schedules what follows the legal status just entered. */
static void schedule_legal(sim *s)
{
    gsl_rng *r = s->r;
    double a = age_at(s, s->t);
    s->legal_day = NONE;
    switch (s->ls) {
    case LS_L1:
    case LS_L2:
        s->legal_day = after(s, s->ls == LS_L1 ? 4 : 8, 1);
        s->legal_to = gsl_rng_uniform(r) < 0.12 ? LEGAL_EXIT
                      : gsl_rng_uniform(r) < (s->ls == LS_L1 ? 0.5 : 0.75) ? LS_C1 : LS_V2;
        break;
    case LS_J1: s->legal_day = after(s, 35, 7); s->legal_to = gsl_rng_uniform(r) < 0.7 ? LEGAL_EXIT : LS_V2; break;
    case LS_J2: s->legal_day = after(s, 2, 1); s->legal_to = gsl_rng_uniform(r) < 0.8 ? LEGAL_EXIT : LS_V2; break;
    case LS_J3: s->legal_day = after(s, 60, 60); s->legal_to = gsl_rng_uniform(r) < 0.7 ? LEGAL_EXIT : LS_V2; break;
    case LS_V2:
        if (gsl_rng_uniform(r) < (s->c->uasc ? 0.02 : a < 16 ? 0.2 : 0.04)) {
            s->legal_day = after(s, 150, 14);
            s->legal_to = LS_C1;
        }
        break;
    case LS_C1: {
        /* care proceedings: the 26-week target, often exceeded */
        double dur = 280 + gsl_ran_gaussian(r, 80);
        s->legal_day = s->t + (long)(dur < 60 ? 60 : dur > 700 ? 700 : dur);
        double u = gsl_rng_uniform(r);
        s->legal_to = u < 0.80 ? LS_C2 : u < 0.95 ? LEGAL_EXIT : LS_V2;
        break;
    }
    case LS_C2:
        /* young children on the adoption path get a placement order */
        if (a < 5 && gsl_rng_uniform(r) < (a < 2 ? 0.65 : 0.35)) {
            s->legal_day = after(s, 20, 1);
            s->legal_to = LS_E1;
        }
        break;
    default: break;
    }
}

/* Long-term confirmation of a foster or kinship placement (U6 -> U4,
 * U3 -> U1: new placement, same carer). */
static void schedule_confirm(sim *s)
{
    s->confirm_day = NONE;
    if (s->ls == LS_C2 && (s->place == PL_U6 || s->place == PL_U3) && age_at(s, s->t) < 15 &&
        gsl_rng_uniform(s->r) < 0.45)
        s->confirm_day = (s->spell_start > s->t ? s->spell_start : s->t) + 270 +
                         (long)gsl_ran_gamma(s->r, 2, 200);
}

/* ---- events ---- */

static void end_period(sim *s, long d, int rec)
{
    ep_close(s, d, rec, RPC_NONE);
    s->in_care = 0;
    s->temp = 0;
    /* work that had not begun before the child left does not begin */
    s->pending_start = NONE;
    s->pending_cmp = NONE;
}

static void begin_spell(sim *s, long d)
{
    s->spell_start = d;
    s->spells++;
}

static void do_move(sim *s, long d, int rne, int rpc)
{
    ep_close(s, d, REC_X1, rpc);
    s->place = choose_place(s, d);
    s->carer = new_carer(s, s->place);
    ep_push(s, d, rne);
    begin_spell(s, d);
    schedule_confirm(s);
    if (s->adopt_order_day != NONE && syn_place_group(s->place) != GRP_ADOPTION) {
        /* an adoptive placement broke down */
        s->adopt_order_day = NONE;
        s->adopt_place_day = gsl_rng_uniform(s->r) < 0.5 ? d + 120 + (long)gsl_ran_exponential(s->r, 200) : NONE;
    }
}

static void do_temp(sim *s, long d)
{
    static const syn_wt T[] = {{PL_T1, 20}, {PL_T2, 20}, {PL_T3, 40}, {PL_T4, 20}};
    static const double MEAN[] = {8, 6, 7, 2, 3}; /* T0..T4 */
    ep_close(s, d, REC_X1, RPC_NONE);
    s->home_place = s->place;
    s->home_carer = s->carer;
    s->home_provider = s->provider;
    /* T0 replaced T1-T4 in later returns; use it for a third of the newest */
    s->place = d >= s->x->e - 365 && gsl_rng_uniform(s->r) < 0.33 ? PL_T0 : SYN_PICK(s->r, T);
    s->carer = -1;
    ep_push(s, d, RNE_P);
    s->temp = 1;
    s->temp_end = d + 1 + (long)gsl_ran_exponential(s->r, MEAN[s->place - PL_T0]);
}

static void do_temp_return(sim *s, long d)
{
    ep_close(s, d, REC_X1, RPC_NONE);
    s->temp = 0;
    if (gsl_rng_uniform(s->r) < 0.9) {
        s->place = s->home_place;
        s->carer = s->home_carer;
        s->provider = s->home_provider;
    } else {
        /* back to a different home: real, but not a move by SPEC 3 */
        s->place = choose_place(s, d);
        s->carer = new_carer(s, s->place);
    }
    ep_push(s, d, RNE_P);
}

static void do_legal(sim *s, long d)
{
    int to = s->legal_to;
    s->legal_day = NONE;
    if (to == LEGAL_EXIT) {
        int rec;
        if (s->ls == LS_L1 || s->ls == LS_L2)
            rec = gsl_rng_uniform(s->r) < 0.85 ? REC_E4A : REC_E13;
        else if (s->ls == LS_J3)
            rec = REC_E8;
        else
            rec = exit_rec(s, d);
        end_period(s, d, rec);
        return;
    }
    int from = s->ls;
    double p_new_home = (from == LS_L1 || from == LS_L2 || is_remand(from)) ? 0.3
                        : from == LS_V2 ? 0.15 : 0.05;
    s->ls = to;
    if (to != LS_E1 && gsl_rng_uniform(s->r) < p_new_home) {
        do_move(s, d, RNE_B, RPC_CARPL);
    } else {
        ep_close(s, d, REC_X1, RPC_NONE);
        ep_push(s, d, RNE_L);
    }
    s->t = d;
    schedule_legal(s);
    if (to == LS_C2 && s->confirm_day == NONE)
        schedule_confirm(s);
    if (to == LS_E1)
        s->adopt_place_day = d + 60 + (long)gsl_ran_gamma(s->r, 2, 80);
}

static void do_adoption_placement(sim *s, long d)
{
    s->adopt_place_day = NONE;
    if (s->place == PL_U5 || s->place == PL_U2) {
        /* fostering-for-adoption carers become the adopters */
        ep_close(s, d, REC_X1, RPC_PLACE);
        s->place = PL_A5;
        ep_push(s, d, RNE_T);
        begin_spell(s, d);
    } else {
        ep_close(s, d, REC_X1, RPC_CARPL);
        s->place = PL_A6;
        s->carer = new_carer(s, s->place);
        ep_push(s, d, RNE_P);
        begin_spell(s, d);
    }
    s->confirm_day = NONE;
    s->adopt_order_day = d + 120 + (long)gsl_ran_gamma(s->r, 3, 70);
}

static void do_confirm(sim *s, long d)
{
    s->confirm_day = NONE;
    ep_close(s, d, REC_X1, RPC_PLACE);
    s->place = s->place == PL_U6 ? PL_U4 : PL_U1;
    ep_push(s, d, RNE_T);
    begin_spell(s, d);
}

/* ---- the programme ---- */

static int trial_eligible(const sim *s, double age)
{
    int g = syn_place_group(s->place);
    return age < 16 && years(s->t - s->pstart) < 3 && g != GRP_ADOPTION && g != GRP_PARENTS &&
           s->ls != LS_E1;
}

/* Log of the yearly referral hazard: practitioners refer younger children
 * in settled foster or kinship homes on care orders, with few moves behind
 * them, who meet the programme's criteria.  settle_coef weighs the years
 * in the current placement. */
static double selection_eta(const sim *s, double settle_coef)
{
    double a = age_at(s, s->t);
    int g = syn_place_group(s->temp ? s->home_place : s->place);
    double yip = years(s->t - s->spell_start);
    double eta = 0;
    eta += g == GRP_FOSTER || g == GRP_KINSHIP ? 0.7 : g == GRP_RESIDENTIAL ? -0.2
           : g == GRP_SEMI ? -0.6 : 0;
    eta += settle_coef * (yip < 4 ? yip : 4);
    eta -= 0.2 * (s->spells - 1 < 6 ? s->spells - 1 : 6);
    eta += s->ls == LS_C1 || s->ls == LS_C2 ? 0.35 : 0;
    eta += a < 5 ? -1.6 : a >= 16 ? -1.0 : a >= 10 ? 0.25 : 0;
    eta += s->c->uasc ? -0.7 : 0;
    eta += trial_eligible(s, a) ? 0 : log(0.06);
    return eta;
}

/* Yearly hazard of leaving care (other than at 18 or by adoption). */
static double exit_hazard(const sim *s)
{
    double a = age_at(s, s->t);
    double ex;
    if (s->c->uasc)
        ex = 0.06;
    else if (s->ls == LS_V2)
        ex = 0.25 + 1.1 * exp(-years(s->t - s->pstart) / 0.5); /* quick returns home */
    else if (s->ls == LS_C1)
        ex = 0.12;
    else if (s->ls == LS_C2)
        ex = 0.05 + (syn_place_group(s->place) == GRP_KINSHIP ? 0.12 : 0); /* SGOs */
    else if (s->ls == LS_E1)
        ex = 0.01;
    else
        ex = 0.2;
    if (a >= 16 && !s->c->uasc)
        ex += 0.2;
    if (s->place == PL_P1)
        ex += 0.4;
    return s->temp ? ex * 0.5 : ex;
}

/* Yearly hazard of a placement move: by kind of placement and age, higher
 * for less stable children (z), early in a placement and after many moves,
 * and lower in the year after the programme starts. */
static double move_hazard(const sim *s)
{
    static const double BASE[PL_N] = {
        [PL_A3] = 0.04, [PL_A4] = 0.04, [PL_A5] = 0.04, [PL_A6] = 0.04, [PL_H5] = 0.45,
        [PL_K1] = 1.5,  [PL_K2] = 0.65, [PL_P1] = 0.3,  [PL_P2] = 0.35, [PL_R1] = 0.6,
        [PL_R2] = 1.0,  [PL_R3] = 1.8,  [PL_R5] = 1.2,  [PL_S1] = 0.35, [PL_U1] = 0.07,
        [PL_U2] = 0.25, [PL_U3] = 0.22, [PL_U4] = 0.12, [PL_U5] = 0.3,  [PL_U6] = 0.42,
        [PL_Z1] = 0.9};
    const syn_child *c = s->c;
    double a = age_at(s, s->t);
    double yip = years(s->t - s->spell_start);
    double mv = 1.15 * BASE[s->place];
    mv *= a < 5 ? 0.8 : a < 10 ? 0.9 : a < 14 ? 1.15 : 1.35;
    mv *= exp(0.45 * c->z);
    mv *= 0.55 + 1.45 * exp(-yip / 0.6);
    mv *= 1 + 0.05 * (s->spells - 1 < 6 ? s->spells - 1 : 6);
    if (s->ls == LS_L1 || s->ls == LS_L2 || is_remand(s->ls))
        mv *= 0.5;
    if (c->start != NONE && s->t >= c->start && s->t < c->start + 365)
        mv *= s->x->p->effect_stability;
    return mv;
}

/* Log of the extra comparison-choice hazard with comparison_differs: the
 * list leans to younger children, newer to care, rarely in residential
 * care, so that crude differences after the index are not the
 * programme's. */
static double differ_eta(const sim *s)
{
    double a = age_at(s, s->t), yic = years(s->t - s->pstart);
    int g = syn_place_group(s->temp ? s->home_place : s->place);
    return -0.15 * (a - 8) - 0.6 * (yic < 3 ? yic : 3) + (g == GRP_RESIDENTIAL ? -1.2 : 0);
}

static void hazards(const sim *s, double h[H_N])
{
    const syn_ctx *x = s->x;
    const syn_child *c = s->c;
    for (int i = 0; i < H_N; i++)
        h[i] = 0;
    h[H_EXIT] = exit_hazard(s);
    if (!s->temp) {
        h[H_MOVE] = move_hazard(s);
        int g = syn_place_group(s->place);
        h[H_TEMP] = g == GRP_FOSTER || g == GRP_KINSHIP ? 0.12 : g == GRP_RESIDENTIAL ? 0.06 : 0.03;
    }
    if (s->t >= x->prog_start && s->t < x->prog_end && !c->referred && !c->cmp_tried) {
        h[H_REFER] = 0.036 * x->p->referral_rate * exp(selection_eta(s, 0.55));
        h[H_CMP] = 0.04 * x->p->comparison_rate *
                   exp(selection_eta(s, 0.275) + (x->p->comparison_differs ? differ_eta(s) : 0));
    }
}

static void do_referral(sim *s, long d)
{
    syn_child *c = s->c;
    c->referred = 1;
    c->referral = d;
    c->consent = gsl_rng_uniform(s->r) < s->x->p->consent_rate;
    if (c->consent)
        s->pending_start = d + 14 + (long)gsl_ran_gamma(s->r, 2, 14);
}

static void do_comparison(sim *s, long d)
{
    s->c->cmp_tried = 1;
    /* the date the work would have begun */
    s->pending_cmp = d + 14 + (long)gsl_ran_gamma(s->r, 2, 14);
}

static long beyond_data(const sim *s, long d)
{
    return d > s->x->e ? NONE : d;
}

static void do_start(sim *s, long d)
{
    syn_child *c = s->c;
    const ll_synth_params *p = s->x->p;
    gsl_rng *r = s->r;
    s->pending_start = NONE;
    c->start = d;
    c->fgc = gsl_rng_uniform(r) < 0.8 ? beyond_data(s, d + 30 + (long)gsl_ran_gamma(r, 3, 30)) : NONE;
    c->end = beyond_data(s, d + 180 + (long)gsl_ran_gamma(r, 4, 50));
    if (c->fgc != NONE && c->end != NONE && c->fgc >= c->end)
        c->fgc = c->end - 1;
    c->conn_before = 1 + (int)gsl_ran_poisson(r, 6.0);
    c->conn_after = c->conn_before + (int)gsl_ran_poisson(r, p->effect_connections);
    c->identity = gsl_rng_uniform(r) < p->effect_identity;
}

/* ---- the period loop ---- */

/* The earliest scheduled event after now, or the end of the step. */
static long next_stop(const sim *s)
{
    const syn_ctx *x = s->x;
    long next = lmin(s->t + STEP, s->h);
    long sched[] = {s->legal_day, s->confirm_day, s->adopt_place_day, s->adopt_order_day,
                    s->temp ? s->temp_end : NONE, s->b18, s->pending_start, s->pending_cmp,
                    s->c->start != NONE ? s->c->start + 365 : NONE, x->prog_start, x->prog_end};
    for (size_t i = 0; i < sizeof sched / sizeof sched[0]; i++)
        if (sched[i] > s->t && sched[i] < next)
            next = sched[i];
    return next;
}

/* Pushes schedules that fell on or before day d past it, so that an
 * episode opened on d lasts at least a day. */
static void defer(sim *s, long d)
{
    long *v[] = {&s->legal_day, &s->confirm_day, &s->adopt_place_day, &s->adopt_order_day};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (*v[i] != NONE && *v[i] <= d)
            *v[i] = d + 1;
}

/* At most one event that changes the episode happens on a day; the others
 * move to the next day. */
static void scheduled(sim *s)
{
    long d = s->t;
    if (d == s->b18) {
        end_period(s, d, exit_rec_18(s));
        return;
    }
    if (s->temp && d == s->temp_end)
        do_temp_return(s, d);
    else if (!s->temp && d == s->adopt_order_day)
        end_period(s, d, gsl_rng_uniform(s->r) < 0.85 ? REC_E11 : REC_E12);
    else if (!s->temp && d == s->legal_day)
        do_legal(s, d);
    else if (!s->temp && d == s->adopt_place_day)
        do_adoption_placement(s, d);
    else if (!s->temp && d == s->confirm_day)
        do_confirm(s, d);
    if (!s->in_care)
        return;
    if (!s->temp)
        defer(s, d);
    if (d == s->pending_start)
        do_start(s, d);
    if (d == s->pending_cmp) {
        s->pending_cmp = NONE;
        s->c->cmp_index = d;
    }
}

static void hazard_event(sim *s, int k, long d)
{
    switch (k) {
    case H_EXIT: end_period(s, d, exit_rec(s, d)); break;
    case H_MOVE: do_move(s, d, RNE_P, move_reason(s->r)); break;
    case H_TEMP: do_temp(s, d); break;
    case H_REFER: do_referral(s, d); break;
    default: do_comparison(s, d); break;
    }
}

static void run_period(sim *s)
{
    while (s->in_care && s->t < s->h && s->status == LL_OK) {
        long next = next_stop(s);
        double h[H_N], total = 0;
        hazards(s, h);
        for (int i = 0; i < H_N; i++)
            total += h[i];
        if (total > 0) {
            double w = gsl_ran_exponential(s->r, 365.25 / total);
            double span = (double)(next - s->t);
            if (w < span) {
                long d = s->t + (w < 1 ? 1 : (long)ceil(w));
                if (d < next) {
                    double u = gsl_rng_uniform(s->r) * total;
                    int k = 0;
                    while (k < H_N - 1 && u >= h[k])
                        u -= h[k++];
                    s->t = d;
                    hazard_event(s, k, d);
                    continue;
                }
            }
        }
        s->t = next;
        if (next < s->h)
            scheduled(s);
    }
}

static int initial_ls(sim *s, double a)
{
    static const syn_wt LS[] = {{LS_V2, 45}, {LS_C1, 33}, {LS_L1, 14}, {LS_L2, 8}};
    static const syn_wt LS_BABY[] = {{LS_V2, 25}, {LS_C1, 45}, {LS_L1, 15}, {LS_L2, 15}};
    static const syn_wt REMAND[] = {{LS_J1, 60}, {LS_J2, 30}, {LS_J3, 10}};
    if (s->c->uasc)
        return LS_V2;
    if (a >= 10 && gsl_rng_uniform(s->r) < 0.05)
        return SYN_PICK(s->r, REMAND);
    return a < 1 ? SYN_PICK(s->r, LS_BABY) : SYN_PICK(s->r, LS);
}

static void begin_period(sim *s, long d)
{
    s->t = s->pstart = d;
    s->spells = 0;
    s->in_care = 1;
    s->temp = 0;
    s->legal_day = s->confirm_day = s->adopt_place_day = s->adopt_order_day = NONE;
    s->ls = initial_ls(s, age_at(s, d));
    s->place = choose_place(s, d);
    s->carer = new_carer(s, s->place);
    ep_push(s, d, RNE_S);
    begin_spell(s, d);
    schedule_legal(s);
    schedule_confirm(s);
}

/* Days until the child comes back into care after leaving with rec, or
 * NONE. */
static long reentry_gap(sim *s, int rec)
{
    double p;
    switch (rec) {
    case REC_E4A: p = 0.28; break;
    case REC_E4B: p = 0.4; break;
    case REC_E13: case REC_E14: p = 0.28; break;
    case REC_E8: case REC_E9: p = 0.2; break;
    case REC_E41: p = 0.06; break;
    case REC_E43: case REC_E44: case REC_E45: case REC_E46: case REC_E47: case REC_E48:
    case REC_E3: p = 0.05; break;
    case REC_E16: p = 0.02; break;
    default: return NONE;
    }
    if (gsl_rng_uniform(s->r) >= p)
        return NONE;
    return 7 + (long)gsl_ran_exponential(s->r, 420);
}

static void simulate_care(sim *s)
{
    syn_child *c = s->c;
    long d = c->entry;
    for (;;) {
        begin_period(s, d);
        run_period(s);
        if (s->in_care || s->status != LL_OK)
            return;
        const syn_episode *last = &c->ep[c->n_ep - 1];
        long gap = reentry_gap(s, last->rec);
        if (gap == NONE || last->dec + gap >= s->b18 - 30 || last->dec + gap >= s->h)
            return;
        d = last->dec + gap;
        if (gsl_rng_uniform(s->r) < 0.3)
            s->cin = c->cin = (int)gsl_rng_uniform_int(s->r, 8);
    }
}

/* Short breaks for a disabled child: one- to four-night stays with the
 * same carer every few weeks, each its own episode (V3), or for some
 * children a pre-planned series (V4). */
static void simulate_short_breaks(sim *s)
{
    syn_child *c = s->c;
    gsl_rng *r = s->r;
    s->ls = gsl_rng_uniform(r) < 0.85 ? LS_V3 : LS_V4;
    s->place = gsl_rng_uniform(r) < 0.6 ? PL_U6 : PL_R1;
    s->carer = new_carer(s, s->place);
    long end = c->entry + (long)(365.25 * (0.5 + gsl_ran_exponential(r, 3)));
    end = lmin(lmin(end, s->b18 - 1), s->h);
    long d = c->entry;
    while (d < end && s->status == LL_OK) {
        s->pstart = d;
        ep_push(s, d, RNE_S);
        long dec = d + 1 + (long)gsl_rng_uniform_int(r, 4);
        if (dec >= s->h)
            return; /* open at the data end */
        ep_close(s, dec, REC_E4A, RPC_NONE);
        d = dec + 7 + (long)gsl_ran_exponential(r, 55);
    }
}

/* Care leavers (SPEC 3, OC3): left care at 16 or over, other than by an
 * order or adoption, after 13 weeks looked after since the 14th birthday. */
static void mark_care_leaver(syn_child *c)
{
    c->leave_day = -1;
    c->care_leaver = 0;
    if (c->n_ep == 0 || c->short_breaks)
        return;
    const syn_episode *last = &c->ep[c->n_ep - 1];
    if (last->dec == SYN_OPEN)
        return;
    c->leave_day = last->dec;
    switch (last->rec) {
    case REC_E4A: case REC_E4B: case REC_E13: case REC_E14: case REC_E5: case REC_E6:
    case REC_E7: case REC_E8: case REC_E9: case REC_E17: break;
    default: return;
    }
    long b14 = syn_birthday(c->dob, 14), b16 = syn_birthday(c->dob, 16);
    if (last->dec < b16)
        return;
    long days = 0;
    for (size_t i = 0; i < c->n_ep; i++) {
        long from = c->ep[i].decom > b14 ? c->ep[i].decom : b14;
        if (c->ep[i].dec > from)
            days += c->ep[i].dec - from;
    }
    c->care_leaver = days >= 91;
}

int syn_history_simulate(syn_ctx *x, syn_child *c)
{
    sim s = {0};
    s.x = x;
    s.c = c;
    s.r = x->rng;
    s.h = x->e + 1;
    s.b18 = syn_birthday(c->dob, 18);
    s.cin = c->cin;
    s.pending_start = s.pending_cmp = NONE;
    s.carer = -1;
    s.status = LL_OK;
    if (c->short_breaks)
        simulate_short_breaks(&s);
    else
        simulate_care(&s);
    if (s.status != LL_OK)
        return s.status;
    if (!c->cmp_tried || c->referred)
        c->cmp_index = NONE;
    mark_care_leaver(c);
    return LL_OK;
}

int syn_is_move(const syn_child *c, size_t i)
{
    if (i == 0 || i >= c->n_ep)
        return 0;
    const syn_episode *a = &c->ep[i - 1], *b = &c->ep[i];
    if (a->rec != REC_X1 || a->dec != b->decom)
        return 0;
    if (b->rne != RNE_P && b->rne != RNE_B && b->rne != RNE_T && b->rne != RNE_U)
        return 0;
    return syn_place_group(a->place) != GRP_TEMP && syn_place_group(b->place) != GRP_TEMP;
}
