/* Reliability and privacy of the real program (SPEC 2.6, 8), beyond what
 * test_ingest.c checks in-process:
 *   - every input kept in fuzz/regressions/ (and every seed in
 *     fuzz/corpus/) replayed through the fuzz target's checks;
 *   - `lleval ingest` SIGKILLed while it writes a large file: the database
 *     opens, passes PRAGMA integrity_check, holds exactly the files
 *     completed before, and running the same command again completes with
 *     the right counts;
 *   - a full disk (a file size limit, RLIMIT_FSIZE, with SIGXFSZ ignored):
 *     a clear message, a non-zero exit and the database unchanged;
 *   - a read-only database file: the same;
 *   - every kind of bad input in one run of the program: each refused with
 *     a message naming the file, the good files still stored, exit 1;
 *   - the outputs of `lleval evaluate`: the database and secure/ are
 *     owner-only even under umask 0; no UPN, postcode, URN or MC_DOB value
 *     of the inputs is in the database or any output file; every count in
 *     DIR/publish/ is 0 or rounded to 5 (1 to min_cell would be c).
 * Runs the lleval beside this test program (build/ or build-asan/), from
 * the repository root as `make check` does.
 *
 * Reference counts: rows of the fixtures from `awk 'FNR>1' FILE | wc -l`
 * (explicit 2020 header.csv 602, uasc.csv 13, oc3.csv 127); the generated
 * episodes files have one bad PLACE per 1,000 rows (i % 1000 == 7) and no
 * repeated key, so N rows give N/1000 quarantined and the rest stored. */
#define LL_FUZZ_NO_MAIN
#define FUZZ_CHECK(cond, ...) ck_assert_msg(cond, __VA_ARGS__)
#include "sqlutil.h"
#include "testutil.h"

#include "../fuzz/fuzz_ingest.c"
#include "neverstored.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#define NOBODY 65534
#define EXPLICIT "fixtures/examples/explicit/input"

/* ---- helpers ------------------------------------------------------------ */

