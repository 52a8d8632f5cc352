/* Forest plots of the pooled report through gnuplot, run as an external
 * program with no shell (as the evaluate report does): each chart's data
 * and script stay in DIR/charts so that it can be redrawn, and its SVG is
 * inlined into the page with ids prefixed by the chart's name. */
#include "chart.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The full path of program name on PATH (or name itself when it holds a
 * slash), or NULL; malloc'ed. */
static char *find_program(const char *name)
{
    if (strchr(name, '/') != NULL)
        return access(name, X_OK) == 0 ? strdup(name) : NULL;
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        size_t n = len + strlen(name) + 3;
        char *cand = malloc(n);
        if (cand == NULL)
            return NULL;
        snprintf(cand, n, "%.*s/%s", (int)len, len ? path : ".", name);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        path += len + (path[len] == ':');
    }
    return NULL;
}

static int run(const char *prog, const char *dir, const char *script)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int fd = open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        char *const argv[] = {(char *)prog, (char *)script, NULL};
        execv(prog, argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 8192, n = 0;
    char *b = malloc(cap);
    while (b != NULL) {
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap *= 2);
            if (nb == NULL) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (b != NULL)
        b[n] = '\0';
    return b;
}

static const char *PREFIXES[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};

static size_t prefix_match(const char *p)
{
    for (size_t k = 0; k < sizeof PREFIXES / sizeof *PREFIXES; k++)
        if (strncmp(p, PREFIXES[k], strlen(PREFIXES[k])) == 0)
            return strlen(PREFIXES[k]);
    return 0;
}

void pl_chart_inline(FILE *out, const char *svg, const char *name)
{
    const char *p = strstr(svg, "<svg");
    if (p == NULL)
        return;
    for (; *p; p++) {
        size_t m = prefix_match(p);
        if (m) {
            fwrite(p, 1, m, out);
            fprintf(out, "%s-", name);
            p += m - 1;
        } else
            fputc(*p, out);
    }
}

char *pl_chart_draw(const char *gnuplot, const char *dir, const char *name, const char *data,
                    const char *script, FILE *log, ll_error *err, int *rc)
{
    *rc = LL_OK;
    size_t n = strlen(dir) + strlen(name) + 8;
    char *dat = malloc(n), *gp = malloc(n), *svgp = malloc(n), *svg = NULL, *prog = NULL;
    if (!dat || !gp || !svgp) {
        *rc = ll_error_set(err, LL_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(dat, n, "%s/%s.dat", dir, name);
    snprintf(gp, n, "%s/%s.gp", dir, name);
    snprintf(svgp, n, "%s/%s.svg", dir, name);
    FILE *f = fopen(dat, "w");
    FILE *g = fopen(gp, "w");
    if (f)
        fputs(data, f);
    if (g)
        fputs(script, g);
    int bad = (f == NULL || fclose(f) != 0);
    bad |= (g == NULL || fclose(g) != 0);
    if (bad) {
        *rc = ll_error_set(err, LL_EIO, "%s: cannot write the chart files", dir);
        goto done;
    }
    prog = find_program(gnuplot ? gnuplot : "gnuplot");
    if (prog == NULL) {
        if (log)
            fprintf(log, "lleval pool: warning: gnuplot not found; charts not drawn\n");
        goto done;
    }
    char script_name[300];
    snprintf(script_name, sizeof script_name, "%s.gp", name);
    if (!run(prog, dir, script_name)) {
        if (log)
            fprintf(log, "lleval pool: warning: gnuplot failed on charts/%s.gp (see "
                         "charts/gnuplot.log); the chart is not drawn\n", name);
        goto done;
    }
    svg = slurp(svgp);
done:
    free(prog);
    free(dat);
    free(gp);
    free(svgp);
    return svg;
}
