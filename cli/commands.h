/* The subcommands of the lleval front end, one file each (cli/cmd_*.c).
 * Each takes the arguments after its name (argv[0] is the command name) and
 * returns the process exit status of SPEC section 9: 0 success, 1 bad input
 * or usage, 2 internal failure, 3 ingest finished with quarantined rows. */
#ifndef LLEVAL_CLI_COMMANDS_H
#define LLEVAL_CLI_COMMANDS_H

#define LL_EXIT_OK 0
#define LL_EXIT_INPUT 1
#define LL_EXIT_INTERNAL 2
#define LL_EXIT_QUARANTINED 3

int ll_cmd_ingest(int argc, char **argv);
int ll_cmd_evaluate(int argc, char **argv);
int ll_cmd_config(int argc, char **argv);
int ll_cmd_demo(int argc, char **argv);
int ll_cmd_synth(int argc, char **argv);
int ll_cmd_pool(int argc, char **argv);
int ll_cmd_area(int argc, char **argv);
int ll_cmd_codebook(int argc, char **argv);

/* Maps an LL_E* status to an exit status (LL_EINPUT -> 1, others -> 2). */
int ll_cli_exit_status(int status);

#endif
