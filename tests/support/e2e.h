/* e2e: support for tests that run the real `adem` binary and analyse what it
 * wrote, and for tests that need temporary files. ctest sets ADEM_BIN (the
 * binary) and ADEM_SOURCE_DIR (the source tree) in every test's environment.
 * POSIX (tests only; the core stays platform-free). */
#ifndef ADEM_TEST_E2E_H
#define ADEM_TEST_E2E_H

#include <stddef.h>
#include <stdint.h>

typedef struct e2e_result {
    int status;       /* exit status, or 128+signal when killed by a signal */
    char *out;        /* everything written to stdout (NUL-terminated) */
    size_t out_len;
    char *err;        /* everything written to stderr (NUL-terminated) */
    size_t err_len;
} e2e_result;

/* Runs $ADEM_BIN (set by ctest) with argv (argv[0] is ignored; NULL-terminated), stdin from
 * /dev/null, XDG_DATA_HOME/XDG_CONFIG_HOME/XDG_STATE_HOME pointed into the
 * test's temp dir (so the user's files never interfere), and captures stdout
 * and stderr. Free with e2e_result_free. Fails the test if it cannot run. */
void e2e_run(const char *const *argv, e2e_result *r);

/* Same, with extra environment entries "NAME=VALUE" (NULL-terminated list). */
void e2e_run_env(const char *const *argv, const char *const *env, e2e_result *r);

void e2e_result_free(e2e_result *r);

/* Runs `adem render --voice PACK SESSION -o - --format f32` (it must
 * succeed) and returns its stereo frames, malloc'd in *out. */
int64_t e2e_render_f32(const char *pack, const char *session, float **out);

/* The same with `--rate RATE` (rate > 0). */
int64_t e2e_render_f32_at(const char *pack, const char *session, int rate, float **out);

/* The source tree ($ADEM_SOURCE_DIR, set by ctest); fails the test when it
 * is not set. */
const char *e2e_source_dir(void);

/* Makes directory path and its parents (`mkdir -p`); fails the test when it
 * cannot. */
void e2e_mkdir(const char *path);

/* The number of lines in s (a final line without "\n" counts). */
int e2e_count_lines(const char *s);

/* A fresh temporary directory for this test process ("/tmp/adem-test-XXXXXX"),
 * created on first use and removed with everything in it by e2e_cleanup. */
const char *e2e_tmpdir(void);
void e2e_cleanup(void);

/* Joins e2e_tmpdir() and name into a static rotating buffer (8 slots). */
const char *e2e_path(const char *name);

/* Like e2e_path with a printf format for the name (16 slots). */
const char *e2e_pathf(const char *fmt, ...);

/* Writes text to path (creating or truncating). */
void e2e_write_file(const char *path, const char *text);

/* 1 if a file exists at path. */
int e2e_exists(const char *path);

/* Number of entries in dir other than "." and "..". */
int e2e_dir_entries(const char *dir);

/* Writes frames of interleaved float samples to path in libsndfile's
 * `format` (e.g. SF_FORMAT_WAV | SF_FORMAT_PCM_16); fails the test when it
 * cannot. */
void e2e_write_audio(const char *path, int format, int rate, int channels, const float *s,
                     int64_t frames);

/* Writes a mono 32-bit float WAV at rate. */
void e2e_write_wav(const char *path, int rate, const float *samples, int64_t frames);

/* Writes a voice cue that is one impulse of amplitude `amp` on its first frame
 * followed by silence, `frames` long in total, as a float WAV at `rate`. */
void e2e_write_impulse_cue(const char *dir, const char *id, int rate, int64_t frames, float amp);

/* Reads an audio file with libsndfile into a malloc'd interleaved float
 * buffer. Returns the frame count; *channels and *rate are set. */
int64_t e2e_read_audio(const char *path, float **samples, int *channels, int *rate);

/* Frames (of an interleaved buffer) whose first channel's magnitude exceeds
 * threshold, written to pos[] (at most max); returns how many there were. */
int64_t e2e_find_peaks(const float *s, int64_t frames, int channels, float threshold,
                       int64_t *pos, int64_t max);

