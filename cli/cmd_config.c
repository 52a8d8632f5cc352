/* lleval config: prints every configuration key, its value and where the
 * value came from, as an INI file that --config reads back. */
#include "commands.h"

#include "lleval/config.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: lleval config [--config FILE]\n\n"
               "Prints every configuration key with its value and where the value came\n"
               "from (\"default\", or FILE:LINE), as an INI file that --config accepts.\n\n"
               "  --config FILE  read FILE over the built-in defaults\n"
               "  --help         show this message\n");
}

int ll_cmd_config(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return LL_EXIT_OK;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc && argv[i + 1][0] != '\0') {
            path = argv[++i];
        } else if (!strncmp(argv[i], "--config=", 9) && argv[i][9] != '\0') {
            path = argv[i] + 9;
        } else if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9)) {
            fprintf(stderr, "lleval config: --config needs a value (the INI file to read)\n");
            usage(stderr);
            return LL_EXIT_INPUT;
        } else {
            fprintf(stderr, "lleval config: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return LL_EXIT_INPUT;
        }
    }
    ll_config cfg;
    ll_error err = {0};
    ll_config_init(&cfg);
    if (path) {
        int rc = ll_config_load(&cfg, path, &err);
        if (rc != LL_OK) {
            fprintf(stderr, "lleval config: %s\n", err.msg);
            return LL_EXIT_INPUT; /* a missing or bad file is the user's to fix */
        }
    }
    if (ll_config_write(stdout, &cfg, &err) != LL_OK || fflush(stdout) != 0) {
        fprintf(stderr, "lleval config: cannot write the output\n");
        return LL_EXIT_INTERNAL;
    }
    return LL_EXIT_OK;
}
