/* e2e: run the real binary and analyse its output (see e2e.h). */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include "e2e.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>

extern char **environ;

/* The binary under test: $ADEM_BIN, set by ctest for every test. */
static const char *adem_bin(void)
{
    const char *b = getenv("ADEM_BIN");
    if (!b || !*b)
        fail_msg("ADEM_BIN is not set (run the tests through ctest)");
    return b;
}

static char tmpdir[256];

const char *e2e_tmpdir(void)
{
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/adem-test-XXXXXX");
        if (!mkdtemp(tmpdir))
            fail_msg("mkdtemp: %s", strerror(errno));
    }
    return tmpdir;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

void e2e_cleanup(void)
{
    if (tmpdir[0]) {
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        tmpdir[0] = '\0';
    }
}

const char *e2e_path(const char *name)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", e2e_tmpdir(), name);
    return b;
}

void e2e_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

int e2e_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int e2e_dir_entries(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

void e2e_run_env(const char *const *argv, const char *const *env, e2e_result *r)
{
    memset(r, 0, sizeof *r);
    const char *dir = e2e_tmpdir();
    char outp[512], errp[512];
    snprintf(outp, sizeof outp, "%s/.stdout", dir);
    snprintf(errp, sizeof errp, "%s/.stderr", dir);

    /* argv with the binary first */
    int argc = 0;
    while (argv[argc])
        argc++;
    char **args = calloc((size_t)argc + 2, sizeof *args);
    args[0] = (char *)adem_bin();
    for (int i = 1; i < argc; i++)
        args[i] = (char *)argv[i];

    /* environment: ours, with XDG dirs inside the temp dir, plus extras */
    int nenv = 0, nextra = 0;
    while (environ[nenv])
        nenv++;
    while (env && env[nextra])
        nextra++;
    char **envp = calloc((size_t)(nenv + nextra + 4), sizeof *envp);
    int k = 0;
    static char xdg[3][600];
    snprintf(xdg[0], sizeof xdg[0], "XDG_DATA_HOME=%s/xdg-data", dir);
    snprintf(xdg[1], sizeof xdg[1], "XDG_CONFIG_HOME=%s/xdg-config", dir);
    snprintf(xdg[2], sizeof xdg[2], "XDG_STATE_HOME=%s/xdg-state", dir);
    for (int i = 0; i < nenv; i++) {
        if (strncmp(environ[i], "XDG_DATA_HOME=", 14) == 0 ||
            strncmp(environ[i], "XDG_CONFIG_HOME=", 16) == 0 ||
            strncmp(environ[i], "XDG_STATE_HOME=", 15) == 0)
            continue;
        int overridden = 0;
        for (int j = 0; j < nextra; j++) {
            const char *eq = strchr(env[j], '=');
            size_t nl = eq ? (size_t)(eq - env[j]) + 1 : strlen(env[j]);
            if (strncmp(environ[i], env[j], nl) == 0)
                overridden = 1;
        }
        if (!overridden)
            envp[k++] = environ[i];
    }
    for (int i = 0; i < 3; i++) {
        int overridden = 0;
        for (int j = 0; j < nextra; j++)
            if (strncmp(env[j], xdg[i], (size_t)(strchr(xdg[i], '=') - xdg[i]) + 1) == 0)
                overridden = 1;
        if (!overridden)
            envp[k++] = xdg[i];
    }
    for (int j = 0; j < nextra; j++)
        envp[k++] = (char *)env[j];
    envp[k] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, args[0], &fa, NULL, args, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(args);
    free(envp);
    if (rc != 0)
        fail_msg("cannot run %s: %s", adem_bin(), strerror(rc));
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp(outp, &r->out_len);
    r->err = slurp(errp, &r->err_len);
}

void e2e_run(const char *const *argv, e2e_result *r)
{
    e2e_run_env(argv, NULL, r);
}

void e2e_result_free(e2e_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

int e2e_count_lines(const char *s)
{
    int n = 0;
    const char *p = s;
    for (; *p; p++)
        if (*p == '\n')
            n++;
    if (p > s && p[-1] != '\n')
        n++;
    return n;
}

void e2e_write_wav(const char *path, int rate, const float *samples, int64_t frames)
{
    SF_INFO info = {0};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f)
        fail_msg("cannot write %s: %s", path, sf_strerror(NULL));
    if (sf_writef_float(f, samples, frames) != frames)
        fail_msg("short write to %s", path);
    sf_close(f);
}

void e2e_write_impulse_cue(const char *dir, const char *id, int rate, int64_t frames, float amp)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.wav", dir, id);
    float *s = calloc((size_t)frames, sizeof *s);
    s[0] = amp;
    e2e_write_wav(path, rate, s, frames);
    free(s);
}