/* ---- Background processes ----
 * Every process started here is registered: e2e_kill_all (also run at exit)
 * kills whatever is still running, by pid, and on Linux a child is killed by
 * the kernel when the test process dies (PR_SET_PDEATHSIG), so nothing
 * outlives a failed or killed test. The private JACK server of the live
 * tests is in live.h. */
#include <sys/types.h>

/* Milliseconds on a monotonic clock. */
double e2e_now_ms(void);

/* Sleeps for ms milliseconds. */
void e2e_sleep_ms(int ms);

/* Starts argv[0] (searched in PATH) in the background with our environment
 * plus the NAME=VALUE entries of env (NULL-terminated, may be NULL; they
 * override ours), stdin from /dev/null, stdout and stderr written to out_path
 * and err_path (NULL = /dev/null). Returns its pid; fails the test if it
 * cannot start. */
pid_t e2e_spawn(const char *const *argv, const char *const *env, const char *out_path,
                const char *err_path);

/* Same for a server that lives across tests: e2e_kill_spawned spares it,
 * and the kernel sends it SIGTERM (not SIGKILL) when the test process dies,
 * so that it can clean up after itself. Its owner stops it (e2e_stop). */
pid_t e2e_spawn_server(const char *const *argv, const char *const *env, const char *out_path,
                       const char *err_path);

/* Same for $ADEM_BIN (argv[0] is ignored), with the XDG directories pointed
 * into the test's temp dir as e2e_run does. */
pid_t e2e_spawn_adem(const char *const *argv, const char *const *env, const char *out_path,
                     const char *err_path);

/* Waits up to timeout_ms for pid to exit. Returns 1 with *status (the exit
 * status, or 128+signal), or 0 if it is still running. */
int e2e_wait(pid_t pid, int timeout_ms, int *status);

/* Sends sig to pid, waits up to timeout_ms, then SIGKILLs it; reaps it.
 * Returns its status (as e2e_wait). A pid already reaped returns -1. */
int e2e_stop(pid_t pid, int sig, int timeout_ms);

/* Waits up to timeout_ms until process pid catches signal sig (Linux: its
 * SigCgt in /proc/PID/status). Returns 1 then, 0 if it did not (or is gone). */
int e2e_wait_catching(pid_t pid, int sig, int timeout_ms);

/* Sends pid n stop signals, each one of SIGINT, SIGTERM, SIGHUP at random,
 * with random gaps of 0 to max_gap_ms ms (rand_r(seed)); names them in what
 * ("INT,HUP"). Returns how many were sent. */
int e2e_send_stop_signals(pid_t pid, int n, unsigned *seed, int max_gap_ms, char *what,
                          size_t what_n);

/* SIGKILLs and reaps every process started by e2e_spawn or e2e_spawn_adem
 * that is still running (not the servers). Safe to call any time. */
void e2e_kill_spawned(void);

/* A cmocka teardown for each test: e2e_kill_spawned (what a failed test left
 * running; a server stays for the next test). Returns 0. */
int e2e_teardown(void **state);

/* Sets the function e2e_kill_all calls last (one; e.g. stopping a server). */
void e2e_on_kill_all(void (*fn)(void));

/* e2e_kill_spawned, then the function of e2e_on_kill_all (registered with
 * atexit on the first spawn). Safe to call any time. */
void e2e_kill_all(void);

/* A cmocka group teardown: e2e_kill_all, then e2e_cleanup, except that with
 * ADEM_TEST_KEEP set in the environment the temporary folder is kept (and
 * named) for a look after a failure. Returns 0. */
int e2e_group_teardown(void **state);

/* Reads a whole file into a malloc'd NUL-terminated buffer; *len gets its
 * size. Fails the test when it cannot be read. */
char *e2e_read_file(const char *path, size_t *len);

/* Reads a whole file into a malloc'd NUL-terminated string ("" if missing). */
char *e2e_read_text(const char *path);

/* 1 if the audio file at path stores 32-bit float samples. */
int e2e_audio_is_float(const char *path);

/* The first frame of an interleaved buffer with any sample != 0, or -1. */
int64_t e2e_first_sound(const float *s, int64_t frames, int channels);

#endif
