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

/* The number of lines in s (a final line without "\n" counts). */
int e2e_count_lines(const char *s);

/* A fresh temporary directory for this test process ("/tmp/adem-test-XXXXXX"),
 * created on first use and removed with everything in it by e2e_cleanup. */
const char *e2e_tmpdir(void);
void e2e_cleanup(void);

/* Joins e2e_tmpdir() and name into a static rotating buffer (8 slots). */
const char *e2e_path(const char *name);

/* Writes text to path (creating or truncating). */
void e2e_write_file(const char *path, const char *text);

/* 1 if a file exists at path. */
int e2e_exists(const char *path);

/* Number of entries in dir other than "." and "..". */
int e2e_dir_entries(const char *dir);

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

/* ---- Background processes and a private JACK server (live-playback tests) ----
 * Every process started here is registered: e2e_kill_all (also run at exit)
 * kills whatever is still running, by pid, and on Linux a child is killed by
 * the kernel when the test process dies (PR_SET_PDEATHSIG), so nothing
 * outlives a failed or killed test. */
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

/* SIGKILLs and reaps every process started by e2e_spawn that is still
 * running, except the JACK server. Safe to call any time (a test's teardown). */
void e2e_kill_spawned(void);

/* e2e_kill_spawned, then stops the JACK server if one runs (registered with
 * atexit on the first spawn). Safe to call any time. */
void e2e_kill_all(void);

/* A cmocka group teardown: e2e_kill_all, then e2e_cleanup, except that with
 * ADEM_TEST_KEEP set in the environment the temporary folder is kept (and
 * named) for a look after a failure. Returns 0. */
int e2e_group_teardown(void **state);

/* Reads a whole file into a malloc'd NUL-terminated string ("" if missing). */
char *e2e_read_text(const char *path);

/* Starts a private JACK dummy server, as in docs testing-audio.md:
 * `jackd --no-realtime -S -t 2000 -d dummy -r RATE -p PERIOD -m`, named
 * "adem-test-<pid>-<n>" (unique per run), with JACK_NO_AUDIO_RESERVATION=1.
 * Sets JACK_DEFAULT_SERVER (and JACK_NO_AUDIO_RESERVATION) in this process's
 * environment, so everything started afterwards uses it, and waits until it
 * answers (`jack_wait -w -t 10`). Fails the test if it does not come up. */
void e2e_jack_start(int rate, int period);

/* Stops that server: SIGTERM (SIGKILL after 5 s, then cleaned up as by
 * e2e_jack_kill). No-op when none runs. */
void e2e_jack_stop(void);

/* Kills that server with SIGKILL (a sound server that dies), then cleans up
 * after it: a killed server keeps one of the 8 slots of JACK's per-machine
 * server registry until a server of the same name starts, so one is started
 * and stopped properly; and its files in /dev/shm are removed. */
void e2e_jack_kill(void);

/* The pid of the running server, or 0. */
pid_t e2e_jack_pid(void);

/* 1 if JACK port `port` of the running server is connected to anything
 * (`jack_lsp -c`; 0 when that does not answer within 5 s). */
int e2e_jack_connected(const char *port);

/* Polls e2e_jack_connected(port) every 20 ms for up to timeout_ms. */
int e2e_jack_wait_connected(const char *port, int timeout_ms);

/* Starts jack_capture recording system:monitor_1 and system:monitor_2 (the
 * dummy driver's copies of everything played, from frame 0) into a WAV at
 * path (`jack_capture -dc -ns -f wav -p ... -p ... PATH`; its default sample
 * format is 32-bit float) and waits until both ports are connected. Returns
 * its pid. */
pid_t e2e_capture_start(const char *path);

/* Stops a capture (SIGINT: it finishes the file) and waits for it. */
void e2e_capture_stop(pid_t pid);

/* 1 if the audio file at path stores 32-bit float samples. */
int e2e_audio_is_float(const char *path);

/* A live play of adem on the private JACK server, captured by jack_capture. */
typedef struct e2e_live {
    pid_t adem, capture;  /* while running */
    double started_ms;    /* e2e_now_ms() when adem was started */
    int status;           /* adem's exit status (after e2e_live_finish) */
    double wall_ms;       /* from adem's start to its exit */
    char *out, *err;      /* adem's stdout and stderr */
    float *cap;           /* the capture, interleaved */
    int64_t frames;       /* frames captured */
    int channels, rate;
    char cap_path[600], out_path[600], err_path[600];
} e2e_live;

/* Starts jack_capture (waiting until it records), then adem with argv (as
 * e2e_run: argv[0] ignored) and extra env entries (may be NULL). */
void e2e_live_start(const char *const *argv, const char *const *env, e2e_live *r);

/* Waits up to timeout_ms for adem to exit (else kills it and fails the
 * test), lets the capture take the last periods (300 ms), stops it and
 * reads everything into r. The capture must be 32-bit float. When the test
 * already reaped adem itself, it sets r->adem = 0 and r->status first. */
void e2e_live_finish(e2e_live *r, int timeout_ms);

/* e2e_live_start then e2e_live_finish. When adem says it found no device
 * although the server runs (PortAudio's JACK client timed out on an
 * overloaded machine), notes it and tries again, at most 3 times in all. */
void e2e_live_play(const char *const *argv, int timeout_ms, e2e_live *r);

/* After e2e_live_start: waits until adem's stream plays (its port
 * PortAudio:out_0 is connected). Returns 1 then; 0 if it did not within
 * timeout_ms or adem exited (then r is finished: status, err, capture); -1
 * if adem exited because it found no device while the server runs (r is
 * finished too: free it and start again). */
int e2e_live_wait_playing(e2e_live *r, int timeout_ms);

/* Frees what e2e_live_finish read. */
void e2e_live_free(e2e_live *r);

/* The first frame of an interleaved buffer with any sample != 0, or -1. */
int64_t e2e_first_sound(const float *s, int64_t frames, int channels);

/* 1 if adem's stderr `err` is empty or holds only its own "adem: note: the
 * audio device reported N underflow(s)" line (PortAudio flags an underflow on
 * every JACK xrun, also when no sample was lost, and adem reports the count);
 * nothing from ALSA or JACK. *underflows gets N (0 when none). */
int e2e_quiet_stderr(const char *err, long *underflows);

#endif
