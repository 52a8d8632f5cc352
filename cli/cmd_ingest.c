/* PLACEHOLDER: lleval ingest is being written; this file is replaced. */
#include "commands.h"
#include <stdio.h>
int ll_cmd_ingest(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "lleval ingest: not built yet\n");
    return LL_EXIT_INTERNAL;
}
