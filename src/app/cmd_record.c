/* cmd_record: `adem record PACKDIR [ID...]` — a voice pack in the teacher's
 * own voice, recorded cue by cue from the pack's transcript.tsv.
 *
 * The way a sample goes: microphone -> PortAudio callback (in_device.c) ->
 * lock-free ring (rt/spsc.c) -> writer thread -> PACKDIR/.takes/ID.new.wav
 * (take_writer.c). When the take is stopped it is prepared by cueprep (trimmed,
 * normalised to -20 LUFS with true peak <= -1 dBTP, faded), its measurements
 * and flags (clipped, mostly silent, samples lost) are shown, and only when
 * the teacher accepts it is it encoded to PACKDIR/ID.ogg (cueprep writes a
 * .part file and renames it). A cue file is never replaced by a take that was
 * not accepted. The raw take of an accepted cue stays as .takes/ID.wav.
 *
 * Without IDs the run goes through the cues of the transcript, in order, that
 * have no audio file yet (ID.ogg, .flac or .wav): quitting keeps what was
 * accepted and the next run resumes at the first missing cue. With IDs it
 * records exactly those cues, also ones that exist (a retake).
 *
 * Keys (a terminal, raw mode) or --script FILE (tests): lines "SECONDS KEY"
 * with KEY enter, r, p, s or q. Each line is the next key press: adem waits
 * SECONDS after it starts waiting for a key (while recording: SECONDS of
 * recorded sound, so a scripted take has an exact length), then acts on it.
 * When the script runs out, it acts as if q was pressed.
 * Without a terminal on stdin and without --script, recording is refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/stdout_check.h"
#include "app/player.h"
#include "sys/console.h"
#include "io/cueprep.h"
#include "io/resample.h"
#include "rt/engine.h"
#include "dev/in_device.h"
#include "dev/out_device.h"
#include "io/paths.h"
#include "sys/platform.h"
#include "rt/spsc.h"
#include "lang/session_parse.h"
#include "sys/signals.h"
#include "io/take_writer.h"
#include "timeline/timeline.h"
#include "io/transcript.h"

enum {
    POLL_MS = 20,        /* the control loop's period */
    STALL_MS = 2000,     /* an input that has not called back for this long is lost */
    COUNT_IN = 3,        /* seconds of 3-2-1 before a take */
    MAX_TAKE_S = 60,     /* a take stops by itself after this many seconds */
    RING_SECONDS = 8,    /* the ring holds this much audio (the writer drains it every 5 ms) */
    SCRIPT_MAX = 256,
    PATH_LEN = 4096,
    METER_COLS = 24,
    METER_EVERY = 5      /* polls between redraws of the level meter (10 Hz) */
};

/* Key codes the control loop uses; enter is '\n' (a terminal may send '\r'). */
enum { K_NONE = -1, K_ENTER = '\n', K_LOST = -2 };

/* One line of --script: after `secs`, press `key`. */
typedef struct rec_key {
    double secs;
    int key;
} rec_key;

/* Everything a recording run needs. */
typedef struct rec {
    const cli_opts *o;
    FILE *err;
    char dir[PATH_LEN];   /* the pack folder */
    char voice[PATH_LEN]; /* how to name it to --voice in messages */
    transcript *t;
    spsc *ring; /* of floats */
    in_device *in;
    indev_info info;
    int rate;
    int meter;            /* 1: redraw a level meter line (stdout is a terminal) */
    int raw;              /* 1: keys come from the terminal in raw mode */
    rec_key script[SCRIPT_MAX];
    int nscript, next_key, scripted;
    uint64_t wait_ns;     /* when the current wait for a key began */
    int lost;             /* the input device stopped */
    int accepted, skipped;
} rec;

/* ---- Small helpers -------------------------------------------------------- */

/* Formats v with `decimals` decimals and a decimal comma (Dutch), or "stil"
 * when it is -infinity (silence). Returns buf. */
static const char *nl_num(char *buf, size_t n, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", v < 0 ? "stil" : "?");
        return buf;
    }
    snprintf(buf, n, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = ',';
    return buf;
}

/* The sample rate of the cues cueprep makes (its default: 48000 Hz). */
static int cue_rate(void)
{
    cueprep_opts co;
    cueprep_defaults(&co);
    return co.rate;
}

