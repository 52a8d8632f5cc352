/* The DfE code strings behind the synth module's enums, placement groups,
 * and weighted choice. */
#include "synth_internal.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>

const char *const syn_ls_code[LS_N] = {
#define SYN_X(c) #c,
    SYN_LS(SYN_X)
#undef SYN_X
};

const char *const syn_place_code[PL_N] = {
#define SYN_X(c) #c,
    SYN_PLACES(SYN_X)
#undef SYN_X
};

const char *const syn_rec_code[REC_N] = {
    "",
#define SYN_X(c) #c,
    SYN_RECS(SYN_X)
#undef SYN_X
};

const char *const syn_rpc_code[RPC_N] = {
    "",
#define SYN_X(c) #c,
    SYN_RPCS(SYN_X)
#undef SYN_X
};

const char *const syn_rne_code[RNE_N] = {"S", "L", "P", "T", "B", "U"};

const char *const syn_provider_code[PROV_PR5 + 1] = {"", "PR0", "PR1", "PR2", "PR3", "PR4", "PR5"};

enum syn_group syn_place_group(int place)
{
    switch (place) {
    case PL_U4: case PL_U5: case PL_U6: return GRP_FOSTER;
    case PL_U1: case PL_U2: case PL_U3: return GRP_KINSHIP;
    case PL_K1: case PL_K2: case PL_R1: case PL_S1: return GRP_RESIDENTIAL;
    case PL_H5: case PL_P2: return GRP_SEMI;
    case PL_A3: case PL_A4: case PL_A5: case PL_A6: return GRP_ADOPTION;
    case PL_P1: return GRP_PARENTS;
    case PL_T0: case PL_T1: case PL_T2: case PL_T3: case PL_T4: return GRP_TEMP;
    default: return GRP_OTHER;
    }
}

int syn_place_has_urn(int place)
{
    switch (syn_place_group(place)) {
    case GRP_FOSTER: case GRP_KINSHIP: case GRP_ADOPTION: return 1;
    default: return place == PL_K1 || place == PL_K2 || place == PL_R3 || place == PL_S1;
    }
}

int syn_pick(gsl_rng *r, const syn_wt *t, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += t[i].w;
    double u = gsl_rng_uniform(r) * total;
    for (size_t i = 0; i + 1 < n; i++) {
        if (u < t[i].w)
            return t[i].v;
        u -= t[i].w;
    }
    return t[n - 1].v;
}

void syn_fake_postcode(gsl_rng *r, char *buf, size_t size)
{
    static const char L[] = "ABCDEFGHJKLMNOPRSTUWY";
    unsigned long n = sizeof L - 1;
    /* one draw per statement: the order in which a compiler evaluates
     * function arguments is unspecified, and the output must not depend on
     * the compiler */
    char a = L[gsl_rng_uniform_int(r, n)];
    char b = L[gsl_rng_uniform_int(r, n)];
    unsigned long district = 1 + gsl_rng_uniform_int(r, 29);
    unsigned long sector = gsl_rng_uniform_int(r, 10);
    char c = L[gsl_rng_uniform_int(r, n)];
    char d = L[gsl_rng_uniform_int(r, n)];
    snprintf(buf, size, "%c%c%lu %lu%c%c", a, b, district, sector, c, d);
}
