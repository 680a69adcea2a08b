/* cli: adem's command line (design/cli.md): sub-commands, options, help,
 * exit codes. Parses argv into cli_opts and runs the command. */
#ifndef ADEM_CLI_H
#define ADEM_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "io/out_file.h"
#include "timeline/timeline.h"

typedef struct cli_opts {
    const char *command;      /* "play", "render", ... */
    const char **args;        /* SESSION... / FILE... / PACKDIR */
    int nargs;
    tl_options tl;            /* what shapes the timeline (timeline/options.h):
                                 --set (repeatable), --voice, --rate (for record:
                                 the recording rate), --gap, --tempo, and
                                 --countdown or the config's countdown (play
                                 only); defaults from tl_options_init */
    double volume_db;         /* --volume */
    double voice_db, tone_db, bed_db; /* --voice-level, --tone-level, --bed-level */
    double max_level_db;      /* --max-level (ceiling), default -1 */
    int mono;                 /* --mono */
    const char *output;       /* render -o */
    out_format format;        /* render --format */
    int json;                 /* show --json */
    const char *svg;          /* show --svg FILE */
    const char *device;       /* play --device */
    int latency_ms;           /* play --latency */
    int channels;             /* play --channels, 0 = default */
    int no_ui;                /* play --no-ui */
    const char *script;       /* play --script FILE (tests: timed commands) */
    const char *web;          /* play --web [ADDR:]PORT: the page for the room */
    long player_pid;          /* ctl --player PID, 0 = the only one */
    const char *pipe;         /* play --pipe FIFO: raw PCM instead of a device */
    int verbose;              /* play --verbose: the output, rate and why, on stderr */
    int log_off;              /* `log = off` in the config file: no practice log */
} cli_opts;

/* Runs adem with argv; returns the exit status (design/cli.md). */
int cli_main(int argc, char **argv);

/* Commands (cmd_*.c). Each returns an exit status and prints its own errors. */
int cmd_render(const cli_opts *o);
int cmd_show(const cli_opts *o);
int cmd_check(const cli_opts *o);
int cmd_list(const cli_opts *o);
int cmd_play(const cli_opts *o);
int cmd_devices(const cli_opts *o);
int cmd_voices(const cli_opts *o);
int cmd_record(const cli_opts *o);
int cmd_log(const cli_opts *o);
int cmd_ctl(const cli_opts *o);

/* `adem show --svg FILE` (cmd_svg.c): writes the picture of the prepared
 * session p to o->svg ("-": stdout). Returns the exit status, after printing
 * any error. */
struct prep;
int cmd_show_svg(const cli_opts *o, const struct prep *p);

/* After a live play (cmd_log.c): appends one practice-log line for each of the
 * n top-level sessions names[] that started playing (the timeline of p may
 * begin with a lead-in: prep_lead), from `started` (time(NULL) when playback
 * began) and pos, the timeline position reached. Does nothing when the log is
 * off. Never fails the play: a log that cannot be written gives at most one
 * "adem: note:" line on err. */
void cmd_log_played(const cli_opts *o, const struct prep *p, const char *const *names, int n,
                    time_t started, int64_t pos, FILE *err);

/* Prints d (one line on the error stream) and returns its exit status. */
struct adem_diag;
int cli_report(const struct adem_diag *d);

/* Sets the stream for adem's own error lines (stderr by default; during
 * playback the real stderr while the audio libraries' noise is silenced). */
#include <stdio.h>
void cli_set_err(FILE *f);

/* Sets up the engine's rate, channels and mix from the command line. */
struct engine_config;
void cli_engine_config(const cli_opts *o, int rate, int channels, struct engine_config *c);

/* Fills prepare options from the command line: its timeline options, laid
 * out at o->tl.rate or else default_rate, decoded or not. */
struct prep_options;
void cli_prep_options(const cli_opts *o, int default_rate, int decode, struct prep_options *p);

#endif