int64_t e2e_read_audio(const char *path, float **samples, int *channels, int *rate)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        fail_msg("cannot read audio %s: %s", path, sf_strerror(NULL));
    float *s = malloc(((size_t)info.frames + 1) * (size_t)info.channels * sizeof *s);
    int64_t got = sf_readf_float(f, s, info.frames);
    sf_close(f);
    *samples = s;
    *channels = info.channels;
    *rate = info.samplerate;
    return got;
}

int64_t e2e_find_peaks(const float *s, int64_t frames, int channels, float threshold,
                       int64_t *pos, int64_t max)
{
    int64_t n = 0;
    for (int64_t i = 0; i < frames; i++) {
        float v = s[i * channels];
        if (v > threshold || v < -threshold) {
            if (n < max)
                pos[n] = i;
            n++;
        }
    }
    return n;
}

/* ---- Background processes and a private JACK server ------------------------ */

#include <glob.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

enum { MAX_SPAWNED = 64 };
static pid_t spawned[MAX_SPAWNED];
static int exit_hook;

static pid_t jack_server;
static char jack_name[96];
static int jack_count;
static char jack_log[1024];    /* the running server's log */
static char capture_log[1024]; /* the last capture's log */

double e2e_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void e2e_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Removes pid from the registry of running children. */
static void forget(pid_t pid)
{
    for (int i = 0; i < MAX_SPAWNED; i++)
        if (spawned[i] == pid)
            spawned[i] = 0;
}

/* 1 if entry "NAME=..." has its NAME among the entries of list. */
static int env_named_in(const char *entry, const char *const *list)
{
    const char *eq = strchr(entry, '=');
    size_t n = eq ? (size_t)(eq - entry) + 1 : strlen(entry);
    for (int j = 0; list && list[j]; j++)
        if (strncmp(list[j], entry, n) == 0)
            return 1;
    return 0;
}

/* Forks and execs argv with environ plus env; the kernel sends `death_sig` to
 * the child when we die (Linux). Registers the child. */
static pid_t spawn_with(const char *const *argv, const char *const *env, const char *out_path,
                        const char *err_path, int death_sig)
{
    int nenv = 0, nextra = 0;
    while (environ[nenv])
        nenv++;
    while (env && env[nextra])
        nextra++;
    char **envp = calloc((size_t)(nenv + nextra + 1), sizeof *envp);
    int k = 0;
    for (int i = 0; i < nenv; i++)
        if (!env_named_in(environ[i], env))
            envp[k++] = environ[i];
    for (int j = 0; j < nextra; j++)
        envp[k++] = (char *)env[j];
    envp[k] = NULL;
    if (!exit_hook) {
        atexit(e2e_kill_all);
        exit_hook = 1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, death_sig);
#else
        (void)death_sig;
#endif
        if (getppid() != parent)
            _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int same = out_path && err_path && strcmp(out_path, err_path) == 0;
        int err = same ? dup(out)
                       : open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        environ = envp;
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    free(envp);
    for (int i = 0; i < MAX_SPAWNED; i++)
        if (spawned[i] == 0) {
            spawned[i] = pid;
            return pid;
        }
    kill(pid, SIGKILL);
    fail_msg("too many background processes");
    return -1;
}