static void make_tmpdir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/lleval-rel-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int file_has(const char *path, const char *want)
{
    char *text = tu_read(path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    int has = strstr(text, want) != NULL;
    free(text);
    return has;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void assert_mode(const char *path, unsigned mode)
{
    struct stat st;
    ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
    ck_assert_msg((st.st_mode & 0777) == mode, "%s: mode %o, want %o", path,
                  st.st_mode & 0777, mode);
}

/* How the child runs lleval. */
typedef struct run_opts {
    long long fsize;  /* RLIMIT_FSIZE in bytes, 0 for none */
    int as_nobody;    /* run as uid and gid 65534 (when this test is root) */
    int umask_zero;   /* umask 0 */
} run_opts;

/* Starts lleval with args (NULL-terminated) with stdout and stderr going
 * to log; returns the child's pid. */
static pid_t spawn(const char *log, const run_opts *o, const char *const *args)
{
    static const run_opts none = {0, 0, 0};
    const char *argv[64];
    int argc = 0;
    argv[argc++] = tu_lleval_path();
    for (; args[argc - 1] != NULL; argc++) {
        ck_assert_int_lt(argc, 63);
        argv[argc] = args[argc - 1];
    }
    argv[argc] = NULL;
    if (o == NULL)
        o = &none;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid > 0)
        return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(126);
    close(fd);
    if (o->fsize > 0) {
        struct rlimit r = {(rlim_t)o->fsize, (rlim_t)o->fsize};
        signal(SIGXFSZ, SIG_IGN); /* stays ignored across exec: writes fail with EFBIG */
        if (setrlimit(RLIMIT_FSIZE, &r) != 0)
            _exit(126);
    }
    if (o->umask_zero)
        umask(0);
    if (o->as_nobody && geteuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
        _exit(126);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* Exit status of pid, or 128 + signal. */
static int wait_status(pid_t pid)
{
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs lleval to the end; returns its exit status. */
static int run(const char *log, const run_opts *o, const char *const *args)
{
    return wait_status(spawn(log, o, args));
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    ck_assert_msg(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK,
                  "%s: %s", path, db ? sqlite3_errmsg(db) : "?");
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static void assert_integrity(sqlite3 *db)
{
    char *ok = tu_qtext(db, "PRAGMA integrity_check");
    ck_assert_str_eq(ok, "ok");
    free(ok);
}

/* The files table and the row counts of every table, to compare states. */
static char *state(sqlite3 *db)
{
    return tu_qtext(db,
        "SELECT (SELECT ifnull(group_concat(file_id||':'||kind||':'||year||':'||n_read||':'"
        "||n_stored||':'||n_quarantined, ';'), '') FROM files) || '|' ||"
        " (SELECT count(*) FROM header) || ',' || (SELECT count(*) FROM episodes) || ','"
        " || (SELECT count(*) FROM uasc) || ',' || (SELECT count(*) FROM oc2) || ','"
        " || (SELECT count(*) FROM oc3) || ',' || (SELECT count(*) FROM lifelong_links) || ','"
        " || (SELECT count(*) FROM comparison) || ',' || (SELECT count(*) FROM sdq_items) || ','"
        " || (SELECT count(*) FROM quarantine)");
}

/* Asserts that the database is intact and that its row counts (state()
 * from its '|' on) are want. */
static void assert_counts(sqlite3 *db, const char *want)
{
    assert_integrity(db);
    char *s = state(db);
    ck_assert_str_eq(strchr(s, '|'), want);
    free(s);
}

/* Writes an episodes file of rows rows with distinct keys and a bad PLACE
 * on every row i % 1000 == 7. */
static void write_episodes(const char *path, long rows)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fputs("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
          "PL_POST,URN\n", f);
    for (long i = 0; i < rows; i++)
        fprintf(f, "C%07ld,%02ld/%02ld/2019,S,C2,N1,%s,PR1,,,,AB1 2CD,,SC%06ld\n", i, 1 + i % 28,
                1 + i / 28 % 12, i % 1000 == 7 ? "ZZ" : "K2", i % 1000000);
    ck_assert_int_eq(fclose(f), 0);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the fuzz target's regressions ---------------------------------------- */

/* Replays every file of dir through fuzz_one; returns how many. */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        char path[512];
        size_t len;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *data = tu_read(path, &len);
        ck_assert_msg(data != NULL, "cannot read %s", path);
        fuzz_one((const uint8_t *)data, len);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

START_TEST(fuzz_regressions_replay)
{
    replay_dir("fuzz/regressions");
    ck_assert_int_ge(replay_dir("fuzz/corpus"), 40);
    fuzz_cleanup();
}
END_TEST

/* ---- SIGKILL in the middle of a large file ---------------------------------- */

#define BIG_ROWS 1000000L

/* Waits until the two small files are committed and then until the big
 * file's transaction has written more than 8 MiB of pages to the WAL (the
 * page cache spills long before the commit), and kills the child there. */
static void kill_mid_transaction(pid_t pid, const char *db_path)
{
    char wal[600];
    sqlite3 *probe = NULL;
    long long base = -1;
    double start = now_s();
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    for (;;) {
        int st;
        ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0,
                      "lleval ingest ended before it could be killed");
        ck_assert_msg(now_s() - start < 300, "the big file's transaction never showed");
        if (probe == NULL && file_size(db_path) > 0 &&
            sqlite3_open_v2(db_path, &probe, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            sqlite3_close(probe);
            probe = NULL;
        }
        if (probe != NULL && base < 0) {
            sqlite3_stmt *s = NULL;
            if (sqlite3_prepare_v2(probe, "SELECT count(*) FROM files", -1, &s, NULL) ==
                    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 2)
                base = file_size(wal);
            sqlite3_finalize(s);
        }
        if (base >= 0 && file_size(wal) > base + (8 << 20)) {
            ck_assert_int_eq(kill(pid, SIGKILL), 0);
            break;
        }
        sleep_ms(1);
    }
    sqlite3_close(probe);
}

START_TEST(sigkill_mid_large_file)
{
    char dir[64], db[128], big[128], log[128], summary[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(big, sizeof big, "%s/episodes.csv", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    snprintf(summary, sizeof summary, "%s/summary.csv", dir);
    write_episodes(big, BIG_ROWS);
    const char *args[] = {"ingest", "--db", db, "--year", "2021", "--summary", summary,
                          EXPLICIT "/903/2020/header.csv", EXPLICIT "/903/2020/uasc.csv", big,
                          EXPLICIT "/903/2020/oc3.csv", NULL};
    run_opts loose = {0, 0, 1}; /* umask 0: modes come from the program alone */
    pid_t pid = spawn(log, &loose, args);
    kill_mid_transaction(pid, db);
    ck_assert_int_eq(wait_status(pid), 128 + SIGKILL);
    char wal[160], shm[160];
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    ck_assert_int_gt(file_size(wal), 8 << 20); /* uncommitted pages were written */
    assert_mode(db, 0600);
    assert_mode(wal, 0600);
    assert_mode(shm, 0600);

    /* The database opens, is whole, and holds exactly the two files done. */
    sqlite3 *h = open_db(db);
    assert_integrity(h);
    char *s = tu_qtext(h, "SELECT group_concat(kind||':'||n_read||':'||n_stored, ',') FROM files");
    ck_assert_str_eq(s, "header:602:602,uasc:13:13");
    free(s);
    s = state(h);
    ck_assert_str_eq(strchr(s, '|'), "|602,0,13,0,0,0,0,0,0");
    free(s);
    sqlite3_close(h);

    /* The same command again: the two are skipped, the rest go in. */
    ck_assert_int_eq(run(log, NULL, args), 3); /* 3: done, some rows quarantined */
    char want[512];
    snprintf(want, sizeof want,
             "file,kind,year,read,stored,duplicates,quarantined,refused\n"
             EXPLICIT "/903/2020/header.csv,skipped,,0,0,0,0,0\n"
             EXPLICIT "/903/2020/uasc.csv,skipped,,0,0,0,0,0\n"
             "%s,episodes,2021,1000000,999000,0,1000,0\n"
             EXPLICIT "/903/2020/oc3.csv,oc3,2021,127,127,0,0,0\n", big);
    char *got = tu_read(summary, NULL);
    ck_assert_str_eq(got, want);
    free(got);
    h = open_db(db);
    assert_counts(h, "|602,999000,13,0,127,0,0,0,1000");
    ck_assert_int_eq(tu_qint(h, "SELECT count(*) FROM episodes WHERE child='C0999999'"), 1);
    sqlite3_close(h);
    tu_remove_tree(dir);
}
END_TEST

/* ---- a full disk --------------------------------------------------------- */

/* 100,000 episodes fit in SQLite's page cache, so the write fails at the
 * commit; 400,000 do not, so pages spill to the WAL and it fails during the
 * insert.  Either way the message says nothing was stored, and it is so. */
static const long FULL_ROWS[2] = {100000, 400000};

START_TEST(full_disk)
{
    const long rows = FULL_ROWS[_i];
    char dir[64], db[128], ep[128], log[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(ep, sizeof ep, "%s/episodes.csv", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    const char *first[] = {"ingest", "--db", db, "--year", "2021",
                           EXPLICIT "/903/2020/header.csv", NULL};
    ck_assert_int_eq(run(log, NULL, first), 0);
    sqlite3 *h = open_db(db);
    char *before = state(h);
    sqlite3_close(h);

    /* 100,000 episodes need some 7 MB of pages; files may not grow past 1 MiB. */
    write_episodes(ep, rows);
    run_opts tiny = {1 << 20, 0, 0};
    const char *args[] = {"ingest", "--db", db, "--year", "2021", ep, NULL};
    int rc = run(log, &tiny, args);
    ck_assert_int_eq(rc, 2); /* an internal failure, not a refused file */
    char want[256];
    snprintf(want, sizeof want, "lleval ingest: %s: database (", ep);
    ck_assert_msg(file_has(log, want), "no message naming the file");
    /* SQLite says "disk I/O error" and, depending on its version, gives the
     * system's reason (EFBIG) or not; ingest then adds a hint. */
    ck_assert(file_has(log, "the disk may be full") || file_has(log, "File too large"));
    ck_assert(file_has(log, "nothing from this file was stored"));

    h = open_db(db);
    assert_integrity(h);
    char *after = state(h);
    ck_assert_str_eq(before, after);
    free(after);
    sqlite3_close(h);

    /* With room again, the same command stores the file. */
    ck_assert_int_eq(run(log, NULL, args), 3);
    h = open_db(db);
    assert_integrity(h);
    ck_assert_int_eq(tu_qint(h, "SELECT count(*) FROM episodes"), rows - rows / 1000);
    ck_assert_int_eq(tu_qint(h, "SELECT count(*) FROM quarantine"), rows / 1000);
    sqlite3_close(h);
    free(before);
    tu_remove_tree(dir);
}
END_TEST

/* ---- a read-only database --------------------------------------------------- */

START_TEST(readonly_database_file)
{
    char dir[64], db[128], log[128];
    make_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/ro.db", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    const char *first[] = {"ingest", "--db", db, "fixtures/broken/2021/uasc.csv", NULL};
    ck_assert_int_eq(run(log, NULL, first), 3);
    /* root may write any file: the command then runs as nobody, owner of a
     * file it may only read. */
    int root = geteuid() == 0;
    if (root) {
        ck_assert_int_eq(chown(dir, NOBODY, NOBODY), 0);
        ck_assert_int_eq(chown(db, NOBODY, NOBODY), 0);
        ck_assert_int_eq(chown(log, NOBODY, NOBODY), 0);
    }
    ck_assert_int_eq(chmod(db, 0400), 0);
    size_t n0, n1;
    char *bytes0 = tu_read(db, &n0);
    ck_assert_ptr_nonnull(bytes0);
    run_opts o = {0, 1, 0};
    const char *args[] = {"ingest", "--db", db, "fixtures/broken/2021/oc3.csv", NULL};
    int rc = run(log, &o, args);
    if (rc == 126 || rc == 127) {
        tu_skip("readonly_database_file", "cannot run %s as nobody", tu_lleval_path());
        free(bytes0);
        tu_remove_tree(dir);
        return;
    }
    ck_assert_int_eq(rc, 2);
    char want[256];
    snprintf(want, sizeof want, "lleval ingest: %s: cannot write the database: the file is "
                                "read-only", db);
    ck_assert_msg(file_has(log, want), "no message '%s'", want);
    char *bytes1 = tu_read(db, &n1);
    ck_assert_ptr_nonnull(bytes1);
    ck_assert(n0 == n1 && memcmp(bytes0, bytes1, n0) == 0);
    free(bytes0);
    free(bytes1);
    ck_assert_int_eq(chmod(db, 0600), 0);
    sqlite3 *h = open_db(db);
    assert_integrity(h);
    ck_assert_int_eq(tu_qint(h, "SELECT count(*) FROM oc3"), 0);
    ck_assert_int_eq(tu_qint(h, "SELECT count(*) FROM files"), 1);
    sqlite3_close(h);
    tu_remove_tree(dir);
}
END_TEST

/* ---- the bad-input catalogue in one run of the real program ---------------- */

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* test_ingest.c checks each bad input through the library; here one
 * `lleval ingest` gets all of them with good files among them: each bad
 * file is named with a message and refused, the others still go in, the
 * exit status is the most severe (1), and the database is whole. */
START_TEST(bad_inputs_one_run)
{
    char dir[64], db[128], log[128], summary[128], p[6][128];
    make_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    snprintf(summary, sizeof summary, "%s/summary.csv", dir);
    static const char *const names[] = {"binary.csv", "empty.csv", "bigfield.csv", "wide.csv",
                                        "feb31.csv", "nope.csv"};
    for (int i = 0; i < 6; i++)
        snprintf(p[i], sizeof p[i], "%s/%s", dir, names[i]);
    unsigned char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)((i * 2654435761u) >> 13);
    write_bytes(p[0], bin, sizeof bin);
    write_bytes(p[1], "", 0);
    size_t big = (size_t)1 << 20, o = 0;
    char *text = malloc(big + 64);
    ck_assert_ptr_nonnull(text);
    o = (size_t)sprintf(text, "CHILD,SEX,DOB,ETHNIC\n1,1,01/01/2005,");
    memset(text + o, 'x', big);
    text[o + big] = '\n';
    write_bytes(p[2], text, o + big + 1);
    o = (size_t)sprintf(text, "CHILD,SEX,DOB");
    for (int i = 3; i < 10000; i++)
        o += (size_t)sprintf(text + o, ",X%d", i);
    text[o++] = '\n';
    write_bytes(p[3], text, o);
    free(text);
    /* A good row beside the bad date: a file where no date passes is
     * refused whole (SPEC 2, issue 22). */
    write_bytes(p[4], "CHILD,DOB,ACCOM\n7,31/02/2020,B1\n8,01/02/2020,B1\n", 47);
    const char *args[] = {"ingest", "--db", db, "--year", "2021", "--summary", summary,
                          p[0], p[1], "fixtures/ingest/2021/semicolons.csv",
                          "fixtures/ingest/2021/latin1.csv", p[2], p[3],
                          "fixtures/ingest/2021/unterminated.csv", p[5],
                          "fixtures/ingest/2021/uasc_header_only.csv", p[4],
                          "fixtures/ingest/2021/sql.csv", NULL};
    ck_assert_int_eq(run(log, NULL, args), 1);
    char want[2048];
    snprintf(want, sizeof want,
             "file,kind,year,read,stored,duplicates,quarantined,refused\n"
             "%s,unknown,,0,0,0,0,1\n%s,unknown,,0,0,0,0,1\n"
             "fixtures/ingest/2021/semicolons.csv,unknown,,0,0,0,0,1\n"
             "fixtures/ingest/2021/latin1.csv,unknown,,0,0,0,0,1\n"
             "%s,header,,0,0,0,0,1\n%s,unknown,,0,0,0,0,1\n"
             "fixtures/ingest/2021/unterminated.csv,uasc,,0,0,0,0,1\n"
             "%s,unknown,,0,0,0,0,1\n"
             "fixtures/ingest/2021/uasc_header_only.csv,uasc,2021,0,0,0,0,0\n"
             "%s,oc3,2021,2,1,0,1,0\n"
             "fixtures/ingest/2021/sql.csv,header,2021,1,1,0,0,0\n",
             p[0], p[1], p[2], p[3], p[5], p[4]);
    char *got = tu_read(summary, NULL);
    ck_assert_str_eq(got, want);
    free(got);
    /* One message per refused file, naming it and saying why. */
    static const struct {
        int file; /* index into p, or -1 for the fixture named */
        const char *fixture, *why;
    } msg[] = {
        {0, NULL, "refused: line 1: a NUL byte: not a text (CSV) file"},
        {1, NULL, "refused: empty file: no header row, so the kind is unknown"},
        {-1, "semicolons.csv", "refused: the header row is separated by semicolons (';'), not commas"},
        {-1, "latin1.csv", "refused: line 3: byte 0xE9 is not UTF-8"},
        {2, NULL, "refused: line 2: a field is longer than 65536 bytes"},
        {3, NULL, "refused: the header has 10000 columns (at most 1000 are accepted)"},
        {-1, "unterminated.csv", "refused: line 3: not valid CSV: a quoted field is never closed"},
        {5, NULL, "refused: cannot open: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof msg / sizeof msg[0]; i++) {
        char line[512];
        if (msg[i].file >= 0)
            snprintf(line, sizeof line, "lleval ingest: %s: %s", p[msg[i].file], msg[i].why);
        else
            snprintf(line, sizeof line, "lleval ingest: fixtures/ingest/2021/%s: %s",
                     msg[i].fixture, msg[i].why);
        ck_assert_msg(file_has(log, line), "no message '%s'", line);
    }
    ck_assert(file_has(log, "feb31.csv:2: bad_date: DOB '31/02/2020' is not a date"));
    sqlite3 *h = open_db(db);
    assert_counts(h, "|1,0,0,0,1,0,0,0,1");
    ck_assert_int_eq(tu_qint(h, "SELECT count(*) FROM files"), 3);
    sqlite3_close(h);
    tu_remove_tree(dir);
}
END_TEST

/* ---- outputs: permissions, identifiers, publish/ -------------------------- */

/* The first value of probe (sorted) found anywhere in buf, or NULL: every
 * window of every length a value has is looked up. */
static const char *find_any(const strs *probe, const char *buf, size_t n)
{
    int lens[17] = {0};
    for (size_t k = 0; k < probe->n; k++)
        lens[strlen(probe->v[k])] = 1;
    for (size_t len = 5; len <= 16; len++) {
        char w[17];
        for (size_t i = 0; lens[len] && i + len <= n; i++) {
            memcpy(w, buf + i, len);
            w[len] = '\0';
            char *key = w;
            char **hit = bsearch(&key, probe->v, probe->n, sizeof *probe->v, strs_cmp);
            if (hit != NULL)
                return *hit;
        }
    }
    return NULL;
}

/* Checks every regular file under dir for the values of probe; returns
 * the number of files read. */
static int assert_absent_under(const char *dir, const strs *probe)
{
    DIR *d = opendir(dir);
    int files = 0;
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        char path[1024];
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ck_assert_int_eq(lstat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            files += assert_absent_under(path, probe);
        } else if (S_ISREG(st.st_mode)) {
            size_t n;
            char *buf = tu_read(path, &n);
            ck_assert_ptr_nonnull(buf);
            const char *hit = find_any(probe, buf, n);
            ck_assert_msg(hit == NULL, "%s holds the never-stored value '%s'", path, hit);
            free(buf);
            files++;
        }
    }
    closedir(d);
    return files;
}

/* A column of counts, by the names the report gives them: n, x, count,
 * events, at_risk, or n_..., x_..., ..._n, ..._x, ..._count, ..._events. */
static int is_count_column(const char *name)
{
    static const char *const exact[] = {"n", "x", "count", "events", "at_risk", "n_at_risk",
                                        "children", "number", NULL};
    char low[128];
    size_t len = strlen(name);
    if (len == 0 || len >= sizeof low)
        return 0;
    for (size_t i = 0; i <= len; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    for (size_t i = 0; exact[i] != NULL; i++)
        if (!strcmp(low, exact[i]))
            return 1;
    return !strncmp(low, "n_", 2) || !strncmp(low, "x_", 2) ||
           (len > 2 && (!strcmp(low + len - 2, "_n") || !strcmp(low + len - 2, "_x"))) ||
           strstr(low, "count") != NULL || strstr(low, "events") != NULL ||
           strstr(low, "at_risk") != NULL;
}

/* A count shown in a publish/ table must be 0 or a multiple of the
 * rounding base (report.rounding's default, 5) no smaller than min_cell + 1
 * rounded (SPEC 8 rule 1: 1 to min_cell is c, every other count rounded). */
static void assert_not_small(long x, int min_cell, const char *path, long line, const char *cell)
{
    const long rounding = 5, least = (2 * (min_cell + 1) + rounding) / (2 * rounding) * rounding;
    ck_assert_msg(x == 0 || (x >= least && x % rounding == 0),
                  "%s line %ld: a count of %ld is shown in '%s'", path, line, x, cell);
}

/* The whole number at s (1 to 9 digits) with its end in *end, or -1. */
static long whole_at(const char *s, const char **end)
{
    size_t k = strspn(s, "0123456789");
    *end = s + k;
    return k >= 1 && k <= 9 ? atol(s) : -1;
}

/* Counts written inside a cell's text: "x (p%)" (a count with its share)
 * at the start, and every "n = k" or "N = k" (a group's size). */
static size_t check_cell_text(const char *cell, int min_cell, const char *path, long line)
{
    const char *end;
    size_t seen = 0;
    long x = whole_at(cell, &end);
    if (x >= 0 && end[0] == ' ' && end[1] == '(' && strchr(end, '%') != NULL) {
        assert_not_small(x, min_cell, path, line, cell);
        seen++;
    }
    for (const char *p = cell; (p = strpbrk(p, "nN")) != NULL; p++) {
        if (p > cell && isalnum((unsigned char)p[-1]))
            continue;
        if (strncmp(p + 1, " = ", 3) != 0 || (x = whole_at(p + 4, &end)) < 0)
            continue;
        assert_not_small(x, min_cell, path, line, cell);
        seen++;
    }
    return seen;
}

/* Checks one publish/ CSV for counts from 1 to min_cell: whole numbers in
 * count columns (is_count_column), in rows whose `unit` is children, and
 * counts written inside cells or column names (check_cell_text).  Returns
 * the number of counts seen; adds the column names to names. */
static size_t check_publish_csv(const char *path, int min_cell, char *names, size_t nsize)
{
    size_t n, seen = 0;
    char *buf = tu_read(path, &n);
    ll_csvread *r;
    ll_csv_row row;
    ll_error err;
    unsigned char counts[LL_CSV_MAX_FIELDS + 1] = {0};
    long unit = -1;
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(ll_csvread_new(&r, buf, n, &err), 0);
    ck_assert_msg(ll_csvread_next(r, &row, &err) == 1, "%s: no header", path);
    for (size_t i = 0; i < row.nkept; i++) {
        counts[i] = (unsigned char)is_count_column(row.field[i]);
        if (!strcmp(row.field[i], "unit"))
            unit = (long)i;
        seen += check_cell_text(row.field[i], min_cell, path, 1);
        size_t o = strlen(names);
        snprintf(names + o, nsize - o, "%s%s", o ? "," : "", row.field[i]);
    }
    size_t ncol = row.nkept;
    for (int rc; (rc = ll_csvread_next(r, &row, &err)) != 0;) {
        ck_assert_msg(rc == 1, "%s: %s", path, err.msg);
        int of_children = unit >= 0 && (size_t)unit < row.nkept &&
                          !strcmp(row.field[unit], "children");
        for (size_t i = 0; i < row.nkept && i < ncol; i++) {
            const char *v = row.field[i], *end;
            seen += check_cell_text(v, min_cell, path, row.line);
            if (!counts[i] && !of_children)
                continue;
            long x = whole_at(v, &end);
            if (x >= 0 && *end == '\0') {
                assert_not_small(x, min_cell, path, row.line, v);
                seen++;
            }
        }
    }
    ll_csvread_free(r);
    free(buf);
    return seen;
}

static void check_publish(const char *out, int min_cell)
{
    char dir[256], names[4096] = "";
    size_t seen = 0;
    int files = 0;
    snprintf(dir, sizeof dir, "%s/publish", out);
    DIR *d = opendir(dir);
    if (d == NULL) {
        tu_skip("outputs_private", "%s does not exist (the report module writes it): the "
                "publish/ check did not run", dir);
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        char path[512];
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        seen += check_publish_csv(path, min_cell, names, sizeof names);
        files++;
    }
    closedir(d);
    ck_assert_msg(files > 0, "%s holds no CSV table", dir);
    ck_assert_msg(seen > 20, "%s: only %zu counts recognised (columns %s)", dir, seen, names);
}

START_TEST(outputs_private)
{
    char dir[64], db[128], out[128], log[128], secure[160];
    strs never = {0}, other = {0}, probe = {0};
    run_opts loose = {0, 0, 1}; /* umask 0: modes come from the program alone */
    make_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/ex.db", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    for (int year = 2016; year <= 2024; year++) {
        static const char *const tables[] = {"header", "episodes", "uasc", "oc2", "oc3"};
        char y[8], files[5][128];
        const char *args[16] = {"ingest", "--db", db, "--year", y};
        snprintf(y, sizeof y, "%d", year);
        for (int k = 0; k < 5; k++) {
            snprintf(files[k], sizeof files[k], EXPLICIT "/903/%d/%s.csv", year, tables[k]);
            args[5 + k] = files[k];
            split_file(files[k], &never, &other);
        }
        ck_assert_msg(run(log, &loose, args) == 0, "ingest of %d failed", year);
    }
    const char *prog[] = {"ingest", "--db", db, EXPLICIT "/lifelong_links.csv",
                          EXPLICIT "/comparison.csv", NULL};
    split_file(EXPLICIT "/lifelong_links.csv", &never, &other);
    split_file(EXPLICIT "/comparison.csv", &never, &other);
    ck_assert_int_eq(run(log, &loose, prog), 0);
    const char *eval[] = {"evaluate", "--db", db, "--out", out, NULL};
    ck_assert_msg(run(log, &loose, eval) == 0, "evaluate failed: see %s", log);

    /* Owner-only, whatever the umask. */
    snprintf(secure, sizeof secure, "%s/secure", out);
    assert_mode(db, 0600);
    assert_mode(secure, 0700);

    /* No identifier of the inputs in the database or any output. */
    probes_of(&probe, &never, &other);
    ck_assert_uint_gt(probe.n, 1000); /* UPNs, postcodes and URNs */
    size_t n;
    char *bytes = tu_read(db, &n);
    ck_assert_ptr_nonnull(bytes);
    const char *hit = find_any(&probe, bytes, n);
    ck_assert_msg(hit == NULL, "the database holds the never-stored value '%s'", hit);
    free(bytes);
    ck_assert_int_gt(assert_absent_under(out, &probe), 5);

    check_publish(out, 5); /* report.min_cell's default */
    strs_free(&never);
    strs_free(&other);
    strs_free(&probe);
    tu_remove_tree(dir);
}
END_TEST

Suite *make_suite(void)
{
    const TTest *const tests[] = {
        fuzz_regressions_replay, sigkill_mid_large_file, readonly_database_file,
        bad_inputs_one_run, outputs_private, NULL};
    Suite *s = suite_create("reliability");
    TCase *tc = tu_tcase(s, "reliability", tests, 600);
    tcase_add_loop_test(tc, full_disk, 0, 2);
    return s;
}
