/* gnuplot as an external program for every report that draws charts: one
 * place that finds it, runs it without a shell (so no path or title can be
 * read as a command) and knows which SVG attributes name ids. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np (glibc >= 2.29, musl, macOS) */
#include "lleval/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
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

/* The child goes into dir, writes to its log there, reads nothing.
 * posix_spawn, not fork: evaluate holds hundreds of MB when it draws, and
 * fork would copy its page tables for every chart (and make each page it
 * then writes fault once); posix_spawn starts the child without that. */
int ll_gnuplot_start(long *out, const char *prog, const char *dir, const char *script,
                     const char *log, ll_error *err)
{
    extern char **environ;
    posix_spawn_file_actions_t fa;
    char *const argv[] = {(char *)prog, (char *)script, NULL};
    pid_t pid;
    int e = posix_spawn_file_actions_init(&fa);
    if (e != 0)
        return ll_error_set(err, LL_ENOMEM, "cannot start %s: %s", prog, strerror(e));
    if ((e = posix_spawn_file_actions_addchdir_np(&fa, dir)) == 0 &&
        (e = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log ? log : "gnuplot.log",
                                              O_WRONLY | O_CREAT | O_APPEND, 0644)) == 0 &&
        (e = posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO)) == 0 &&
        (e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0)) == 0)
        e = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0)
        return ll_error_set(err, LL_EIO, "cannot start %s in %s: %s", prog, dir, strerror(e));
    *out = (long)pid;
    return LL_OK;
}

int ll_gnuplot_wait(long pid, const char *prog, const char *dir, const char *script,
                    ll_error *err)
{
    int status = 0;
    while (waitpid((pid_t)pid, &status, 0) < 0)
        if (errno != EINTR)
            return ll_error_set(err, LL_EIO, "%s: lost track of %s", prog, script);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ll_error_set(err, LL_EIO, "%s failed on %s/%s (see %s/gnuplot.log)", prog, dir,
                            script, dir);
    return LL_OK;
}

int ll_gnuplot_run(const char *prog, const char *dir, const char *script, ll_error *err)
{
    long pid;
    int rc = ll_gnuplot_start(&pid, prog, dir, script, NULL, err);
    return rc == LL_OK ? ll_gnuplot_wait(pid, prog, dir, script, err) : rc;
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
