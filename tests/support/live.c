/* live: the private JACK server, jack_capture and live plays of adem (see
 * live.h). POSIX and Linux's /dev/shm (tests only). */
#include "live.h"
#include "json.h"

#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "e2e.h"

static pid_t jack_server;
static int jack_async;         /* the next server runs without -S -t 2000 */
static int jack_dead;          /* the server was killed and not yet cleaned up */
static void release_dead(void);
static char jack_name[96];
static int jack_count;
static char jack_log[1024];    /* the running server's log */
static char capture_log[1024]; /* the last capture's log */

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
    const char *sync_argv[] = {"jackd", "--no-realtime", "-S", "-t", "2000", "-d", "dummy",
                               "-r", r, "-p", p, "-m", NULL};
    const char *async_argv[] = {"jackd", "--no-realtime", "-d", "dummy", "-r", r, "-p", p,
                                "-m", NULL};
    const char **argv = jack_async ? async_argv : sync_argv;
    /* SIGTERM on our death: a terminated jackd removes its files */
    pid_t pid = e2e_spawn_server(argv, NULL, log, log);
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

/* Frees the slots that dead servers named by live_jack_start ("adem-test-...")
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

void live_jack_start_async(int rate, int period)
{
    jack_async = 1;
    live_jack_start(rate, period);
    jack_async = 0;
}

void live_jack_start(int rate, int period)
{
    e2e_on_kill_all(live_jack_stop);
    release_dead();
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
        fprintf(stderr, "live: the JACK server %s had to be killed twice; its slot may stay "
                        "taken\n", jack_name);
    jack_remove_files();
}

/* Cleans up after a server live_jack_kill_only killed. */
static void release_dead(void)
{
    if (!jack_dead)
        return;
    jack_dead = 0;
    jack_release();
}

int live_setup_jack48(void **state)
{
    (void)state;
    live_jack_start(48000, 256);
    return 0;
}

int live_setup_jack44(void **state)
{
    (void)state;
    live_jack_start(44100, 256);
    return 0;
}

int live_teardown_jack(void **state)
{
    (void)state;
    e2e_kill_spawned();
    live_jack_stop();
    return 0;
}

void live_assert_same_sound(const float *cap, int64_t cap_frames, const float *ref, int64_t n)
{
    int64_t a = e2e_first_sound(cap, cap_frames, 2), b = e2e_first_sound(ref, n, 2);
    assert_true(a >= 0 && b >= 0);
    assert_true(cap_frames - a >= n - b);
    assert_memory_equal(cap + 2 * a, ref + 2 * b, (size_t)(n - b) * 2 * sizeof(float));
}

void live_jack_stop(void)
{
    release_dead();
    if (!jack_server)
        return;
    int st = e2e_stop(jack_server, SIGTERM, 5000);
    jack_server = 0;
    if (st == 128 + SIGKILL)
        jack_release();
    else
        jack_remove_files();
}

void live_jack_kill_only(void)
{
    if (!jack_server)
        return;
    e2e_stop(jack_server, SIGKILL, 5000);
    jack_server = 0;
    jack_dead = 1;
}

void live_jack_kill(void)
{
    live_jack_kill_only();
    release_dead();
}

pid_t live_jack_pid(void)
{
    return jack_server;
}

int live_jack_connected(const char *port)
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

int live_jack_wait_connected(const char *port, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    do {
        if (live_jack_connected(port))
            return 1;
        e2e_sleep_ms(20);
    } while (e2e_now_ms() < end);
    return 0;
}

pid_t live_capture_start(const char *path)
{
    static int n;
    char log[64];
    snprintf(log, sizeof log, "jack_capture-%d.log", ++n);
    const char *logp = e2e_path(log);
    snprintf(capture_log, sizeof capture_log, "%s", logp);
    const char *argv[] = {"jack_capture", "-dc", "-ns", "-f", "wav", "-p", "system:monitor_1",
                          "-p", "system:monitor_2", path, NULL};
    pid_t pid = e2e_spawn(argv, NULL, logp, logp);
    if (!live_jack_wait_connected("system:monitor_1", 10000) ||
        !live_jack_wait_connected("system:monitor_2", 5000)) {
        int st = e2e_stop(pid, SIGKILL, 2000);
        char *text = e2e_read_text(logp);
        fail_msg("jack_capture did not connect to system:monitor_1/2 (status %d; is jack-capture "
                 "installed?). It said:\n%s", st, text);
    }
    return pid;
}

void live_capture_stop(pid_t pid)
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

void live_start(const char *const *argv, const char *const *env, live_run *r)
{
    static int n;
    memset(r, 0, sizeof *r);
    n++;
    snprintf(r->cap_path, sizeof r->cap_path, "%s/live-%d.wav", e2e_tmpdir(), n);
    snprintf(r->out_path, sizeof r->out_path, "%s/live-%d.out", e2e_tmpdir(), n);
    snprintf(r->err_path, sizeof r->err_path, "%s/live-%d.err", e2e_tmpdir(), n);
    r->capture = live_capture_start(r->cap_path);
    r->started_ms = e2e_now_ms();
    r->adem = e2e_spawn_adem(argv, env, r->out_path, r->err_path);
}

