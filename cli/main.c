/* lleval: the command-line front end.  Dispatches to one subcommand, in the
 * style of git; all the work is in the library modules. */
#include "commands.h"

#include "lleval/error.h"
#include "lleval/version.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command COMMANDS[] = {
    {"ingest", ll_cmd_ingest, "load 903 returns, programme records and SDQ into the database"},
    {"evaluate", ll_cmd_evaluate, "derive the analysis dataset, comparison group and estimates"},
    {"config", ll_cmd_config, "print every configuration key, its value and where it came from"},
    {"demo", ll_cmd_demo, "run ingest and evaluate on the bundled fixtures"},
    {"synth", ll_cmd_synth, "generate synthetic 903 returns and programme records"},
    {"pool", ll_cmd_pool, "pool several authorities' secure/pool.csv files (meta-analysis)"},
    {"area", ll_cmd_area, "compare authorities that ran the programme with others (DfE figures)"},
    {"codebook", ll_cmd_codebook, "print the codebook of analysis.csv (CSV or --markdown)"},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: lleval <command> [options]\n\n"
               "Evaluates programmes for children in care (Lifelong Links) from a local\n"
               "authority's SSDA903 returns.  Data never leave this machine.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\n'lleval <command> --help' describes a command.  Exit status: 0 success,\n"
               "1 bad input or usage, 2 internal failure, 3 ingest quarantined rows.\n");
}

int ll_cli_exit_status(int status)
{
    if (status == LL_OK)
        return LL_EXIT_OK;
    return status == LL_EINPUT ? LL_EXIT_INPUT : LL_EXIT_INTERNAL;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return LL_EXIT_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return LL_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("lleval %s\n", LL_VERSION);
        return LL_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], COMMANDS[i].name))
            return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "lleval: '%s' is not a command\n", argv[1]);
    usage(stderr);
    return LL_EXIT_INPUT;
}
