/* Charts of the area report through gnuplot, run as an external program in
 * the same way as the evaluation report (report/gnuplot.c): each chart is
 * written as its data and script (so a researcher can redraw it), gnuplot
 * runs in the charts folder with the script's name as its only argument
 * (no shell), and the SVG it draws is returned for inlining, its ids
 * prefixed with the chart's name. */
#include "chart.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *ar_find_program(const char *name)
{
    if (!name || !name[0])
        return NULL;
    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? ar_strdup(name) : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        size_t n = len + strlen(name) + 3;
        char *cand = malloc(n);
        if (!cand)
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

static int write_text(const char *dir, const char *name, const char *ext, const char *text,
                      ll_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "w");
    if (!f)
        return ll_error_set(err, LL_EIO, "%s: cannot write: %s", path, strerror(errno));
    fputs(text, f);
    if (fclose(f) != 0)
        return ll_error_set(err, LL_EIO, "%s: write failed", path);
    return LL_OK;
}

/* Runs `gnuplot NAME.gp` in dir, its messages appended to gnuplot.log;
 * 1 when it exits with status 0. */
static int run_gnuplot(const char *prog, const char *dir, const char *script)
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

static size_t id_prefix(const char *p)
{
    static const char *const PRE[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
    for (size_t k = 0; k < sizeof PRE / sizeof *PRE; k++)
        if (!strncmp(p, PRE[k], strlen(PRE[k])))
            return strlen(PRE[k]);
    return 0;
}

/* gnuplot's SVG from "<svg" on, ids prefixed with name (two SVGs share
 * the page); malloc'ed. */
static char *inline_svg(const char *svg, const char *name)
{
    const char *s = strstr(svg, "<svg");
    if (!s)
        return NULL;
    size_t extra = 0, nl = strlen(name) + 1;
    for (const char *p = s; *p; p++)
        extra += id_prefix(p) ? nl : 0;
    char *out = malloc(strlen(s) + extra + 1), *w = out;
    if (!out)
        return NULL;
    while (*s) {
        size_t m = id_prefix(s);
        if (m) {
            memcpy(w, s, m);
            w += m;
            s += m;
            w += sprintf(w, "%s-", name);
        } else
            *w++ = *s++;
    }
    *w = '\0';
    return out;
}

int ar_chart(char **svg, const char *dir, const char *gnuplot, const char *name,
             const char *data, const char *body, FILE *log, ll_error *err)
{
    *svg = NULL;
    size_t n = strlen(body) + strlen(name) * 3 + 512;
    char *script = malloc(n);
    if (!script)
        return ll_error_set(err, LL_ENOMEM, "out of memory");
    snprintf(script, n,
             "# %s.gp: written by lleval area.  Redraw with `gnuplot %s.gp` in this folder;\n"
             "# the data are in %s.dat (tab-separated).\n"
             "set encoding utf8\nset datafile separator '\\t'\n"
             "set terminal svg size 760,420 fixed noenhanced font 'sans,12' "
             "background rgb 'white'\n"
             "set output '%s.svg'\nset border 3\nset tics nomirror\n"
             "set grid ytics lc rgb '#d0d0d0' lw 1 dt 1\n%s",
             name, name, name, name, body);
    int rc = write_text(dir, name, "dat", data, err);
    if (rc == LL_OK)
        rc = write_text(dir, name, "gp", script, err);
    free(script);
    if (rc != LL_OK || !gnuplot)
        return rc;
    char sname[512], spath[4096];
    snprintf(sname, sizeof sname, "%s.gp", name);
    if (!run_gnuplot(gnuplot, dir, sname)) {
        if (log)
            fprintf(log, "lleval area: warning: gnuplot failed on %s/%s (see %s/gnuplot.log); "
                    "the report shows the chart as not drawn\n", dir, sname, dir);
        return LL_OK;
    }
    snprintf(spath, sizeof spath, "%s/%s.svg", dir, name);
    char *text = NULL;
    size_t len = 0;
    ll_error ignore = {0};
    if (ar_read_file(&text, &len, spath, &ignore) == LL_OK)
        *svg = inline_svg(text, name);
    free(text);
    return LL_OK;
}