pid_t e2e_spawn(const char *const *argv, const char *const *env, const char *out_path,
                const char *err_path)
{
    return spawn_with(argv, env, out_path, err_path, SIGKILL);
}

pid_t e2e_spawn_adem(const char *const *argv, const char *const *env, const char *out_path,
                     const char *err_path)
{
    static char xdg[3][600];
    const char *dir = e2e_tmpdir();
    snprintf(xdg[0], sizeof xdg[0], "XDG_DATA_HOME=%s/xdg-data", dir);
    snprintf(xdg[1], sizeof xdg[1], "XDG_CONFIG_HOME=%s/xdg-config", dir);
    snprintf(xdg[2], sizeof xdg[2], "XDG_STATE_HOME=%s/xdg-state", dir);
    const char *all[64];
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (!env_named_in(xdg[i], env))
            all[n++] = xdg[i];
    for (int j = 0; env && env[j] && n < 63; j++)
        all[n++] = env[j];
    all[n] = NULL;
    const char *args[64];
    int argc = 0;
    args[argc++] = adem_bin();
    for (int i = 1; argv[i] && argc < 63; i++)
        args[argc++] = argv[i];
    args[argc] = NULL;
    return spawn_with(args, all, out_path, err_path, SIGKILL);
}

int e2e_wait(pid_t pid, int timeout_ms, int *status)
{
    double end = e2e_now_ms() + timeout_ms;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            forget(pid);
            *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return 1;
        }
        if (r < 0 && errno != EINTR) {
            forget(pid);
            *status = -1;
            return 1;
        }
        if (e2e_now_ms() >= end)
            return 0;
        e2e_sleep_ms(2);
    }
}

int e2e_stop(pid_t pid, int sig, int timeout_ms)
{
    int st;
    if (pid <= 0)
        return -1;
    if (e2e_wait(pid, 0, &st))
        return st;
    kill(pid, sig);
    if (e2e_wait(pid, timeout_ms, &st))
        return st;
    kill(pid, SIGKILL);
    e2e_wait(pid, 10000, &st);
    return st;
}

void e2e_kill_spawned(void)
{
    for (int i = 0; i < MAX_SPAWNED; i++) {
        pid_t p = spawned[i];
        if (p > 0 && p != jack_server)
            e2e_stop(p, SIGKILL, 5000);
    }
}

void e2e_kill_all(void)
{
    e2e_kill_spawned();
    e2e_jack_stop();
}

int e2e_group_teardown(void **state)
{
    (void)state;
    e2e_kill_all();
    if (getenv("ADEM_TEST_KEEP"))
        print_message("kept %s (ADEM_TEST_KEEP)\n", e2e_tmpdir());
    else
        e2e_cleanup();
    return 0;
}

char *e2e_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (f) {
        for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
            n += got;
            if (n == cap) {
                cap *= 2;
                buf = realloc(buf, cap + 1);
            }
        }
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

/* Removes the files a JACK server named jack_name leaves in /dev/shm when it
 * is killed (its socket and semaphores; the shared memory segments are
 * reclaimed by the next server). */
static void jack_remove_files(void)
{
    char pat[2][256];
    snprintf(pat[0], sizeof pat[0], "/dev/shm/jack_%s_*", jack_name);
    snprintf(pat[1], sizeof pat[1], "/dev/shm/jack_sem.*_%s_*", jack_name);
    for (int i = 0; i < 2; i++) {
        glob_t g;
        if (glob(pat[i], 0, NULL, &g) == 0)
            for (size_t j = 0; j < g.gl_pathc; j++)
                unlink(g.gl_pathv[j]);
        globfree(&g);
    }
}

/* Starts a server named jack_name (the one set in JACK_DEFAULT_SERVER) and
 * waits until it answers; returns its pid, or 0 if it did not come up. */
