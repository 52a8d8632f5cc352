/* The modules' layering (issue 14), read from the source tree: every
 * module includes only its own headers and the public headers of modules
 * below it in the Makefile's link order (MODULES: a module comes before the
 * modules it uses), never another module's internal header; report/
 * includes no header of ingest, stats or derive (it renders what it is
 * handed); and every public header belongs to one module. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

/* Each public header and the module that implements it. */
static const struct {
    const char *header, *module;
} OWNER[] = {
    {"block.h", "core"},     {"config.h", "core"},     {"date.h", "core"},
    {"db.h", "core"},        {"error.h", "core"},      {"format.h", "core"},
    {"gnuplot.h", "core"},   {"grow.h", "core"},       {"hugemem.h", "core"},
    {"parallel.h", "core"},  {"version.h", "core"},    {"csvread.h", "ingest"},
    {"ingest.h", "ingest"},
    {"stats.h", "stats"},    {"statmodels.h", "stats"}, {"aipw.h", "stats"},
    {"meta.h", "stats"},     {"did.h", "stats"},       {"synth.h", "synth"},
    {"derive.h", "derive"},  {"match.h", "compare"},   {"balance.h", "compare"},
    {"estimate.h", "estimate"}, {"costs.h", "costs"},  {"area.h", "area"},
    {"sdc.h", "sdc"},        {"report.h", "report"},   {"pool.h", "pool"},
    {"evaluate.h", "evaluate"}, {"handover.h", "evaluate"},
};
#define NOWNER (sizeof OWNER / sizeof OWNER[0])

/* The Makefile's MODULES, in link order (at most 32). */
typedef struct {
    char name[32][32];
    int n;
} modules;

static modules read_modules(void)
{
    modules m = {.n = 0};
    char *mk = tu_slurp(LL_SOURCE_DIR "/Makefile", NULL);
    ck_assert_ptr_nonnull(mk);
    char *line = strstr(mk, "\nMODULES := ");
    ck_assert_msg(line != NULL, "Makefile: no MODULES line");
    line += strlen("\nMODULES := ");
    line[strcspn(line, "\n")] = '\0';
    for (char *tok = strtok(line, " "); tok && m.n < 32; tok = strtok(NULL, " "))
        snprintf(m.name[m.n++], sizeof m.name[0], "%s", tok);
    free(mk);
    return m;
}

static int rank_of(const modules *m, const char *module)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->name[i], module))
            return i;
    return -1;
}

static const char *owner_of(const char *header)
{
    for (size_t i = 0; i < NOWNER; i++)
        if (!strcmp(OWNER[i].header, header))
            return OWNER[i].module;
    return NULL;
}

/* The first fault in the #include "..." lines of one file of module
 * `mod`, into why; returns 1 when there is one. */
static int file_fault(char *why, size_t size, const modules *m, const char *mod, const char *path)
{
    char *text = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    int bad = 0;
    for (char *p = strstr(text, "#include \""); p && !bad; p = strstr(p + 1, "#include \"")) {
        char inc[128];
        if (sscanf(p, "#include \"%127[^\"]\"", inc) != 1)
            continue;
        const char *owner = strncmp(inc, "lleval/", 7) ? NULL : owner_of(inc + 7);
        if (strncmp(inc, "lleval/", 7) != 0)
            bad = strchr(inc, '/') != NULL &&
                  snprintf(why, size, "%s includes %s, another module's internal header", path, inc);
        else if (owner == NULL)
            bad = snprintf(why, size, "%s includes %s, which no module owns (OWNER)", path, inc);
        else if (rank_of(m, owner) < rank_of(m, mod))
            bad = snprintf(why, size, "%s (module %s) includes %s of module %s, above it", path,
                           mod, inc, owner);
        else if (!strcmp(mod, "report") &&
                 (!strcmp(owner, "ingest") || !strcmp(owner, "stats") || !strcmp(owner, "derive")))
            bad = snprintf(why, size, "%s: report/ includes %s (module %s)", path, inc, owner);
    }
    free(text);
    return bad != 0;
}

START_TEST(modules_include_only_lower_modules)
{
    modules m = read_modules();
    ck_assert_int_ge(m.n, 10);
    int files = 0;
    for (int i = 0; i < m.n; i++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/%s", LL_SOURCE_DIR, m.name[i]);
        DIR *d = opendir(dir);
        ck_assert_msg(d != NULL, "no folder %s", dir);
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            size_t len = strlen(e->d_name);
            if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            char why[1400];
            ck_assert_msg(!file_fault(why, sizeof why, &m, m.name[i], path), "%s", why);
            files++;
        }
        closedir(d);
    }
    ck_assert_int_ge(files, 100);
}
END_TEST

START_TEST(every_public_header_has_a_module)
{
    modules m = read_modules();
    for (size_t i = 0; i < NOWNER; i++)
        ck_assert_msg(rank_of(&m, OWNER[i].module) >= 0, "%s: module %s not in MODULES",
                      OWNER[i].header, OWNER[i].module);
    DIR *d = opendir(LL_SOURCE_DIR "/include/lleval");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".h"))
            continue;
        ck_assert_msg(owner_of(e->d_name) != NULL, "include/lleval/%s: no module in OWNER",
                      e->d_name);
        n++;
    }
    closedir(d);
    ck_assert_int_eq(n, (int)NOWNER);
}
END_TEST

/* The checker itself: a file that includes a higher module's header, or
 * another module's internal header, or (in report/) a statistics header, is
 * caught; one that includes a lower module's header passes. */
static int fault_of(const char *mod, const char *line)
{
    modules m = read_modules();
    char path[] = "/tmp/lleval-layers-XXXXXX", why[1400];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(line, f);
    fclose(f);
    int bad = file_fault(why, sizeof why, &m, mod, path);
    unlink(path);
    return bad;
}

START_TEST(checker_catches_faults)
{
    ck_assert(fault_of("stats", "#include \"lleval/report.h\"\n"));
    ck_assert(fault_of("derive", "#include \"lleval/estimate.h\"\n"));
    ck_assert(fault_of("report", "#include \"lleval/stats.h\"\n"));
    ck_assert(fault_of("report", "#include \"../ingest/internal.h\"\n"));
    ck_assert(fault_of("core", "#include \"lleval/nothing.h\"\n"));
    ck_assert(!fault_of("report", "#include \"lleval/sdc.h\"\n#include \"doc.h\"\n"));
    ck_assert(!fault_of("sdc", "#include \"lleval/stats.h\"\n"));
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("layers");
    const TTest *const tests[] = {modules_include_only_lower_modules, every_public_header_has_a_module,
                                  checker_catches_faults, NULL};
    tu_tcase(s, "layers", tests, 0);
    return s;
}
