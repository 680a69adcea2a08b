/* live: what the live tests share: a private JACK dummy server (jackd2), a
 * capture of everything it plays (jack_capture), and a play of adem on it,
 * captured, read and checked (see docs testing-audio.md). The server is
 * stopped by live_jack_stop or, at the latest, by the group teardown
 * e2e_group_teardown (e2e_kill_all). POSIX (tests only). */
#ifndef ADEM_TEST_LIVE_H
#define ADEM_TEST_LIVE_H

#include <stdint.h>
#include <sys/types.h>

/* Starts a private JACK dummy server, as in docs testing-audio.md:
 * `jackd --no-realtime -S -t 2000 -d dummy -r RATE -p PERIOD -m`, named
 * "adem-test-<pid>-<n>" (unique per run), with JACK_NO_AUDIO_RESERVATION=1.
 * Sets JACK_DEFAULT_SERVER (and JACK_NO_AUDIO_RESERVATION) in this process's
 * environment, so everything started afterwards uses it, and waits until it
 * answers (`jack_wait -w -t 10`). Fails the test if it does not come up. */
void live_jack_start(int rate, int period);

/* live_jack_start, but the server runs in JACK's default asynchronous mode
 * (no -S -t 2000): it does not wait for a slow client. */
void live_jack_start_async(int rate, int period);

/* Stops that server: SIGTERM (SIGKILL after 5 s, then cleaned up as by
 * live_jack_kill). No-op when none runs. */
void live_jack_stop(void);

/* Kills that server with SIGKILL (a sound server that dies), then cleans up
 * after it: a killed server keeps one of the 8 slots of JACK's per-machine
 * server registry until a server of the same name starts, so one is started
 * and stopped properly; and its files in /dev/shm are removed. */
void live_jack_kill(void);

/* Only the SIGKILL of live_jack_kill (and the wait for the server's death):
 * the cleaning up follows in live_jack_stop, so a test can time what
 * happens right after the server died. */
void live_jack_kill_only(void);

/* The pid of the running server, or 0. */
pid_t live_jack_pid(void);

/* cmocka fixtures: a server at 48 kHz / at 44.1 kHz, 256 frames a period
 * (live_jack_start); and the teardown that kills what the test left running
 * (e2e_kill_spawned) and stops the server. */
int live_setup_jack48(void **state);
int live_setup_jack44(void **state);
int live_teardown_jack(void **state);

/* Fails the test unless the capture (cap_frames stereo frames) holds the
 * reference (n stereo frames, e.g. a render) sample for sample from its
 * first sound on: both have one, and the capture's is followed by all of the
 * reference's frames from the reference's first sound. */
void live_assert_same_sound(const float *cap, int64_t cap_frames, const float *ref, int64_t n);

/* 1 if JACK port `port` of the running server is connected to anything
 * (`jack_lsp -c`; 0 when that does not answer within 5 s). */
int live_jack_connected(const char *port);

/* Polls live_jack_connected(port) every 20 ms for up to timeout_ms. */
int live_jack_wait_connected(const char *port, int timeout_ms);

/* Starts jack_capture recording system:monitor_1 and system:monitor_2 (the
 * dummy driver's copies of everything played, from frame 0) into a WAV at
 * path (`jack_capture -dc -ns -f wav -p ... -p ... PATH`; its default sample
 * format is 32-bit float) and waits until both ports are connected. Returns
 * its pid. */
pid_t live_capture_start(const char *path);

/* Stops a capture (SIGINT: it finishes the file) and waits for it. */
void live_capture_stop(pid_t pid);

/* A live play of adem on the private JACK server, captured by jack_capture. */
typedef struct live_run {
    pid_t adem, capture;  /* while running */
    double started_ms;    /* e2e_now_ms() when adem was started */
    int status;           /* adem's exit status (after live_finish) */
    double wall_ms;       /* from adem's start to its exit */
    char *out, *err;      /* adem's stdout and stderr */
    float *cap;           /* the capture, interleaved */
    int64_t frames;       /* frames captured */
    int channels, rate;
    char cap_path[600], out_path[600], err_path[600];
} live_run;

/* Starts jack_capture (waiting until it records), then adem with argv (as
 * e2e_run: argv[0] ignored) and extra env entries (may be NULL). */
void live_start(const char *const *argv, const char *const *env, live_run *r);

/* Waits up to timeout_ms for adem to exit (else kills it and fails the
 * test), lets the capture take the last periods (300 ms), stops it and
 * reads everything into r. The capture must be 32-bit float. When the test
 * already reaped adem itself, it sets r->adem = 0 and r->status first. */
void live_finish(live_run *r, int timeout_ms);

/* live_start then live_finish. When adem says it found no device
 * although the server runs (PortAudio's JACK client timed out on an
 * overloaded machine), notes it and tries again, at most 3 times in all. */
void live_play(const char *const *argv, int timeout_ms, live_run *r);

/* After live_start: waits until adem's stream plays (its port
 * PortAudio:out_0 is connected). Returns 1 then; 0 if it did not within
 * timeout_ms or adem exited (then r is finished: status, err, capture); -1
 * if adem exited because it found no device while the server runs (r is
 * finished too: free it and start again). */
int live_wait_playing(live_run *r, int timeout_ms);

/* Frees what live_finish read. */
void live_free(live_run *r);

/* 1 if adem's stderr `err` is empty or holds only its own "adem: note: the
 * audio device reported N underflow(s)" line (PortAudio flags an underflow on
 * every JACK xrun, also when no sample was lost, and adem reports the count);
 * nothing from ALSA or JACK. *underflows gets N (0 when none). */
int live_quiet_stderr(const char *err, long *underflows);

/* Asserts (live_quiet_stderr) that adem's stderr holds nothing but, at most,
 * its own underflow note; notes the underflows. */
void live_assert_quiet(const char *err);

/* `adem ctl status --json` of the only running player, parsed; fails the
 * test when ctl fails or the reply is not JSON. Free with json_free. */
struct json *live_ctl_status(void);

/* The member `key` of a parsed status as a number (a bool as 0 or 1); fails
 * the test when it is absent or of another type. */
double live_json_num(const struct json *j, const char *key);

/* The practice log of the adem e2e_spawn_adem started (its XDG_STATE_HOME). */
const char *live_log_file(void);

/* Asserts what must follow when the sound server under a playing adem (pid,
 * stderr in err_path) was killed at dead_ms (e2e_now_ms): adem exits 1
 * within 1 s (killed, and the test failed, when it still runs 10 s later),
 * its stderr holds one line "adem: the audio device stopped..." (after an
 * "adem: first callback" line, when ADEM_MEASURE asked for one), and the
 * practice log one line for `session`, stopped. `server` names the server
 * in the messages. */
void live_assert_lost(pid_t pid, double dead_ms, const char *err_path, const char *session,
                      const char *server);

#endif