static pid_t jack_spawn(int rate, int period, const char *log)
{
    char r[32], p[32];
    snprintf(r, sizeof r, "%d", rate);
    snprintf(p, sizeof p, "%d", period);
    const char *argv[] = {"jackd", "--no-realtime", "-S", "-t", "2000", "-d", "dummy",
                          "-r", r, "-p", p, "-m", NULL};
    /* SIGTERM on our death: a terminated jackd removes its files */
    pid_t pid = spawn_with(argv, NULL, log, log, SIGTERM);
    const char *wargv[] = {"jack_wait", "-w", "-t", "10", NULL};
    pid_t w = e2e_spawn(wargv, NULL, NULL, NULL);
    int st, jst;
    if (!e2e_wait(w, 15000, &st))
        st = e2e_stop(w, SIGKILL, 1000);
    if (e2e_wait(pid, 0, &jst))
        return 0;
    if (st != 0) {
        e2e_stop(pid, SIGTERM, 5000);
        return 0;
    }
    return pid;
}

/* Frees the slots that dead servers named by e2e_jack_start ("adem-test-...")
 * still hold in JACK's registry of servers (/dev/shm/jack-shm-registry, at
 * most 8 per machine): a server killed so hard that it could not unregister
 * keeps its slot until a server of the same name starts. For each one whose
 * process is gone, starts a server of that name and stops it properly.
 * Returns how many it freed. */
static int jack_reclaim_stale(int rate, int period)
{
    FILE *f = fopen("/dev/shm/jack-shm-registry", "rb");
    if (!f)
        return 0;
    static unsigned char reg[8192];
    size_t n = fread(reg, 1, sizeof reg, f);
    fclose(f);
    char prefix[64], stale[8][96];
    int nstale = 0;
    snprintf(prefix, sizeof prefix, "jack-%ld:adem-test-", (long)getuid());
    size_t plen = strlen(prefix);
    for (size_t i = 4; i + plen < n && nstale < 8; i++) {
        if (memcmp(reg + i, prefix, plen) != 0)
            continue;
        int32_t pid;
        memcpy(&pid, reg + i - 4, sizeof pid); /* the entry: pid, then name */
        const char *name = (const char *)reg + i + plen - strlen("adem-test-");
        size_t len = 0;
        while (i + plen + len < n && name[len] != ':' && name[len] != '\0' && len < 90)
            len++;
        if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            snprintf(stale[nstale++], sizeof stale[0], "%.*s", (int)len, name);
    }
    char keep[96];
    snprintf(keep, sizeof keep, "%s", jack_name);
    int freed = 0;
    for (int k = 0; k < nstale; k++) {
        memcpy(jack_name, stale[k], sizeof jack_name); /* both 96 bytes */
        setenv("JACK_DEFAULT_SERVER", jack_name, 1);
        pid_t again = jack_spawn(rate, period, e2e_path("jackd-reclaim.log"));
        if (again && e2e_stop(again, SIGTERM, 5000) == 0)
            freed++;
        jack_remove_files();
    }
    snprintf(jack_name, sizeof jack_name, "%s", keep);
    setenv("JACK_DEFAULT_SERVER", jack_name, 1);
    return freed;
}

void e2e_jack_start(int rate, int period)
{
    if (jack_server)
        fail_msg("a JACK server already runs (%s)", jack_name);
    snprintf(jack_name, sizeof jack_name, "adem-test-%ld-%d-%ld", (long)getpid(), ++jack_count,
             (long)((long long)e2e_now_ms() % 100000));
    setenv("JACK_DEFAULT_SERVER", jack_name, 1);
    setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
    char log[64];
    snprintf(log, sizeof log, "jackd-%d.log", jack_count);
    snprintf(jack_log, sizeof jack_log, "%s", e2e_path(log));
    jack_server = jack_spawn(rate, period, jack_log);
    /* jackd says "Too many servers already active" when dead servers hold
     * every slot of the registry: free theirs and try again */
    if (!jack_server && jack_reclaim_stale(rate, period) > 0)
        jack_server = jack_spawn(rate, period, jack_log);
    if (!jack_server) {
        char *text = e2e_read_text(jack_log);
        jack_remove_files();
        fail_msg("the JACK dummy server %s did not start (is jackd2 installed? scripts/bootstrap "
                 "--test installs it). jackd said:\n%s", jack_name, text);
    }
}

