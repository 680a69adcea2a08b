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

const char *e2e_pathf(const char *fmt, ...)
{
    static char bufs[16][1200];
    static int next;
    char *b = bufs[next++ % 16];
    char rel[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    snprintf(b, sizeof bufs[0], "%s/%s", e2e_tmpdir(), rel);
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

/* Reads the whole file at path into a malloc'd NUL-terminated buffer; *len
 * gets its size. A file that cannot be opened fails the test when `must`,
 * else reads as "". */
static char *read_all(const char *path, size_t *len, int must)
{
    FILE *f = fopen(path, "rb");
    if (!f && must)
        fail_msg("cannot read %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        fail_msg("out of memory reading %s", path);
    for (size_t got; f && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            if (!buf)
                fail_msg("out of memory reading %s", path);
        }
    }
    if (f)
        fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *e2e_read_file(const char *path, size_t *len)
{
    return read_all(path, len, 1);
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
    r->out = e2e_read_file(outp, &r->out_len);
    r->err = e2e_read_file(errp, &r->err_len);
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

const char *e2e_source_dir(void)
{
    const char *s = getenv("ADEM_SOURCE_DIR");
    if (!s || !*s)
        fail_msg("ADEM_SOURCE_DIR is not set; run this test through ctest");
    return s;
}

void e2e_mkdir(const char *path)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot create %s", path);
}

int64_t e2e_render_f32(const char *pack, const char *session, float **out)
{
    return e2e_render_f32_at(pack, session, 0, out);
}

int64_t e2e_render_f32_at(const char *pack, const char *session, int rate, float **out)
{
    char r_rate[16];
    snprintf(r_rate, sizeof r_rate, "%d", rate);
    const char *argv[] = {"adem", "render", "--voice", pack, "--rate", r_rate, session, "-o",
                          "-", "--format", "f32", NULL};
    const char *plain[] = {"adem", "render", "--voice", pack, session, "-o", "-",
                           "--format", "f32", NULL};
    e2e_result r;
    e2e_run(rate > 0 ? argv : plain, &r);
    if (r.status != 0)
        fail_msg("adem render failed (%d): %s", r.status, r.err);
    assert_int_equal(r.out_len % (2 * sizeof(float)), 0);
    *out = malloc(r.out_len + sizeof(float));
    memcpy(*out, r.out, r.out_len);
    int64_t frames = (int64_t)(r.out_len / (2 * sizeof(float)));
    e2e_result_free(&r);
    return frames;
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

void e2e_write_audio(const char *path, int format, int rate, int channels, const float *s,
                     int64_t frames)
{
    SF_INFO info = {0};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f)
        fail_msg("cannot write %s: %s", path, sf_strerror(NULL));
    if (frames > 0 && sf_writef_float(f, s, frames) != frames)
        fail_msg("short write to %s", path);
    if (sf_close(f) != 0)
        fail_msg("cannot finish %s", path);
}

void e2e_write_wav(const char *path, int rate, const float *samples, int64_t frames)
{
    e2e_write_audio(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, rate, 1, samples, frames);
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

/* ---- Background processes ------------------------------------------------------ */

#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

enum { MAX_SPAWNED = 64 };
static pid_t spawned[MAX_SPAWNED];
static int exit_hook;

static unsigned char server[MAX_SPAWNED]; /* spawned[i] is a server: e2e_kill_spawned spares it */
static void (*on_kill_all)(void);           /* e2e_on_kill_all's function */

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
            spawned[i] = server[i] = 0;
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
            server[i] = death_sig != SIGKILL;
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

pid_t e2e_spawn_server(const char *const *argv, const char *const *env, const char *out_path,
                       const char *err_path)
{
    return spawn_with(argv, env, out_path, err_path, SIGTERM);
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
        if (p > 0 && !server[i])
            e2e_stop(p, SIGKILL, 5000);
    }
}

void e2e_on_kill_all(void (*fn)(void))
{
    on_kill_all = fn;
}

void e2e_kill_all(void)
{
    e2e_kill_spawned();
    if (on_kill_all)
        on_kill_all();
}

int e2e_teardown(void **state)
{
    (void)state;
    e2e_kill_spawned();
    return 0;
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
    size_t n;
    return read_all(path, &n, 0);
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

int64_t e2e_first_sound(const float *s, int64_t frames, int channels)
{
    for (int64_t i = 0; i < frames * channels; i++)
        if (s[i] != 0.0f)
            return i / channels;
    return -1;
}

int e2e_wait_catching(pid_t pid, int sig, int timeout_ms)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    double end = e2e_now_ms() + timeout_ms;
    do {
        FILE *f = fopen(path, "r");
        if (!f)
            return 0; /* gone */
        unsigned long long mask = 0;
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "SigCgt:", 7) == 0)
                mask = strtoull(line + 7, NULL, 16);
        fclose(f);
        if (mask & (1ull << (sig - 1)))
            return 1;
        e2e_sleep_ms(1);
    } while (e2e_now_ms() < end);
    return 0;
}

int e2e_send_stop_signals(pid_t pid, int n, unsigned *seed, int max_gap_ms, char *what,
                          size_t what_n)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    static const char *const names[] = {"INT", "TERM", "HUP"};
    size_t used = 0;
    if (what_n)
        what[0] = '\0';
    int sent = 0;
    for (int k = 0; k < n; k++) {
        if (k > 0)
            e2e_sleep_ms((int)(rand_r(seed) % (unsigned)(max_gap_ms + 1)));
        int i = (int)(rand_r(seed) % 3u);
        if (kill(pid, sigs[i]) != 0)
            break;
        sent++;
        if (used < what_n)
            used += (size_t)snprintf(what + used, what_n - used, "%s%s", k ? "," : "",
                                     names[i]);
    }
    return sent;
}