void live_finish(live_run *r, int timeout_ms)
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
    live_capture_stop(r->capture);
    r->capture = 0;
    r->out = e2e_read_text(r->out_path);
    r->err = e2e_read_text(r->err_path);
    if (!e2e_audio_is_float(r->cap_path))
        fail_msg("the capture %s is not 32-bit float", r->cap_path);
    r->frames = e2e_read_audio(r->cap_path, &r->cap, &r->channels, &r->rate);
}

/* 1 if a finished adem said it found no device although our server runs:
 * PortAudio's JACK client could not open in time (an overloaded machine). */
static int missed_server(const live_run *r)
{
    static const char msg[] = "adem: no audio output device found";
    return r->status == 1 && strncmp(r->err, msg, sizeof msg - 1) == 0 && jack_server &&
           e2e_wait(jack_server, 0, &(int){0}) == 0;
}

void live_play(const char *const *argv, int timeout_ms, live_run *r)
{
    for (int attempt = 1;; attempt++) {
        live_start(argv, NULL, r);
        live_finish(r, timeout_ms);
        if (attempt == 3 || !missed_server(r))
            return;
        print_message("      (adem found no device while the JACK server runs: the machine is "
                      "overloaded; trying again)\n");
        live_free(r);
    }
}

int live_wait_playing(live_run *r, int timeout_ms)
{
    double end = e2e_now_ms() + timeout_ms;
    for (;;) {
        if (live_jack_connected("PortAudio:out_0"))
            return 1;
        int st;
        if (e2e_wait(r->adem, 0, &st)) {
            r->adem = 0;
            r->status = st;
            r->wall_ms = e2e_now_ms() - r->started_ms;
            live_finish(r, 0);
            return missed_server(r) ? -1 : 0;
        }
        if (e2e_now_ms() > end)
            return 0;
        e2e_sleep_ms(20);
    }
}

void live_free(live_run *r)
{
    free(r->out);
    free(r->err);
    free(r->cap);
    r->out = r->err = NULL;
    r->cap = NULL;
}

int live_quiet_stderr(const char *err, long *underflows)
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

void live_assert_quiet(const char *err)
{
    long under;
    if (!live_quiet_stderr(err, &under))
        fail_msg("unexpected stderr: %s", err);
    if (under)
        print_message("      (adem noted %ld underflows: the machine is loaded)\n", under);
}

struct json *live_ctl_status(void)
{
    const char *argv[] = {"adem", "ctl", "status", "--json", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    if (r.status != 0)
        fail_msg("ctl status --json: %d: %s", r.status, r.err);
    char err[128];
    json *j = json_parse(r.out, r.out_len > 0 ? r.out_len - 1 : 0, err, sizeof err);
    if (!j)
        fail_msg("ctl status --json is not JSON (%s): %s", err, r.out);
    e2e_result_free(&r);
    return j;
}

double live_json_num(const struct json *j, const char *key)
{
    const json *v = json_get(j, key);
    if (!v || (v->type != JSON_NUMBER && v->type != JSON_BOOL))
        fail_msg("status: '%s' is missing or not a number", key);
    return v->number;
}

const char *live_log_file(void)
{
    static char p[700];
    snprintf(p, sizeof p, "%s/xdg-state/adem/log.tsv", e2e_tmpdir());
    return p;
}

void live_assert_lost(pid_t pid, double dead_ms, const char *err_path, const char *session,
                      const char *server)
{
    int st;
    int exited = e2e_wait(pid, 10000, &st);
    double took = e2e_now_ms() - dead_ms;
    if (!exited) {
        e2e_stop(pid, SIGKILL, 2000);
        fail_msg("adem still ran 10 s after its %s server was killed: it hangs", server);
    }
    char *e = e2e_read_text(err_path), *log = e2e_read_text(live_log_file());
    print_message("      %s server killed: exit %d %.0f ms after its death: %s      log: %s",
                  server, st, took, e, log);
    assert_int_equal(st, 1);
    static const char measured[] = "adem: first callback\n";
    const char *line = strncmp(e, measured, sizeof measured - 1) == 0 ? e + sizeof measured - 1 : e;
    if (e2e_count_lines(line) != 1 || strncmp(line, "adem: the audio device stopped", 30) != 0)
        fail_msg("want one line 'adem: the audio device stopped...', got:\n%s", e);
    if (took >= 1000.0)
        fail_msg("adem noticed the lost server only after %.0f ms (want < 1000)", took);
    if (e2e_count_lines(log) != 2 || !strstr(log, session) || !strstr(log, "\tstopped"))
        fail_msg("want one practice-log line, stopped; the log holds:\n%s", log);
    free(e);
    free(log);
}
