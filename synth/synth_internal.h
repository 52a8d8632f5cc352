/* Private to the synth module: code lists, the simulated child and the
 * generator's context, shared by child.c (who the child is), history.c
 * (the care history and the programme), write.c (rows of the returns) and
 * synth.c (files and the main loop). */
#ifndef LLEVAL_SYNTH_INTERNAL_H
#define LLEVAL_SYNTH_INTERNAL_H

#include "lleval/synth.h"

#include <gsl/gsl_rng.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

/* ---- code lists (SPEC 2.1); the enums index the code strings ---- */

#define SYN_LS(X) X(C1) X(C2) X(E1) X(V2) X(V3) X(V4) X(L1) X(L2) X(J1) X(J2) X(J3)
enum syn_ls {
#define SYN_X(c) LS_##c,
    SYN_LS(SYN_X)
#undef SYN_X
    LS_N
};

#define SYN_PLACES(X)                                                                   \
    X(A3) X(A4) X(A5) X(A6) X(H5) X(K1) X(K2) X(P1) X(P2) X(R1) X(R2) X(R3) X(R5) X(S1)  \
    X(T0) X(T1) X(T2) X(T3) X(T4) X(U1) X(U2) X(U3) X(U4) X(U5) X(U6) X(Z1)
enum syn_place {
#define SYN_X(c) PL_##c,
    SYN_PLACES(SYN_X)
#undef SYN_X
    PL_N
};

/* REC_NONE: the episode is open. */
#define SYN_RECS(X)                                                                     \
    X(X1) X(E11) X(E12) X(E13) X(E14) X(E15) X(E16) X(E17) X(E2) X(E3) X(E4A) X(E4B)    \
    X(E41) X(E43) X(E44) X(E45) X(E46) X(E47) X(E48) X(E5) X(E6) X(E7) X(E8) X(E9)
enum syn_rec {
    REC_NONE,
#define SYN_X(c) REC_##c,
    SYN_RECS(SYN_X)
#undef SYN_X
    REC_N
};

/* Reason for a placement change (REASON_PLACE_CHANGE); RPC_NONE: empty. */
#define SYN_RPCS(X)                                                                     \
    X(CARPL) X(CLOSE) X(ALLEG) X(STAND) X(APPRR) X(CREQB) X(CREQO) X(CHILD) X(LAREQ)     \
    X(PLACE) X(OTHER)
enum syn_rpc {
    RPC_NONE,
#define SYN_X(c) RPC_##c,
    SYN_RPCS(SYN_X)
#undef SYN_X
    RPC_N
};

enum syn_rne { RNE_S, RNE_L, RNE_P, RNE_T, RNE_B, RNE_U, RNE_N };

/* PLACE_PROVIDER: PROV_NONE is empty (temporary placements). */
enum syn_provider { PROV_NONE, PROV_PR0, PROV_PR1, PROV_PR2, PROV_PR3, PROV_PR4, PROV_PR5 };

enum syn_group { GRP_FOSTER, GRP_KINSHIP, GRP_RESIDENTIAL, GRP_SEMI, GRP_ADOPTION, GRP_PARENTS,
                 GRP_OTHER, GRP_TEMP };

extern const char *const syn_ls_code[LS_N];
extern const char *const syn_place_code[PL_N];
extern const char *const syn_rec_code[REC_N];
extern const char *const syn_rpc_code[RPC_N];
extern const char *const syn_rne_code[RNE_N];
extern const char *const syn_provider_code[PROV_PR5 + 1];

/* Placement group of a PLACE (SPEC 3), GRP_TEMP for T0-T4. */
enum syn_group syn_place_group(int place);
/* 1 if an Ofsted URN goes with this kind of placement. */
int syn_place_has_urn(int place);

/* A made-up postcode ("AB12 3CD") in buf (at least 9 bytes). */
void syn_fake_postcode(gsl_rng *r, char *buf, size_t size);