/* After a server named jack_name was SIGKILLed: frees its slot in JACK's
 * registry of servers, which holds at most 8 per machine and is reclaimed
 * only by a server of the same name (so after 8 kills no JACK server could
 * start any more), by starting one with that name and stopping it properly;
 * then removes the files the killed one left in /dev/shm. */
static void jack_release(void)
{
    pid_t again = jack_spawn(48000, 256, e2e_path("jackd-release.log"));
    if (again && e2e_stop(again, SIGTERM, 5000) == 128 + SIGKILL)
        fprintf(stderr, "e2e: the JACK server %s had to be killed twice; its slot may stay "
                        "taken\n", jack_name);
    jack_remove_files();
}

void e2e_jack_stop(void)
{
    if (!jack_server)
        return;
    int st = e2e_stop(jack_server, SIGTERM, 5000);
    jack_server = 0;
    if (st == 128 + SIGKILL)
        jack_release();
    else
        jack_remove_files();
}

void e2e_jack_kill(void)
{
    if (!jack_server)
        return;
    e2e_stop(jack_server, SIGKILL, 5000);
    jack_server = 0;
    jack_release();
}

pid_t e2e_jack_pid(void)
{
    return jack_server;
}

int e2e_jack_connected(const char *port)
{
    /* jack_lsp in the background, killed after 5 s: a client of a wedged
     * server would otherwise hang the test */
    static int n;
    char out[64];
    snprintf(out, sizeof out, "jack_lsp-%d.out", ++n % 4);
    char path[1024];
    snprintf(path, sizeof path, "%s", e2e_path(out));
    const char *argv[] = {"jack_lsp", "-c", NULL};
    pid_t pid = e2e_spawn(argv, NULL, path, NULL);
    int st;
    if (!e2e_wait(pid, 5000, &st)) {
        e2e_stop(pid, SIGKILL, 1000);
        return 0;
    }
    char *text = e2e_read_text(path);
    int after = 0, hit = 0;
    for (char *line = text, *next; *line && !hit; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        if (line[0] == ' ' || line[0] == '\t')
            hit = after;
        else
            after = strcmp(line, port) == 0;
    }
    free(text);
    return hit;
}

int e2e_jack_wait_connected(const char *port, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    do {
        if (e2e_jack_connected(port))
            return 1;
        e2e_sleep_ms(20);
    } while (e2e_now_ms() < end);
    return 0;
}

pid_t e2e_capture_start(const char *path)
{
    static int n;
    char log[64];
    snprintf(log, sizeof log, "jack_capture-%d.log", ++n);
    const char *logp = e2e_path(log);
    snprintf(capture_log, sizeof capture_log, "%s", logp);
    const char *argv[] = {"jack_capture", "-dc", "-ns", "-f", "wav", "-p", "system:monitor_1",
                          "-p", "system:monitor_2", path, NULL};
    pid_t pid = e2e_spawn(argv, NULL, logp, logp);
    if (!e2e_jack_wait_connected("system:monitor_1", 10000) ||
        !e2e_jack_wait_connected("system:monitor_2", 5000)) {
        int st = e2e_stop(pid, SIGKILL, 2000);
        char *text = e2e_read_text(logp);
        fail_msg("jack_capture did not connect to system:monitor_1/2 (status %d; is jack-capture "
                 "installed?). It said:\n%s", st, text);
    }
    return pid;
}

void e2e_capture_stop(pid_t pid)
{
    /* it writes what it still holds and closes its JACK client, which waits
     * for the server: give an overloaded machine time */
    int st = e2e_stop(pid, SIGINT, 30000);
    if (st != 0) {
        char *cap = e2e_read_text(capture_log), *jack = e2e_read_text(jack_log);
        fail_msg("jack_capture ended with status %d (137: it did not stop within 30 s of "
                 "SIGINT). It said:\n%s\njackd said:\n%s", st, cap, jack);
    }
}

int e2e_audio_is_float(const char *path)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        return 0;
    sf_close(f);
    return (info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT;
}

