/* PLACEHOLDER: lleval evaluate is being written; this file is replaced. */
#include "commands.h"
#include <stdio.h>
int ll_cmd_evaluate(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "lleval evaluate: not built yet\n");
    return LL_EXIT_INTERNAL;
}