/* A weighted choice among small tables: {value, weight}. */
typedef struct syn_wt {
    int v;
    double w;
} syn_wt;
int syn_pick(gsl_rng *r, const syn_wt *t, size_t n);
#define SYN_PICK(r, t) syn_pick((r), (t), sizeof(t) / sizeof((t)[0]))

/* ---- the simulated child ---- */

#define SYN_OPEN LONG_MAX /* DEC of an episode still open at the data end */

typedef struct syn_episode {
    long decom, dec;  /* dec = SYN_OPEN while open */
    long pstart;      /* first DECOM of its period of care (for OC2) */
    int carer;        /* index into syn_child.carers, -1 for none */
    unsigned char rne, ls, cin, place, provider, rec, rpc;
} syn_episode;

typedef struct syn_carer {
    char post[10]; /* PL_POST */
    char urn[10];  /* URN, empty for placements without one */
} syn_carer;

typedef struct syn_child {
    long id;             /* 0 .. 9,999,999, written with 7 digits */
    int male;
    long dob;
    int ethnic;          /* index into the ethnicity table of child.c */
    int cin;             /* 0..7 for N1..N8 */
    int uasc;
    long duc;            /* date UASC status ends (UASC only) */
    int short_breaks;    /* 1: a series of V3 or V4 short breaks, no ordinary care */
    double z;            /* latent instability (never written) */
    double sdq_base;     /* the child's own SDQ level */
    long entry;          /* first entry to care */
    long mother_day;     /* became a mother (-1: never) */
    char upn[16];
    char home_post[10];
    /* history */
    syn_episode *ep;
    size_t n_ep, cap_ep;
    syn_carer *carers;
    size_t n_carer, cap_carer;
    long leave_day;      /* end of the last period, -1 when still looked after at E */
    int care_leaver;     /* gets OC3 rows: left at 16 or over, 13 weeks looked after after 14 */
    /* programme */
    int referred, consent;
    long referral, start, fgc, end; /* -1: none */
    int conn_before, conn_after, identity; /* identity: 1 Y, 0 N, -1 empty */
    int cmp_tried;       /* chosen by the authority for its comparison group */
    long cmp_index;      /* INDEX_DATE, -1 when the child had left care by then */
} syn_child;

/* ---- the generator ---- */

enum { TAB_HEADER, TAB_EPISODES, TAB_UASC, TAB_OC2, TAB_OC3, TAB_N };

typedef struct syn_ctx {
    const ll_synth_params *p;
    gsl_rng *rng;     /* every draw of the histories and the returns */
    gsl_rng *items;   /* item-level SDQ only, so that sdq_items changes no other file */
    long w0;          /* 1 April before the first collection year */
    long e;           /* data end: 31 March of the last collection year */
    long prog_start, prog_end; /* referrals and comparison choices happen in [start, end) */
    int ny;
    FILE *f[LL_SYNTH_MAX_YEARS][TAB_N];
    FILE *links, *cmp, *sdq;
    ll_synth_summary sum;
} syn_ctx;

/* child.c: draws who the child is and when it first enters care; resets
 * the history.  Never fails. */
void syn_child_draw(syn_ctx *x, syn_child *c);
/* The DfE ethnicity code of index i. */
const char *syn_ethnic_code(int i);
/* Birthday of a child born on dob at age k (29 February -> 1 March). */
long syn_birthday(long dob, int k);
/* Whole years of age on day d. */
int syn_age_years(long dob, long d);
/* Releases the child's buffers (the struct itself is the caller's). */
void syn_child_free(syn_child *c);

/* history.c: simulates the care history and the programme of a drawn
 * child up to the data end.  0 or LL_ENOMEM. */
int syn_history_simulate(syn_ctx *x, syn_child *c);
/* 1 if the child has a row in some collection year (an episode or OC3). */
int syn_child_in_window(const syn_ctx *x, const syn_child *c);
/* 1 if the boundary between episodes i-1 and i is a placement move (SPEC 3). */
int syn_is_move(const syn_child *c, size_t i);

/* write.c: rows.  Each returns 0 or LL_EIO. */
int syn_write_table_headers(syn_ctx *x);
int syn_write_child(syn_ctx *x, syn_child *c);

#endif