void e2e_live_start(const char *const *argv, const char *const *env, e2e_live *r)
{
    static int n;
    memset(r, 0, sizeof *r);
    n++;
    snprintf(r->cap_path, sizeof r->cap_path, "%s/live-%d.wav", e2e_tmpdir(), n);
    snprintf(r->out_path, sizeof r->out_path, "%s/live-%d.out", e2e_tmpdir(), n);
    snprintf(r->err_path, sizeof r->err_path, "%s/live-%d.err", e2e_tmpdir(), n);
    r->capture = e2e_capture_start(r->cap_path);
    r->started_ms = e2e_now_ms();
    r->adem = e2e_spawn_adem(argv, env, r->out_path, r->err_path);
}

void e2e_live_finish(e2e_live *r, int timeout_ms)
{
    int st;
    if (r->adem > 0) {
        if (!e2e_wait(r->adem, timeout_ms, &st)) {
            e2e_stop(r->adem, SIGKILL, 5000);
            e2e_stop(r->capture, SIGKILL, 5000);
            fail_msg("adem did not finish within %d ms; killed it", timeout_ms);
        }
        r->wall_ms = e2e_now_ms() - r->started_ms;
        r->status = st;
        r->adem = 0;
    }
    e2e_sleep_ms(300);
    e2e_capture_stop(r->capture);
    r->capture = 0;
    r->out = e2e_read_text(r->out_path);
    r->err = e2e_read_text(r->err_path);
    if (!e2e_audio_is_float(r->cap_path))
        fail_msg("the capture %s is not 32-bit float", r->cap_path);
    r->frames = e2e_read_audio(r->cap_path, &r->cap, &r->channels, &r->rate);
}

/* 1 if a finished adem said it found no device although our server runs:
 * PortAudio's JACK client could not open in time (an overloaded machine). */
static int missed_server(const e2e_live *r)
{
    static const char msg[] = "adem: no audio output device found";
    return r->status == 1 && strncmp(r->err, msg, sizeof msg - 1) == 0 && jack_server &&
           e2e_wait(jack_server, 0, &(int){0}) == 0;
}

void e2e_live_play(const char *const *argv, int timeout_ms, e2e_live *r)
{
    for (int attempt = 1;; attempt++) {
        e2e_live_start(argv, NULL, r);
        e2e_live_finish(r, timeout_ms);
        if (attempt == 3 || !missed_server(r))
            return;
        print_message("      (adem found no device while the JACK server runs: the machine is "
                      "overloaded; trying again)\n");
        e2e_live_free(r);
    }
}

int e2e_live_wait_playing(e2e_live *r, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    for (;;) {
        if (e2e_jack_connected("PortAudio:out_0"))
            return 1;
        int st;
        if (e2e_wait(r->adem, 0, &st)) {
            r->adem = 0;
            r->status = st;
            r->wall_ms = e2e_now_ms() - r->started_ms;
            e2e_live_finish(r, 0);
            return missed_server(r) ? -1 : 0;
        }
        if (e2e_now_ms() > end)
            return 0;
        e2e_sleep_ms(20);
    }
}

void e2e_live_free(e2e_live *r)
{
    free(r->out);
    free(r->err);
    free(r->cap);
    r->out = r->err = NULL;
    r->cap = NULL;
}

int64_t e2e_first_sound(const float *s, int64_t frames, int channels)
{
    for (int64_t i = 0; i < frames * channels; i++)
        if (s[i] != 0.0f)
            return i / channels;
    return -1;
}

int e2e_quiet_stderr(const char *err, long *underflows)
{
    static const char note[] = "adem: note: the audio device reported ";
    *underflows = 0;
    if (err[0] == '\0')
        return 1;
    const char *nl = strchr(err, '\n');
    if (strncmp(err, note, sizeof note - 1) != 0 || !nl || nl[1] != '\0')
        return 0;
    char *end;
    *underflows = strtol(err + sizeof note - 1, &end, 10);
    return strncmp(end, " underflow", 10) == 0;
}
