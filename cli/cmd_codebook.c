/* lleval codebook: prints the codebook of secure/analysis.csv (SPEC 4),
 * every column a run can write, as CSV (the columns of codebook.csv) or as
 * the Markdown table of the README (make readme-codebook writes it there). */
#include "commands.h"

#include "lleval/handover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: lleval codebook [--markdown]\n\n"
               "Prints the codebook of secure/analysis.csv: one row per column (match_id\n"
               "and ps_logit are written only in a matched design) with its type, unit,\n"
               "definition, values, the flow reasons that leave it NA and the SPEC section.\n"
               "evaluate writes the same rows, for the columns of that run, to\n"
               "secure/codebook.csv.\n\n"
               "  --markdown  print the README's Markdown table instead of CSV\n"
               "  --help      show this message\n");
}

/* Every variable of the codebook, as a header line. */
static char *all_columns(void)
{
    size_t len = 1;
    for (size_t i = 0; i < ll_codebook_n(); i++)
        len += strlen(ll_codebook_get(i)->variable) + 1;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < ll_codebook_n(); i++) {
        if (i)
            strcat(s, ",");
        strcat(s, ll_codebook_get(i)->variable);
    }
    return s;
}

int ll_cmd_codebook(int argc, char **argv)
{
    int markdown = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return LL_EXIT_OK;
        } else if (!strcmp(argv[i], "--markdown")) {
            markdown = 1;
        } else {
            fprintf(stderr, "lleval codebook: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return LL_EXIT_INPUT;
        }
    }
    ll_error err = {0};
    int rc;
    if (markdown) {
        rc = ll_codebook_write_markdown(stdout, &err);
    } else {
        char *header = all_columns();
        rc = header ? ll_codebook_write_csv(stdout, header, NULL, &err)
                    : ll_error_set(&err, LL_ENOMEM, "out of memory");
        free(header);
    }
    if (rc == LL_OK && fflush(stdout) != 0)
        rc = ll_error_set(&err, LL_EIO, "cannot write the output");
    if (rc != LL_OK) {
        fprintf(stderr, "lleval codebook: %s\n", err.msg);
        return LL_EXIT_INTERNAL;
    }
    return LL_EXIT_OK;
}
