/* e2e_play_snapcast: a class in several rooms — `adem play --pipe` into
 * Snapcast's pipe source, two snapclients as two rooms.
 *
 * The test starts snapserver on 127.0.0.1 only (a free port; no HTTP, no
 * control port) with a pipe source in create mode (48000:16:2, PCM), and two
 * `snapclient --player file` as rooms A and B, which write what they would
 * play into raw files (s16 stereo) in real time (testing-audio.md). Then:
 *   - the probe session through --pipe: in both rooms every impulse on its
 *     frame relative to that room's first (within the few frames a client's
 *     speed correction moves it; further only where that room's snapclient
 *     logged a hard resync), none missing; and both rooms play it within
 *     1 ms (48 frames) of each other;
 *   - a pause mid-session (--script, the keys' path) reaches both rooms: the
 *     beats stop after the same beat in both, for about the pause's length,
 *     and go on exactly;
 *   - the server going away ends the play with one line, exit 1.
 * (What --pipe writes, byte for byte, and what it refuses: e2e_play_pipe.c.)
 * When does a room play a frame: a file client writes 50 ms chunks on a
 * steady timer, each what the room plays from 10 ms on, so a frame p of its
 * file plays at start + p / rate; the test watches the files grow (every
 * millisecond) and takes each client's start as the median over its chunks.
 * Every process started here is stopped by pid, also when a test fails.
 * Skipped (77) when snapserver or snapclient is not installed;
 * scripts/bootstrap --test installs them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"
#include "rt/engine.h"

enum { RATE = 48000, ROOMS = 2, CHUNK = RATE / 20 /* the file player's 50 ms */, BEAT = 4800,
       BEATS = 40, MAX_EVENTS = 4096 };

/* How far a room's onsets may move from exact, in frames: the few samples a
 * snapclient inserts or drops to stay in sync by changing its speed (at most
 * 0.05 %, so 2.4 frames a beat; well below 1 ms, 48 frames). */
#define SNAP_SLACK 8

/* What a snapclient (0.2x) logs at level info when it resynchronises hard,
 * moving its room at once by what it is off (a loaded machine makes it do
 * that): an onset further than SNAP_SLACK from exact is accepted only from a
 * room that logged as many of these during the play. */
static const char *const hard_sync_marks[] = {"Buffer->full()", "abs(age > 500)"};

static pid_t server, client[ROOMS], player;
static char dir[512], fifo[700], room_file[ROOMS][700], room_log[ROOMS][700], pack[700];
static const char *const room_name[ROOMS] = {"roomA", "roomB"};

/* 1 if `name` is a program on PATH. */
static int on_path(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Starts argv with a real-time priority where the system grants one (chrt;
 * as root), else as it is: a loaded machine stalls a normal snapclient long
 * enough for it to resynchronise, which moves its room by whole chunks. */
static pid_t spawn_rt(const char *const *argv, const char *log)
{
    static int rt = -1;
    if (rt < 0)
        rt = system("chrt -f 40 true >/dev/null 2>&1") == 0;
    const char *all[32] = {"chrt", "-f", "40"};
    int n = rt ? 3 : 0;
    for (int i = 0; argv[i] && n < 31; i++)
        all[n++] = argv[i];
    all[n] = NULL;
    return e2e_spawn(all, NULL, log, log);
}

/* A TCP port on 127.0.0.1 that is free now. */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0)
        fail_msg("cannot find a free port on 127.0.0.1");
    close(s);
    return ntohs(a.sin_port);
}

