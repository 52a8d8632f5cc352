/* gnuplot as an external program for every report that draws charts: one
 * place that finds it, runs it without a shell (so no path or title can be
 * read as a command) and knows which SVG attributes name ids. */
#include "lleval/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int ll_gnuplot_find(char **out, const char *name)
{
    *out = NULL;
    if (name == NULL || name[0] == '\0')
        return LL_OK;
    if (strchr(name, '/') != NULL) {
        if (access(name, X_OK) == 0 && (*out = strdup(name)) == NULL)
            return LL_ENOMEM;
        return LL_OK;
    }
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        size_t n = len + strlen(name) + 3;
        char *cand = malloc(n);
        if (cand == NULL)
            return LL_ENOMEM;
        snprintf(cand, n, "%.*s/%s", (int)len, len ? path : ".", name);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
            *out = cand;
            return LL_OK;
        }
        free(cand);
        path += len + (path[len] == ':');
    }
    return LL_OK;
}

/* The child: into dir, output to gnuplot.log, exec; never returns. */
static void run_child(const char *prog, const char *dir, const char *script)
{
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

int ll_gnuplot_run(const char *prog, const char *dir, const char *script, ll_error *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return ll_error_set(err, LL_EIO, "cannot start %s: %s", prog, strerror(errno));
    if (pid == 0)
        run_child(prog, dir, script);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ll_error_set(err, LL_EIO, "%s: lost track of %s", prog, script);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ll_error_set(err, LL_EIO, "%s failed on %s/%s (see %s/gnuplot.log)", prog, dir,
                            script, dir);
    return LL_OK;
}

size_t ll_gnuplot_svg_id(const char *p)
{
    static const char *const PRE[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
    for (size_t k = 0; k < sizeof PRE / sizeof *PRE; k++)
        if (strncmp(p, PRE[k], strlen(PRE[k])) == 0)
            return strlen(PRE[k]);
    return 0;
}

size_t ll_gnuplot_svg_prefix(char *out, const char **p, const char *name)
{
    size_t m = ll_gnuplot_svg_id(*p);
    if (m == 0)
        return 0;
    memcpy(out, *p, m);
    *p += m;
    return m + (size_t)sprintf(out + m, "%s-", name);
}