/* 1 if the pack folder holds an audio file for cue id (ogg, flac or wav). */
static int has_audio(const char *dir, const char *id)
{
    static const char *const ext[] = {".ogg", ".flac", ".wav"};
    char name[128], path[PATH_LEN];
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "%s%s", id, ext[k]);
        if (paths_join(path, sizeof path, dir, name) == 0 && platform_is_file(path))
            return 1;
    }
    return 0;
}

/* Number of cues of the transcript that have an audio file in dir. */
static int count_recorded(const rec *R)
{
    int n = 0;
    for (int i = 0; i < transcript_count(R->t); i++)
        n += has_audio(R->dir, transcript_id(R->t, i));
    return n;
}

/* Reads the whole file at path into a malloc'd buffer (*len bytes). Returns
 * NULL when it cannot be read or exceeds max bytes. */
static char *read_all(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int bad = !buf || ferror(f) || n > max;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Writes len bytes to path through path.part and a rename, so that a reader
 * never sees half of it. Returns 0, or -1 with d set. */
static int write_atomically(const char *path, const char *data, size_t len, adem_diag *d)
{
    char part[PATH_LEN + 8];
    snprintf(part, sizeof part, "%s.part", path);
    FILE *f = fopen(part, "wb");
    if (!f)
        return diag_runtime(d, "cannot write '%s'; check that the folder is writable", part);
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || platform_replace(part, path) != 0) {
        remove(part);
        return diag_runtime(d, "cannot write '%s'; is the disk full?", path);
    }
    return 0;
}

/* ---- The pack folder and its transcript ------------------------------------ */

/* Sets R->dir and R->voice from the PACKDIR argument: a folder when it
 * contains a slash or starts with '.', as --voice reads it; else the user's
 * pack of that name ($XDG_DATA_HOME/adem/voices/NAME). Returns 0, or -1 with
 * d set. */
static int pack_dir(rec *R, const char *arg, adem_diag *d)
{
    int folder = arg[0] == '.' || strchr(arg, '/') || strchr(arg, '\\');
    snprintf(R->voice, sizeof R->voice, "%s", arg);
    if (folder) {
        snprintf(R->dir, sizeof R->dir, "%s", arg);
        return 0;
    }
    if (!session_valid_name(arg, strlen(arg)))
        return diag_set(d, NULL, 0, 0,
                        "'%s' is not a pack name (letters, digits, '_' and '-') nor a folder; "
                        "write a folder as ./%s or give a name such as mijnstem", arg, arg);
    const char *user = paths_user_dir();
    char voices[PATH_LEN];
    if (!user || paths_join(voices, sizeof voices, user, "voices") != 0 ||
        paths_join(R->dir, sizeof R->dir, voices, arg) != 0)
        return diag_runtime(d, "cannot tell where your voice packs go (HOME is not set); give "
                               "a folder instead, e.g. ./%s", arg);
    return 0;
}

/* Reads PACKDIR/transcript.tsv, or, when the folder has none, the shipped nl
 * pack's (into *nl_text, to be copied into the folder once the microphone is
 * found). Returns 0, or -1 with d set. */
static int load_transcript(rec *R, char **nl_text, size_t *nl_len, adem_diag *d)
{
    char path[PATH_LEN];
    *nl_text = NULL;
    if (paths_join(path, sizeof path, R->dir, "transcript.tsv") != 0)
        return diag_set(d, NULL, 0, 0, "the folder name '%s' is too long; use a shorter path",
                        R->dir);
    if (platform_is_file(path))
        return transcript_read(path, &R->t, d);
    const char *data = paths_data_dir();
    char src[PATH_LEN];
    if (!data || paths_join(src, sizeof src, data, "voices/nl/transcript.tsv") != 0 ||
        !platform_is_file(src))
        return diag_runtime(d, "%s has no transcript.tsv and the nl pack's cannot be found to "
                               "start from; write one (a line ID<TAB>text per cue) or reinstall "
                               "adem", R->dir);
    *nl_text = read_all(src, TRANSCRIPT_MAX_BYTES, nl_len);
    if (!*nl_text)
        return diag_runtime(d, "cannot read '%s'; check the installation", src);
    return transcript_parse(src, *nl_text, *nl_len, &R->t, d);
}

/* ---- Keys: the terminal or the script ------------------------------------- */