/* Size of the file at path in bytes (0 if missing). */
static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Starts snapserver and the two rooms, and waits until both rooms write. */
static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", e2e_path("snap"));
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(pack, sizeof pack, "%s", e2e_path("pack"));
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s'", dir, pack);
    if (system(cmd) != 0)
        return -1;
    char conf[800], datadir[800], port[64], source[900];
    snprintf(conf, sizeof conf, "%s/empty.conf", dir);
    e2e_write_file(conf, "");
    snprintf(datadir, sizeof datadir, "--server.datadir=%s", dir);
    int p = free_port();
    snprintf(port, sizeof port, "--stream.port=%d", p);
    snprintf(source, sizeof source,
             "--stream.source=pipe://%s?name=adem&sampleformat=48000:16:2&mode=create", fifo);
    const char *srv[] = {"snapserver", "-c", conf, datadir, "--http.enabled=0", "--tcp.enabled=0",
                         "--stream.bind_to_address=127.0.0.1", port, source,
                         "--stream.codec=pcm", "--logging.sink=null", NULL};
    server = spawn_rt(srv, e2e_path("snapserver.log"));
    struct stat st;
    for (double end = e2e_now_ms() + 10000; e2e_now_ms() < end; e2e_sleep_ms(20))
        if (stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode))
            break;
    if (stat(fifo, &st) != 0 || !S_ISFIFO(st.st_mode))
        fail_msg("snapserver made no FIFO at %s: %s", fifo,
                 e2e_read_text(e2e_path("snapserver.log")));
    char pstr[16];
    snprintf(pstr, sizeof pstr, "%d", p);
    for (int r = 0; r < ROOMS; r++) {
        char player_opt[1500], sink[1500];
        snprintf(room_file[r], sizeof room_file[r], "%s/%s.raw", dir, room_name[r]);
        snprintf(room_log[r], sizeof room_log[r], "%s/%s.log", dir, room_name[r]);
        snprintf(player_opt, sizeof player_opt, "file:filename=%s", room_file[r]);
        snprintf(sink, sizeof sink, "--logsink=file:%s", room_log[r]);
        const char *cl[] = {"snapclient", "-h", "127.0.0.1", "-p", pstr, "--hostID",
                            room_name[r], "--player", player_opt, sink, "--logfilter=*:info", NULL};
        client[r] = spawn_rt(cl, NULL);
    }
    for (int r = 0; r < ROOMS; r++) {
        double end = e2e_now_ms() + 15000;
        while (file_size(room_file[r]) == 0 && e2e_now_ms() < end)
            e2e_sleep_ms(20);
        if (file_size(room_file[r]) == 0)
            fail_msg("snapclient %s wrote nothing within 15 s", room_name[r]);
    }
    /* the probe's voice cues */
    e2e_write_impulse_cue(pack, "kort", RATE, 1200, 0.5f);
    e2e_write_impulse_cue(pack, "mid", RATE, 4321, -0.375f);
    e2e_write_impulse_cue(pack, "lang", RATE, 30000, 0.25f);
    e2e_write_impulse_cue(pack, "tik", RATE, BEAT, 0.5f);
    e2e_write_file(e2e_path("pack/transcript.tsv"),
                   "kort\tkort\nmid\tmidden\nlang\tlang\ntik\ttik\n");
    return 0;
}

/* Stops the rooms and the server (by pid), then everything else. */
static int group_teardown(void **state)
{
    for (int r = 0; r < ROOMS; r++)
        e2e_stop(client[r], SIGTERM, 5000);
    e2e_stop(server, SIGTERM, 5000);
    server = client[0] = client[1] = 0;
    return e2e_group_teardown(state);
}

/* Stops an adem a failed test left running. */
static int teardown(void **state)
{
    (void)state;
    e2e_stop(player, SIGKILL, 5000);
    player = 0;
    return 0;
}

/* What the rooms played during one `adem play`. */
typedef struct rooms {
    int status;
    char *err;
    int16_t *pcm[ROOMS]; /* stereo, from the play's start on */
    int64_t frames[ROOMS];
    double start_ms[ROOMS]; /* when frame 0 of pcm[r] plays (e2e_now_ms) */
    int hard_syncs[ROOMS];  /* hard resynchronisations room r logged meanwhile */
} rooms;

