/* Private layout of ll_derive_data, shared by the derive source files: flat
 * arrays indexed by 32-bit positions, each child owning contiguous slices,
 * so that 200,000 histories load without one allocation per row. */
#ifndef LLEVAL_DERIVE_INTERNAL_H
#define LLEVAL_DERIVE_INTERNAL_H

#include "lleval/derive.h"

#include <limits.h>
#include <stdint.h>

/* A missing date. */
#define NO_DAY LONG_MIN

/* Codes are at most 3 characters in valid data; a longer one is stored as
 * "?" so that it matches no list. */
typedef char code4[4];

struct episode {
    long decom;
    long end;        /* exclusive: DEC, or E + 1 when open */
    int32_t year;
    uint32_t spell;  /* global index into spells */
    unsigned char open;
    code4 rne, ls, cin, place, rec;
};

struct period {
    long start, end;
    uint32_t ep_lo, ep_n; /* global episode slice */
    uint32_t sp_lo, sp_n; /* global spell slice */
    unsigned char open;
};

struct spell {
    long start, end;
    uint32_t period;      /* global period index */
    uint32_t ep_lo, ep_n;
    unsigned char group, open, move;
};

struct dated_score {
    long date;
    int score;
};

struct oc3_row {
    long date;
    int age;
    code4 accom;
};

struct programme {
    long referral, start, fgc, end; /* NO_DAY when empty */
    int consent;                    /* 1 for Y */
    int connections_before, connections_after, identity_improved; /* LL_NA */
};

struct dq_rec {
    uint32_t child;
    int32_t year;
    long decom;
    unsigned char rule;
};

struct child {
    const char *id;
    uint32_t la;
    int32_t prog, comp;           /* index into progs / comps, or -1 */
    uint32_t ep_lo, ep_n, per_lo, per_n, sp_lo, sp_n;
    uint32_t sdq_lo, sdq_n, oc3_lo, oc3_n;
    long dob, duc;                /* duc: NO_DAY when empty */
    int sex;
    unsigned char has_header, has_uasc, short_breaks;
    char ethnic[8];
};

struct la_info {
    char *code;
    int end_year;   /* 0 when no episodes file */
    long end;       /* E, or LL_NA */
};

struct arena_block;

struct ll_derive_data {
    ll_config cfg;
    int has_comparison_file;
    struct la_info *las;
    size_t n_las;
    struct child *children;
    size_t n_children;
    struct episode *eps;
    size_t n_eps;
    struct period *periods;
    size_t n_periods;
    struct spell *spells;
    size_t n_spells;
    struct dated_score *sdq;
    size_t n_sdq;
    struct oc3_row *oc3;
    size_t n_oc3;
    struct programme *progs;
    size_t n_progs;
    long *comps;            /* comparison INDEX_DATE per record */
    size_t n_comps;
    struct dq_rec *dq;
    size_t n_dq;
    struct arena_block *arena;
};

/* Copies s (truncated to 3 characters as "?" when longer) into c. */
void ll_derive_code(code4 c, const char *s);

/* Cleans child c's raw episodes d->eps[raw_lo .. raw_lo + raw_n) (latest
 * row per DECOM, in DECOM order) by the two rules of "Episodes across
 * years", moving the kept ones down to d->eps[d->n_eps ..] (raw_lo >=
 * d->n_eps), and appends the child's periods and spells (arrays sized by
 * the caller) and data-quality records (growing d->dq, capacity *dq_cap).
 * Sets the child's slices.  LL_OK or LL_ENOMEM. */
int ll_derive_history(ll_derive_data *d, size_t c, size_t raw_lo, size_t raw_n, size_t *dq_cap,
                      ll_error *err);

/* Index of the kept episode of child c covering day, or -1. */
/* Eligibility (SPEC 3): the first rule of cfg's [cohort] that v fails, in
 * the flow's order, or -1 when v is eligible.  The one definition. */
enum { LL_INELIGIBLE_AGE, LL_INELIGIBLE_YEARS, LL_INELIGIBLE_GROUP, LL_INELIGIBLE_LEGAL,
       LL_INELIGIBLE_N };
int ll_derive_ineligible_reason(const ll_config *cfg, const ll_covariates *v);

long ll_derive_find_episode(const ll_derive_data *d, const struct child *c, long day);

#endif