/* Reads --script: lines "SECONDS KEY" (KEY enter, r, p, s, q; '#' comments).
 * Returns 0, or -1 with d set at the line. */
static int read_script(rec *R, const char *path, adem_diag *d)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return diag_set(d, path, 0, 0, "cannot open the script; check the path");
    char line[256], word[32];
    int lineno = 0;
    R->nscript = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        double at;
        if (line[strspn(line, " \t\r\n")] == '\0' || line[strspn(line, " \t")] == '#')
            continue;
        int got = sscanf(line, "%lf %31s", &at, word);
        int key = got < 2                      ? 0
                  : strcmp(word, "enter") == 0 ? K_ENTER
                  : strlen(word) == 1 && strchr("rpsq", word[0]) ? word[0]
                                                                 : 0;
        if (!key || !(at >= 0 && at <= 3600) || R->nscript == SCRIPT_MAX) {
            fclose(f);
            return diag_set(d, path, lineno, 1, "expected SECONDS KEY with a key of enter, r, p, "
                                                "s, q (at most %d lines)", SCRIPT_MAX);
        }
        R->script[R->nscript].secs = at;
        R->script[R->nscript].key = key;
        R->nscript++;
    }
    fclose(f);
    return 0;
}

/* Marks the start of a wait for a key (the script's clock). */
static void keys_wait_begin(rec *R)
{
    R->wait_ns = platform_now_ns();
}

/* The key pressed now, or K_NONE. recorded_s >= 0 while a take is recording
 * (the script then counts recorded seconds). A stop signal reads as 'q'. */
static int keys_poll(rec *R, double recorded_s)
{
    if (signals_stop_requested())
        return 'q';
    if (R->scripted) {
        if (R->next_key >= R->nscript)
            return 'q';
        double waited = recorded_s >= 0 ? recorded_s
                                         : (double)(platform_now_ns() - R->wait_ns) / 1e9;
        if (waited < R->script[R->next_key].secs)
            return K_NONE;
        return R->script[R->next_key++].key;
    }
    int k = R->raw ? console_read_key() : K_NONE;
    if (k == '\r')
        k = K_ENTER;
    if (k >= 'A' && k <= 'Z')
        k += 'a' - 'A';
    return k;
}

/* Waits for one of the keys in `allowed` ("\n" for enter), checking the
 * input device meanwhile. Returns the key, 'q' for a stop signal, or K_LOST
 * when the device stopped. */
static int wait_key(rec *R, const char *allowed)
{
    keys_wait_begin(R);
    for (;;) {
        int k = keys_poll(R, -1);
        if (k == 'q' || (k > 0 && strchr(allowed, k)))
            return k;
        if (!indev_alive(R->in, STALL_MS)) {
            R->lost = 1;
            return K_LOST;
        }
        indev_peak(R->in); /* keep the meter's measurement fresh */
        platform_sleep_ms(POLL_MS);
    }
}

/* ---- One take ---------------------------------------------------------------- */

/* Draws the level meter line over itself: the seconds recorded, a bar from
 * -60 to 0 dBFS and the peak; "TE LUID" when it reached full scale. */