/* How many hard resynchronisations room r has logged so far. */
static int room_hard_syncs(int r)
{
    char *log = e2e_read_text(room_log[r]);
    int n = 0;
    for (size_t m = 0; log && m < sizeof hard_sync_marks / sizeof *hard_sync_marks; m++)
        for (const char *p = strstr(log, hard_sync_marks[m]); p;
             p = strstr(p + 1, hard_sync_marks[m]))
            n++;
    free(log);
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs adem with argv, watching the room files grow until 3 s after it
 * exits (the rooms play about a second behind), then reads what the rooms
 * wrote meanwhile. */
static void play_rooms(const char *const *argv, int timeout_ms, rooms *out)
{
    static double t[ROOMS][MAX_EVENTS];
    static int64_t size[ROOMS][MAX_EVENTS];
    int nev[ROOMS] = {0, 0};
    int64_t from[ROOMS], last[ROOMS];
    int syncs_before[ROOMS];
    for (int r = 0; r < ROOMS; r++) {
        from[r] = last[r] = file_size(room_file[r]);
        syncs_before[r] = room_hard_syncs(r);
    }
    char err[700];
    snprintf(err, sizeof err, "%s", e2e_path("play.err"));
    player = e2e_spawn_adem(argv, NULL, NULL, err);
    double start = e2e_now_ms(), done_at = -1;
    int st = -1;
    while (done_at < 0 || e2e_now_ms() < done_at + 3000) {
        for (int r = 0; r < ROOMS; r++) {
            int64_t s = file_size(room_file[r]);
            if (s != last[r] && nev[r] < MAX_EVENTS) {
                t[r][nev[r]] = e2e_now_ms();
                size[r][nev[r]++] = s;
            }
            last[r] = s;
        }
        if (done_at < 0 && e2e_wait(player, 0, &st)) {
            done_at = e2e_now_ms();
            player = 0;
        }
        if (done_at < 0 && e2e_now_ms() > start + timeout_ms)
            fail_msg("adem play did not finish within %d ms", timeout_ms);
        e2e_sleep_ms(1);
    }
    out->status = st;
    out->err = e2e_read_text(err);
    for (int r = 0; r < ROOMS; r++) {
        out->hard_syncs[r] = room_hard_syncs(r) - syncs_before[r];
        /* the clock of room r: chunk k of the file (frames up to size/4)
         * was written at start + (frames - CHUNK) / rate */
        double *est = malloc((size_t)nev[r] * sizeof *est);
        for (int i = 0; i < nev[r]; i++)
            est[i] = t[r][i] - 1000.0 * (double)((size[r][i] - from[r]) / 4 - CHUNK) / RATE;
        qsort(est, (size_t)nev[r], sizeof *est, cmp_double);
        out->start_ms[r] = nev[r] ? est[nev[r] / 2] : 0;
        free(est);
        /* the samples written since the play started */
        FILE *f = fopen(room_file[r], "rb");
        if (!f)
            fail_msg("cannot read %s", room_file[r]);
        int64_t n = (last[r] - from[r]) / 4;
        out->pcm[r] = malloc((size_t)(n > 0 ? n : 1) * 4);
        fseek(f, (long)from[r], SEEK_SET);
        out->frames[r] = (int64_t)fread(out->pcm[r], 4, (size_t)n, f);
        fclose(f);
    }
}

/* Frees what play_rooms read. */
static void rooms_free(rooms *r)
{
    free(r->err);
    for (int k = 0; k < ROOMS; k++)
        free(r->pcm[k]);
}

/* Frames of a room's left channel whose magnitude exceeds threshold (the
 * impulses), at most max; returns how many there were. */
static int64_t room_peaks(const rooms *rm, int r, int threshold, int64_t *pos, int64_t max)
{
    int64_t n = 0;
    for (int64_t i = 0; i < rm->frames[r]; i++) {
        int v = rm->pcm[r][2 * i];
        if (v > threshold || v < -threshold) {
            if (n < max)
                pos[n] = i;
            n++;
        }
    }
    return n;
}

/* The probe through --pipe: exact in both rooms, the rooms within 1 ms. */
static void probe_in_two_rooms(void **state)
{
    (void)state;
    char session[700];
    snprintf(session, sizeof session, "%s", e2e_path("probe.adem"));
    e2e_write_file(session, "session \"Proef\"\n"
                            "wait 100ms\n"
                            "speak lang\n"
                            "wait 250ms\n"
                            "repeat 8\n"
                            "  speak kort\n"
                            "  wait 37ms\n"
                            "  speak mid\n"
                            "  wait 1s\n"
                            "end\n"
                            "speak kort\n");
    int64_t want[32];
    int nw = 0;
    int64_t t = 0;
    want[nw++] = t;
    t += 30000 + 12000;
    for (int k = 0; k < 8; k++) {
        want[nw++] = t;
        want[nw++] = t + 1200 + 1776;
        t += 1200 + 1776 + 4321 + 48000;
    }
    want[nw++] = t;

    const char *argv[] = {"adem", "play", "--voice", pack, "--pipe", fifo, session, NULL};
    rooms rm;
    play_rooms(argv, 60000, &rm);
    if (rm.status != 0)
        fail_msg("adem play --pipe exited %d: %s", rm.status, rm.err);
    assert_string_equal(rm.err, "");
    double when[ROOMS];
    for (int r = 0; r < ROOMS; r++) {
        int64_t pos[64];
        int64_t found = room_peaks(&rm, r, 1000, pos, 64);
        print_message("      %s: %lld impulses in %lld frames, relative:", room_name[r],
                      (long long)found, (long long)rm.frames[r]);
        for (int64_t i = 0; i < found && i < 64; i++)
            print_message(" %lld", (long long)(pos[i] - pos[0]));
        print_message("\n");
        assert_int_equal(found, nw);
        /* adem's bytes into the pipe are exact (e2e_play_pipe compares them
         * with the render); a snapclient keeps its room in sync by inserting
         * or dropping single samples when its clock drifts, which a loaded
         * machine makes happen: each room within SNAP_SLACK of exact, or
         * further only where it says it resynchronised hard (which moves
         * every impulse after it: from there on, measured from where it went) */
        int off = 0;
        int64_t moved = 0;
        for (int i = 1; i < nw; i++) {
            int64_t d = pos[i] - pos[0] - want[i] - moved;
            if (d >= -SNAP_SLACK && d <= SNAP_SLACK)
                continue;
            print_message("      %s: impulse %d %+lld frames from exact\n", room_name[r], i,
                          (long long)d);
            if (++off > rm.hard_syncs[r])
                fail_msg("%s: impulse %d at %lld relative to the first, want %lld (%d hard "
                         "resyncs logged by its snapclient)",
                         room_name[r], i, (long long)(pos[i] - pos[0]), (long long)want[i],
                         rm.hard_syncs[r]);
            moved += d;
        }
        when[r] = rm.start_ms[r] + 1000.0 * (double)pos[0] / RATE;
    }
    double apart = when[1] - when[0];
    print_message("      the rooms play the first impulse %.2f ms (%.0f frames) apart\n", apart,
                  apart * RATE / 1000);
    assert_true(apart >= -1.0 && apart <= 1.0);
    rooms_free(&rm);
}

/* A pause at 2 s and a resume at 3.5 s reach both rooms: the beats stop
 * after the same beat for about 1.5 s and go on exactly. */
static void pause_reaches_both_rooms(void **state)
{
    (void)state;
    char session[700], script[700], text[200];
    snprintf(session, sizeof session, "%s", e2e_path("steady.adem"));
    snprintf(script, sizeof script, "%s", e2e_path("pause.script"));
    snprintf(text, sizeof text, "session \"Regelmaat\"\nwait 100ms\nrepeat %d\n  speak tik\nend\n",
             BEATS);
    e2e_write_file(session, text);
    e2e_write_file(script, "2.0 pause\n3.5 resume\n");
    const char *argv[] = {"adem", "play", "--voice", pack, "--pipe", fifo, "--script", script,
                          session, NULL};
    rooms rm;
    play_rooms(argv, 60000, &rm);
    if (rm.status != 0)
        fail_msg("adem play --pipe exited %d: %s", rm.status, rm.err);
    int64_t gap_at[ROOMS];
    for (int r = 0; r < ROOMS; r++) {
        int64_t pos[128];
        int64_t found = room_peaks(&rm, r, 30, pos, 128);
        gap_at[r] = -1;
        int off = 0;
        for (int64_t i = 1; i < found && i < 128; i++) {
            int64_t d = pos[i] - pos[i - 1];
            if (d > 3 * BEAT && gap_at[r] < 0) {
                gap_at[r] = i;
            } else if (d < BEAT - SNAP_SLACK || d > BEAT + SNAP_SLACK) {
                /* as in probe_in_two_rooms: only where the room resynced */
                print_message("      %s: beats %lld and %lld are %lld frames apart\n",
                              room_name[r], (long long)i - 1, (long long)i, (long long)d);
                if (++off > rm.hard_syncs[r])
                    fail_msg("%s: beats %lld and %lld are %lld frames apart, want %d (%d hard "
                             "resyncs logged by its snapclient)",
                             room_name[r], (long long)i - 1, (long long)i, (long long)d, BEAT,
                             rm.hard_syncs[r]);
            }
        }
        double pause_s = gap_at[r] > 0 ? (double)(pos[gap_at[r]] - pos[gap_at[r] - 1]) / RATE : 0;
        print_message("      %s: %lld beats; the pause after beat %lld, %.3f s; %d hard "
                      "resyncs\n",
                      room_name[r], (long long)found, (long long)gap_at[r], pause_s,
                      rm.hard_syncs[r]);
        assert_true(found == BEATS || found == BEATS - 1);
        /* paused at 2 s of output: after about 19 beats, for about 1.5 s */
        assert_true(gap_at[r] >= 17 && gap_at[r] <= 23);
        assert_true(pause_s > 1.0 && pause_s < 2.5);
    }
    assert_int_equal(gap_at[0], gap_at[1]);
    rooms_free(&rm);
}

/* The reader goes away mid-session (snapserver stops): one line, exit 1.
 * Runs last: the server is gone afterwards. */
static void reader_goes_away(void **state)
{
    (void)state;
    char session[700];
    snprintf(session, sizeof session, "%s", e2e_path("long.adem"));
    e2e_write_file(session, "session \"Lang\"\nwait 30s\n");
    char err[700];
    snprintf(err, sizeof err, "%s", e2e_path("gone.err"));
    const char *argv[] = {"adem", "play", "--pipe", fifo, session, NULL};
    player = e2e_spawn_adem(argv, NULL, NULL, err);
    e2e_sleep_ms(2000);
    e2e_stop(server, SIGKILL, 5000);
    server = 0;
    int st;
    if (!e2e_wait(player, 10000, &st))
        fail_msg("adem play went on for 10 s after its reader went away");
    player = 0;
    char *e = e2e_read_text(err);
    print_message("      exit %d: %s", st, e);
    assert_int_equal(st, 1);
    assert_int_equal(e2e_count_lines(e), 1);
    assert_non_null(strstr(e, "adem: the pipe's reader went away"));
    free(e);
}

int main(void)
{
    if (!on_path("snapserver") || !on_path("snapclient")) {
        printf("skipped: snapserver and snapclient are not installed (scripts/bootstrap --test "
               "installs them)\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(probe_in_two_rooms, teardown),
        cmocka_unit_test_teardown(pause_reaches_both_rooms, teardown),
        cmocka_unit_test_teardown(reader_goes_away, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
