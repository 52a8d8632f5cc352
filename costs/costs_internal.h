/* Internals shared by the cost module's files. */
#ifndef LLEVAL_COSTS_INTERNAL_H
#define LLEVAL_COSTS_INTERNAL_H

#include "lleval/costs.h"

/* Fills e's joint fields from its crude placement components: Sigma the
 * diagonal of their squared SEs, placement_computable when every component
 * is (and there is a comparison group), the reason otherwise. */
void costs_crude_joint(ll_costs_effects *e);

#endif
