/* The programme record of a child (lifelong_links.csv) as the report's
 * table of programme starts by financial year needs it: referral and start
 * dates and consent.  Read-only view of what ll_derive_load kept. */
#include "internal.h"

int ll_derive_programme(ll_programme_view *out, const ll_derive_data *d, size_t ci)
{
    if (ci >= d->n_children || d->children[ci].prog < 0)
        return LL_EDOM;
    const struct programme *p = &d->progs[d->children[ci].prog];
    out->referral = p->referral == NO_DAY ? LL_NA : p->referral;
    out->start = p->start == NO_DAY ? LL_NA : p->start;
    out->consent = p->consent;
    return LL_OK;
}