static void draw_meter(double secs, float peak)
{
    double db = peak > 0 ? 20.0 * log10(peak) : -120.0;
    int fill = db <= -60 ? 0 : db >= 0 ? METER_COLS : (int)((db + 60) / 60 * METER_COLS + 0.5);
    char bar[METER_COLS + 1], t[32], lv[32];
    for (int i = 0; i < METER_COLS; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[METER_COLS] = '\0';
    printf("\r  opname %s s  [%s] %s dB%s\033[K", nl_num(t, sizeof t, secs, 1), bar,
           db > -100 ? nl_num(lv, sizeof lv, db, 0) : "-inf",
           peak >= CUEPREP_CLIP_LEVEL ? "  TE LUID" : "");
    stdout_flush();
}

/* The visual count-in, 3-2-1. Returns 0, 'q' when stopped, K_LOST. */
static int count_in(rec *R)
{
    printf("  ");
    for (int s = COUNT_IN; s >= 1; s--) {
        printf("%d... ", s);
        stdout_flush();
        uint64_t until = platform_now_ns() + 1000000000ull;
        while (platform_now_ns() < until) {
            if (signals_stop_requested() || (R->raw && keys_poll(R, -1) == 'q')) {
                printf("\n");
                return 'q';
            }
            if (!indev_alive(R->in, STALL_MS)) {
                printf("\n");
                R->lost = 1;
                return K_LOST;
            }
            indev_peak(R->in);
            platform_sleep_ms(POLL_MS);
        }
    }
    printf("\n");
    return 0;
}

/* Records one take of cue `id` into raw_path: count-in, arm, record until
 * enter (or MAX_TAKE_S), disarm, finish the file. Returns 0 with *frames and
 * *dropped, 'q' when stopped (the file is removed), K_LOST, or -1 with d set
 * (the file could not be written). */
static int record_take(rec *R, const char *raw_path, int64_t *frames, int64_t *dropped,
                       adem_diag *d)
{
    int c = count_in(R);
    if (c)
        return c;
    spsc_discard(R->ring);
    take_writer *w;
    if (take_writer_start(R->ring, raw_path, R->rate, &w, d) != 0)
        return -1;
    int64_t cap = (int64_t)R->rate * MAX_TAKE_S;
    indev_arm(R->in, cap);
    printf("  Opnemen: spreek de zin, en druk op enter als je klaar bent.\n");
    stdout_flush();
    keys_wait_begin(R);
    indev_peak(R->in);
    int key = K_NONE, polls = 0;
    for (;;) {
        platform_sleep_ms(POLL_MS);
        int64_t got = indev_frames(R->in);
        double secs = (double)got / R->rate;
        if (R->meter && ++polls % METER_EVERY == 0) /* the peak of the last 100 ms */
            draw_meter(secs, indev_peak(R->in));
        key = keys_poll(R, secs);
        if (key == K_ENTER || key == ' ' || key == 'q')
            break;
        if (got >= cap) {
            key = K_ENTER;
            if (R->meter)
                printf("\n");
            printf("  (gestopt na %d s: langer kan een cue niet zijn)\n", MAX_TAKE_S);
            break;
        }
        if (take_writer_failed(w))
            break;
        if (!indev_alive(R->in, STALL_MS)) {
            key = K_LOST;
            break;
        }
    }
    if (R->meter)
        printf("\r\033[K");
    stdout_flush();
    if (indev_disarm(R->in, key == K_LOST ? 0 : STALL_MS) != 0)
        key = K_LOST;
    *dropped = indev_dropped(R->in);
    int rc = take_writer_finish(w, frames, d);
    if (key == K_LOST) {
        R->lost = 1;
        remove(raw_path);
        return K_LOST;
    }
    if (rc != 0) {
        remove(raw_path);
        return -1;
    }
    if (key == 'q') {
        remove(raw_path);
        return 'q';
    }
    return 0;
}

/* ---- Playing a prepared take ------------------------------------------------- */

/* Plays mono x[0..n) at `rate` Hz on the default output device, through the
 * player (a one-cue timeline), until it ends or a key stops it. Problems are
 * noted on stdout and do not end the run. */
static void play_take(rec *R, const float *x, int64_t n, int rate)
{
    adem_diag d;
    diag_clear(&d);
    outdev_info info;
    float *y = NULL;
    timeline *tl = NULL;
    player *pl = NULL;
    char msg[ADEM_DIAG_MSG_MAX + 64];
    int out_rate = rate;
    int64_t m = n;
    int failed = 1, lost = 0;

    if (outdev_find(NULL, &info, &d) != 0)
        goto done;
    out_rate = (int)(info.default_rate + 0.5);
    if (out_rate != rate) {
        /* the device's own rate: convert the take */
        int err = 0;
        if (!(y = resample_all(x, n, rate, out_rate, &m, &err))) {
            diag_runtime(&d, "cannot convert the take to %d Hz: %s", out_rate,
                         resample_strerror(err));
            goto done;
        }
        m = m > 0 ? m : 1;
    }
    if (timeline_one_cue("Afspelen", "nl", "opname", "afspelen", &tl, &d) != 0 ||
        timeline_layout(tl, out_rate, &m, &d) != 0)
        goto done;
    adem_cue cue = {y ? y : x, m};
    player_config pc;
    pc.device = &info;
    pc.latency_ms = 0;
    pc.format = OUT_DEFAULT;
    engine_config_init(&pc.engine);
    pc.engine.rate = out_rate;
    pc.engine.channels = info.max_channels >= 2 ? 2 : 1;
    pc.ui = UI_SILENT;
    pc.unicode = 0;
    pc.keys = R->raw ? PLAYER_KEYS_STOP : PLAYER_KEYS_NONE; /* a script's keys wait */
    pc.script = NULL;
    pc.nscript = 0;
    pc.feed = NULL;
    pc.first_callback = NULL;
    player_end end;
    if (player_open(&pc, tl, &cue, &pl, &d) != 0)
        goto done;
    printf("  Afspelen... (enter of q stopt)\n");
    stdout_flush();
    if (player_run(pl, &end, &d) != 0)
        goto done;
    if (end == PLAYER_LOST) {
        /* the player leaves a dead stream (and the engine it may still point
         * at) open: PortAudio may hang closing it; its callback may still
         * read the timeline and the take, so they stay too */
        lost = 1;
        diag_runtime(&d, "the output device stopped");
        goto done;
    }
    failed = 0;
done:
    if (failed) {
        diag_format(&d, msg, sizeof msg);
        printf("  (afspelen lukt niet: %s)\n", msg + (strncmp(msg, "adem: ", 6) ? 0 : 6));
        stdout_flush();
    }
    player_close(pl);
    if (!lost) {
        timeline_free(tl);
        free(y);
    }
}

/* ---- One cue ----------------------------------------------------------------- */

typedef enum cue_result { CUE_ACCEPTED, CUE_SKIPPED, CUE_QUIT, CUE_LOST, CUE_FAILED } cue_result;

/* Prints what was measured in a prepared take, and its flags. Returns 1 when
 * the take is flagged (clipped, mostly silent, or samples lost). */
static int show_take(const rec *R, const cueprep_report *r, int64_t frames, int64_t dropped)
{
    char b1[32], b2[32], b3[32];
    int flagged = 0;
    printf("  Opname: %s s, luidheid %s LUFS (wordt -20), piek %s dBFS\n",
           nl_num(b1, sizeof b1, (double)frames / R->rate, 1),
           nl_num(b2, sizeof b2, r->in_lufs, 1), nl_num(b3, sizeof b3, r->in_sample_peak, 1));
    if (r->clipped) {
        printf("  Let op: oversturing (%lld samples op vol bereik). Neem opnieuw op, iets verder "
               "van de microfoon of met een lager opnameniveau.\n",
               (long long)r->clipped_samples);
        flagged = 1;
    }
    if (r->mostly_silent) {
        printf("  Let op: te zacht / bijna stil (%s s geluid). Spreek dichter bij de microfoon "
               "of zet het opnameniveau hoger.\n",
               nl_num(b1, sizeof b1, r->active_ms / 1000.0, 1));
        flagged = 1;
    }
    if (dropped > 0) {
        printf("  Let op: er viel %s ms van de opname weg (de computer was te druk). Neem "
               "opnieuw op.\n",
               nl_num(b1, sizeof b1, 1000.0 * (double)dropped / R->rate, 0));
        flagged = 1;
    }
    return flagged;
}

/* Why cueprep could not use a take, in the words of the rest of the screen
 * (cueprep's own messages are for the error stream). */
static const char *unusable_reason(const adem_diag *pd)
{
    if (strstr(pd->msg, "silent") || strstr(pd->msg, "no sound") || strstr(pd->msg, "lost all"))
        return "stil, er is niets te horen. Staat de microfoon aan, en is het de goede "
               "(--device)?";
    if (strstr(pd->msg, "spiky"))
        return "de pieken zijn te scherp om hem op -20 LUFS te brengen. Neem opnieuw op, iets "
               "verder van de microfoon.";
    return pd->msg;
}

/* Records cue i until a take is accepted, the cue is skipped, or the run
 * stops. Returns what happened; CUE_FAILED with d set. */
static cue_result record_cue(rec *R, int i, adem_diag *d)
{
    const char *id = transcript_id(R->t, i);
    char takes[PATH_LEN], raw[PATH_LEN], kept[PATH_LEN], out[PATH_LEN], name[160];
    char b1[32], b2[32], b3[32];
    paths_join(takes, sizeof takes, R->dir, ".takes");
    snprintf(name, sizeof name, "%s.new.wav", id);
    paths_join(raw, sizeof raw, takes, name);
    snprintf(name, sizeof name, "%s.wav", id);
    paths_join(kept, sizeof kept, takes, name);
    snprintf(name, sizeof name, "%s.ogg", id);
    paths_join(out, sizeof out, R->dir, name);

    printf("\nCue %d van %d: %s\n  \"%s\"\n", i + 1, transcript_count(R->t), id,
           transcript_text(R->t, i));
    if (has_audio(R->dir, id))
        printf("  (deze cue heeft al een opname; die blijft tot je een nieuwe bewaart)\n");
    printf("Klaar? Druk op enter om op te nemen (s overslaan, q stoppen)\n");
    stdout_flush();
    int k = wait_key(R, "\ns");
    if (k == K_LOST)
        return CUE_LOST;
    if (k == 'q')
        return CUE_QUIT;
    if (k == 's')
        return CUE_SKIPPED;

    for (;;) { /* one take per turn */
        int64_t frames = 0, dropped = 0;
        int rc = record_take(R, raw, &frames, &dropped, d);
        if (rc == K_LOST)
            return CUE_LOST;
        if (rc == 'q')
            return CUE_QUIT;
        if (rc != 0)
            return CUE_FAILED;

        float *x = NULL;
        int64_t n = 0;
        int xr = 0;
        cueprep *c = NULL;
        adem_diag pd;
        diag_clear(&pd);
        int usable = 0, flagged = 0;
        if (frames <= 0) {
            printf("  Er is niets opgenomen.\n");
        } else if (cueprep_read_file(raw, &x, &n, &xr, d) != 0) {
            remove(raw);
            return CUE_FAILED;
        } else if (cueprep_process(x, n, xr, NULL, &c, &pd) != 0) {
            if (pd.status == ADEM_EXIT_RUNTIME) { /* out of memory, not the take */
                *d = pd;
                free(x);
                remove(raw);
                return CUE_FAILED;
            }
            printf("  Opname: %s s.\n  Niet bruikbaar: %s\n",
                   nl_num(b1, sizeof b1, (double)n / xr, 1), unusable_reason(&pd));
        } else {
            usable = 1;
            flagged = show_take(R, cueprep_get_report(c), frames, dropped);
        }
        free(x);

        int confirm = 0; /* 1: a flagged take waits for a second enter */
        int next = 0;    /* 1: record another take */
        cue_result res = CUE_SKIPPED;
        for (int decided = 0; !decided;) {
            if (!usable)
                printf("  r opnieuw, s overslaan, q stoppen\n");
            else if (confirm)
                printf("  Toch bewaren? Druk nog eens op enter (r opnieuw, p afspelen, s "
                       "overslaan, q stoppen)\n");
            else
                printf("  enter bewaren, r opnieuw, p afspelen, s overslaan, q stoppen\n");
            stdout_flush();
            k = wait_key(R, usable ? "\nrps" : "\nrs");
            switch (k) {
            case K_LOST:
                res = CUE_LOST;
                decided = 1;
                break;
            case 'q':
                res = CUE_QUIT;
                decided = 1;
                break;
            case 's':
                res = CUE_SKIPPED;
                decided = 1;
                break;
            case 'r':
                next = 1;
                decided = 1;
                break;
            case 'p': {
                int64_t pn;
                const float *px = cueprep_samples(c, &pn);
                play_take(R, px, pn, cue_rate());
                break;
            }
            case K_ENTER:
                if (!usable) {
                    printf("  Er is niets om te bewaren; r neemt opnieuw op.\n");
                    break;
                }
                if (flagged && !confirm) {
                    confirm = 1;
                    break;
                }
                if (cueprep_write_ogg(c, out, d) != 0) {
                    res = CUE_FAILED;
                    decided = 1;
                    break;
                }
                {
                    const cueprep_report *r = cueprep_get_report(c);
                    printf("  Bewaard: %s.ogg (%s s, %s LUFS, piek %s dBTP)\n", id,
                           nl_num(b1, sizeof b1, (double)r->out_frames / cue_rate(), 2),
                           nl_num(b2, sizeof b2, r->out_lufs, 1),
                           nl_num(b3, sizeof b3, r->out_true_peak, 1));
                }
                if (platform_replace(raw, kept) != 0)
                    remove(raw);
                res = CUE_ACCEPTED;
                decided = 1;
                break;
            }
        }
        cueprep_free(c);
        if (!next) {
            if (res != CUE_ACCEPTED)
                remove(raw);
            return res;
        }
    }
}

/* ---- The command -------------------------------------------------------------- */

/* The cues to record, as transcript indices, into v (count in *n): the IDs
 * given after PACKDIR, or else every cue without an audio file. Returns 0, or
 * -1 with d set (an ID that is not in the transcript). */
static int plan(const rec *R, int *v, int *n, adem_diag *d)
{
    *n = 0;
    if (R->o->nargs > 1) {
        for (int a = 1; a < R->o->nargs; a++) {
            int i = transcript_find(R->t, R->o->args[a]);
            if (i < 0)
                return diag_set(d, NULL, 0, 0, "cue '%s' is not in %s/transcript.tsv; add a line "
                                               "'%s<TAB>text' to it or check the name",
                                R->o->args[a], R->dir, R->o->args[a]);
            v[(*n)++] = i;
        }
        return 0;
    }
    for (int i = 0; i < transcript_count(R->t); i++)
        if (!has_audio(R->dir, transcript_id(R->t, i)))
            v[(*n)++] = i;
    return 0;
}

/* Prints where the pack stands at the end of a run, and how to go on. */
static void summary(const rec *R, int quit)
{
    int total = transcript_count(R->t), have = count_recorded(R);
    const char *q = strchr(R->voice, ' ') ? "'" : "";
    printf("\n");
    if (have == total) {
        printf("Klaar: alle %d cues zijn opgenomen. Luister maar: adem play 478 --voice %s%s%s\n",
               total, q, R->voice, q);
        return;
    }
    const char *first = NULL;
    for (int i = 0; i < total && !first; i++)
        if (!has_audio(R->dir, transcript_id(R->t, i)))
            first = transcript_id(R->t, i);
    printf("%s %d van %d cues opgenomen. `adem record %s%s%s` gaat verder bij %s;\n"
           "tot dan spreekt de nl-stem de cues die nog ontbreken.\n",
           quit ? "Gestopt." : "Voor nu klaar:", have, total, q, R->voice, q, first);
}

int cmd_record(const cli_opts *o)
{
    adem_diag d;
    diag_clear(&d);
    if (o->nargs < 1) {
        fprintf(stderr, "adem: record needs the pack's folder, e.g. adem record ./mijnstem; "
                        "see adem record --help\n");
        return ADEM_EXIT_INPUT;
    }
    if (!o->script && !console_is_tty(0)) {
        fprintf(stderr, "adem: recording needs a person at the keyboard, and stdin is not a "
                        "terminal; run adem record in a terminal\n");
        return ADEM_EXIT_INPUT;
    }
    rec *R = calloc(1, sizeof *R);
    if (!R) {
        fprintf(stderr, "adem: out of memory\n");
        return ADEM_EXIT_RUNTIME;
    }
    R->o = o;
    R->scripted = o->script != NULL;
    char *nl_text = NULL;
    size_t nl_len = 0;
    int *todo = NULL, ntodo = 0, rc = 0, pa_up = 0;
    /* the stop signals from the start, only counted (every wait polls them;
     * an exit from the handler with PortAudio's JACK client open would stall
     * a synchronous JACK server for 20 s, see cmd_play.c) */
    signals_catch_stop(0);
    FILE *err = console_quiet_stderr();
    cli_set_err(err);
    R->err = err;

    /* everything that can be checked without the microphone first */
    if (pack_dir(R, o->args[0], &d) != 0 || load_transcript(R, &nl_text, &nl_len, &d) != 0 ||
        (o->script && read_script(R, o->script, &d) != 0))
        rc = cli_report(&d);
    if (rc == 0) {
        todo = malloc((size_t)(transcript_count(R->t) + o->nargs + 1) * sizeof *todo);
        if (!todo) {
            diag_runtime(&d, "out of memory");
            rc = cli_report(&d);
        } else if (plan(R, todo, &ntodo, &d) != 0) {
            rc = cli_report(&d);
        }
    }
    if (rc == 0 && ntodo == 0) {
        printf("Alle %d cues van %s zijn al opgenomen. Een cue opnieuw opnemen: adem record %s "
               "ID\n", transcript_count(R->t), R->dir, R->voice);
        goto out;
    }
    /* the microphone */
    signals_hold(1); /* as in play: PortAudio's connecting is not cut short */
    int pa_failed = rc == 0 && outdev_init(&d) != 0;
    signals_hold(0);
    if (pa_failed)
        rc = cli_report(&d);
    else if (rc == 0)
        pa_up = 1;
    if (rc == 0 && indev_find(o->device, &R->info, &d) != 0)
        rc = cli_report(&d);
    if (rc == 0) {
        int rate = o->tl.rate ? o->tl.rate : (int)(R->info.default_rate + 0.5);
        if (!(R->ring = spsc_new(sizeof(float), (size_t)rate * RING_SECONDS))) {
            diag_runtime(&d, "out of memory");
            rc = cli_report(&d);
        } else if (indev_open(&R->info, rate, o->latency_ms, R->ring, &R->in, &d) != 0 ||
                   indev_start(R->in, &d) != 0) {
            rc = cli_report(&d);
        } else {
            R->rate = indev_rate(R->in);
        }
    }
    /* the folder: created, given a transcript, and a place for raw takes */
    char takes[PATH_LEN];
    if (rc == 0 && (platform_mkdirs(R->dir) != 0 ||
                    paths_join(takes, sizeof takes, R->dir, ".takes") != 0 ||
                    platform_mkdirs(takes) != 0)) {
        diag_runtime(&d, "cannot create the folder '%s'; check the path and its permissions",
                     R->dir);
        rc = cli_report(&d);
    }
    if (rc == 0 && nl_text) {
        char path[PATH_LEN];
        paths_join(path, sizeof path, R->dir, "transcript.tsv");
        if (write_atomically(path, nl_text, nl_len, &d) != 0)
            rc = cli_report(&d);
        else
            printf("Nieuw stempakket in %s. De teksten komen uit het nl-pakket: pas\n"
                   "transcript.tsv daar gerust aan, dan zeg je het op jouw manier.\n\n", R->dir);
    }
    if (rc != 0)
        goto out;

    printf("Stempakket: %s (%d cues, %d al opgenomen)\n", R->dir, transcript_count(R->t),
           count_recorded(R));
    printf("Microfoon: %s (%s), %d Hz\n", R->info.name, R->info.host, R->rate);
    stdout_flush();
    R->meter = !R->scripted && console_is_tty(1) && !console_is_dumb();
    R->raw = !R->scripted && console_raw_enter() == 0;
    int quit = 0;
    for (int k = 0; k < ntodo && rc == 0 && !quit; k++) {
        cue_result res = record_cue(R, todo[k], &d);
        switch (res) {
        case CUE_ACCEPTED:
            R->accepted++;
            break;
        case CUE_SKIPPED:
            R->skipped++;
            break;
        case CUE_QUIT:
            quit = 1;
            rc = ADEM_EXIT_STOPPED;
            break;
        case CUE_LOST:
            rc = ADEM_EXIT_RUNTIME;
            break;
        case CUE_FAILED:
            rc = cli_report(&d);
            break;
        }
    }
    console_raw_leave();
    signals_release_stop();
    if (R->lost) {
        stdout_flush();
        fprintf(err, "adem: the input device stopped (it was unplugged, or its sound server "
                     "quit); check it and run adem record again: it goes on where it stopped\n");
        fflush(err);
        /* a dead server can make PortAudio hang on close: leave the stream
         * (and the ring its callback may still write) to the exit */
        R->in = NULL;
        R->ring = NULL;
        pa_up = 0;
        rc = ADEM_EXIT_RUNTIME;
        goto out;
    }
    if (rc == 0 || rc == ADEM_EXIT_STOPPED)
        summary(R, quit);
    {
        uint64_t over = indev_overflows(R->in);
        if (over > 0)
            fprintf(err, "adem: note: the input device reported %llu overflow%s; if a take "
                         "sounds broken, record it again with a larger --latency\n",
                    (unsigned long long)over, over == 1 ? "" : "s");
    }
out:
    stdout_flush();
    indev_close(R->in);
    spsc_free(R->ring);
    if (pa_up)
        outdev_terminate();
    transcript_free(R->t);
    free(nl_text);
    free(todo);
    free(R);
    cli_set_err(stderr);
    console_restore_stderr();
    return rc;
}
