/* cli: adem's command line (see cli.h and design/cli.md). */
#include "app/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/module.h"
#include "app/web.h"
#include "base/dupstr.h"
#include "dev/devmod.h"
#include "io/config.h"
#include "rt/engine.h"
#include "io/paths.h"
#include "io/prepare.h"
#include "lang/units.h"
#include "app/stdout_check.h"
#include "sys/signals.h"

#ifndef ADEM_VERSION
#define ADEM_VERSION "0.0.0"
#endif

/* Which commands take an option (bit flags). */
enum {
    C_PLAY = 1 << 0,
    C_RENDER = 1 << 1,
    C_SHOW = 1 << 2,
    C_CHECK = 1 << 3,
    C_LIST = 1 << 4,
    C_DEVICES = 1 << 5,
    C_VOICES = 1 << 6,
    C_RECORD = 1 << 7,
    C_LOG = 1 << 8,
    C_CTL = 1 << 9,
    C_SHARED = C_PLAY | C_RENDER | C_SHOW
};

typedef enum opt_id {
    O_SET = 1, O_VOICE, O_RATE, O_VOLUME, O_VOICE_LEVEL, O_TONE_LEVEL, O_BED_LEVEL, O_GAP, O_TEMPO,
    O_MONO, O_MAX_LEVEL, O_OUTPUT, O_FORMAT, O_JSON, O_SVG, O_DEVICE, O_LATENCY, O_CHANNELS,
    O_COUNTDOWN, O_NO_UI, O_SCRIPT, O_PLAYER, O_PIPE, O_VERBOSE, O_WEB, O_HELP
} opt_id;

typedef struct opt_def {
    const char *name;  /* long name with "--" */
    const char *alias; /* short form, or NULL */
    opt_id id;
    int takes_value;
    unsigned commands;
} opt_def;

static const opt_def options[] = {
    {"--set", NULL, O_SET, 1, C_SHARED | C_CHECK},
    {"--voice", NULL, O_VOICE, 1, C_SHARED | C_CHECK},
    {"--rate", NULL, O_RATE, 1, C_SHARED | C_RECORD},
    {"--volume", NULL, O_VOLUME, 1, C_PLAY | C_RENDER},
    {"--voice-level", NULL, O_VOICE_LEVEL, 1, C_PLAY | C_RENDER},
    {"--tone-level", NULL, O_TONE_LEVEL, 1, C_PLAY | C_RENDER},
    {"--bed-level", NULL, O_BED_LEVEL, 1, C_PLAY | C_RENDER},
    {"--gap", NULL, O_GAP, 1, C_SHARED},
    {"--tempo", NULL, O_TEMPO, 1, C_SHARED | C_CHECK},
    {"--mono", NULL, O_MONO, 0, C_PLAY | C_RENDER},
    {"--max-level", NULL, O_MAX_LEVEL, 1, C_PLAY | C_RENDER},
    {"--output", "-o", O_OUTPUT, 1, C_RENDER},
    {"--format", NULL, O_FORMAT, 1, C_RENDER | C_PLAY},
    {"--json", NULL, O_JSON, 0, C_SHOW | C_CTL},
    {"--svg", NULL, O_SVG, 1, C_SHOW},
    {"--device", NULL, O_DEVICE, 1, C_PLAY | C_RECORD},
    {"--latency", NULL, O_LATENCY, 1, C_PLAY | C_RECORD},
    {"--channels", NULL, O_CHANNELS, 1, C_PLAY},
    {"--countdown", NULL, O_COUNTDOWN, 1, C_PLAY},
    {"--no-ui", NULL, O_NO_UI, 0, C_PLAY},
    {"--script", NULL, O_SCRIPT, 1, C_PLAY | C_RECORD},
    {"--player", NULL, O_PLAYER, 1, C_CTL},
    {"--pipe", NULL, O_PIPE, 1, C_PLAY},
    {"--verbose", NULL, O_VERBOSE, 0, C_PLAY},
    {"--web", NULL, O_WEB, 1, C_PLAY},
    {"--help", "-h", O_HELP, 0, ~0u},
};

typedef struct command_def {
    const char *name;
    unsigned bit;
    int (*run)(const cli_opts *o);
    const char *usage;
    const char *help;
} command_def;

static const command_def commands[] = {
    {"play", C_PLAY, cmd_play, "adem play [OPTIONS] [SESSION...]",
     "Plays sessions in order on an output device, with a live display and keys.\n"
     "With no SESSION it plays 478, the 4-7-8 breathing session.\n"
     "\n"
     "Keys (on a terminal; anything else does nothing, a lone Esc included):\n"
     "  space               pause or resume, with a short fade\n"
     "  n or Right          on to the next phase, chapter or session start\n"
     "  b or Left           back to the start of this phase (again within 2 s: the\n"
     "                      one before)\n"
     "  + - or Up Down      volume up or down by 2 dB\n"
     "  m                   mute or unmute\n"
     "  ? or h              the keys on screen\n"
     "  q                   stop with a fade (exit status 130)\n"
     "Ctrl-C, SIGTERM or SIGHUP stop with a fade too, a second one at once; the\n"
     "terminal is always restored and the practice log written. Ctrl-Z pauses and\n"
     "gives the terminal back; after fg it stays paused until you press space.\n"
     "\n"
     "Device options:\n"
     "  --device N|NAME     output device by index or part of its name (see adem devices);\n"
     "                      without it: a running JACK server, directly, else a\n"
     "                      running PipeWire server, directly, else the system's\n"
     "                      default device\n"
     "  --latency MS        requested output latency in milliseconds\n"
     "  --channels N        output channels; the mix goes to all of them (room speakers)\n"
     "  --countdown DUR     soft ticks and a countdown before the start (group classes)\n"
     "  --no-ui             no live display and no keys (implied when stdout is not a\n"
     "                      terminal): one plain line per session start, chapter and\n"
     "                      phase, as it happens, for cron and scripts\n"
     "  --verbose           say on stderr where adem plays, at what rate and why\n"
     "\n"
     "The rate (without --rate) is 48000 Hz, the voice pack's, when the device takes\n"
     "it, else the device's default (adem devices shows both).\n"
     "\n"
     "Pipe options (several rooms, e.g. through Snapcast):\n"
     "  --pipe FIFO         instead of a device, raw PCM into FIFO (e.g. snapserver's\n"
     "                      pipe source), paced by its reader; keys, display and\n"
     "                      adem ctl as on a device; waits for a reader; a regular\n"
     "                      file is refused (use adem render)\n"
     "  --format s16|f32    the pipe's samples: 16-bit (default) or 32-bit float,\n"
     "                      little-endian, interleaved; 48000 Hz and 2 channels unless\n"
     "                      --rate and --channels say otherwise\n"
     "  --web [ADDR:]PORT   a page for the room: the breathing guide for a projector and\n"
     "                      a remote for a phone (127.0.0.1 unless ADDR is given, e.g.\n"
     "                      0.0.0.0:8080; port 0 takes any free port); the links are\n"
     "                      printed when it starts\n"},
    {"render", C_RENDER, cmd_render, "adem render [OPTIONS] SESSION... -o FILE",
     "Writes the same audio that play would, to FILE: .wav, .flac or .ogg by its\n"
     "extension. -o - writes raw interleaved little-endian PCM to stdout.\n"
     "The file is written beside FILE under a temporary name and renamed when\n"
     "complete: a failed render leaves nothing behind.\n"
     "\n"
     "Render options:\n"
     "  -o, --output FILE   the file to write (required); - for stdout\n"
     "  --format s16|f32    sample format: 16-bit (default) or 32-bit float\n"
     "                      (.wav and raw; .flac is 16-bit, .ogg is Vorbis)\n"},
    {"check", C_CHECK, cmd_check, "adem check [--voice PACK] [--set NAME=VALUE] [--tempo FACTOR] FILE...",
     "Validates session files, and that their voice cues exist and decode.\n"
     "Prints nothing when every file is valid; otherwise every mistake it finds in\n"
     "one run, one line each, as FILE:LINE:COL: what is wrong; what to do (at most\n"
     "20 per file, then how many more). Exit status 2 when any is invalid.\n"
     "Warnings (exit status 0) start with \"adem: warning:\": a voice cue that is\n"
     "still speaking when the next cue starts, a label longer than the live\n"
     "display shows. --set, --voice and --tempo check the session as played so.\n"},
    {"show", C_SHOW, cmd_show, "adem show [OPTIONS] SESSION",
     "Prints the timeline: start time, step, cue and tone of every step, then the\n"
     "total length.\n"
     "\n"
     "Show options:\n"
     "  --json              the compiled timeline as JSON, for other tools\n"
     "  --svg FILE          a picture of the session instead, as an SVG file (for\n"
     "                      print on A4 landscape or a projector; - for stdout):\n"
     "                      phases, tone, spoken words, bells, pulse, bed, marks\n"},
    {"list", C_LIST, cmd_list, "adem list",
     "Lists the built-in sessions and your own ($XDG_DATA_HOME/adem/sessions), with\n"
     "title, length and description. Your own session with a built-in's name\n"
     "replaces the built-in; the list marks it.\n"},
    {"voices", C_VOICES, cmd_voices, "adem voices [PACK]",
     "Lists the voice packs: the shipped ones and your own\n"
     "($XDG_DATA_HOME/adem/voices/NAME), with their number of cues and the cues of\n"
     "the built-in sessions each lacks. A pack's missing cues are spoken from nl;\n"
     "your own recordings in $XDG_DATA_HOME/adem/voices/nl replace the shipped ones\n"
     "cue by cue.\n"
     "With PACK (a pack name such as nl, or a pack's folder): every cue ID of that\n"
     "pack with its words from transcript.tsv, to choose cues for `speak` and\n"
     "`cue=` when you write a session.\n"},
    {"record", C_RECORD, cmd_record, "adem record [OPTIONS] PACKDIR [ID...]",
     "Records a voice pack in your own voice, cue by cue, from PACKDIR/transcript.tsv\n"
     "(a new folder starts with a copy of the nl pack's; edit the words as you like).\n"
     "PACKDIR is a folder (./mijnstem) or a pack name (mijnstem: in\n"
     "$XDG_DATA_HOME/adem/voices). For each cue: its text, a 3-2-1 count-in, then\n"
     "speak and press enter. Each take is trimmed, set to -20 LUFS (peaks under\n"
     "-1 dBTP), faded and shown with its measurements; a take that clipped or is\n"
     "almost silent is flagged. Keys: enter keep, r again, p play back, s skip,\n"
     "q stop. Only a take you keep is written, as PACKDIR/ID.ogg; the next run\n"
     "goes on at the first cue without a recording. With IDs, records exactly\n"
     "those cues (a retake replaces a cue only when you keep it). A take lasts at\n"
     "most 60 s. Then: adem play 478 --voice PACKDIR.\n"
     "\n"
     "Record options:\n"
     "  --device N|NAME     input device (microphone) by index or part of its name\n"
     "  --latency MS        requested input latency in milliseconds\n"
     "  --rate HZ           recording sample rate (default: the device's; the cues\n"
     "                      are stored at 48000 Hz)\n"
     "  --script FILE       for tests: keys from FILE, lines \"SECONDS KEY\" (enter,\n"
     "                      r, p, s, q), each SECONDS after adem starts waiting\n"
     "                      (while recording: seconds of recorded sound)\n"},
    {"log", C_LOG, cmd_log, "adem log",
     "Prints your practice: per session how often you played it, for how many\n"
     "minutes, how often to the end; and the minutes per week. adem adds one line\n"
     "to $XDG_STATE_HOME/adem/log.tsv (default ~/.local/state/adem) after each\n"
     "session you play (never for render): when, session, title, planned and\n"
     "played seconds, finished or stopped. Turn it off with `log = off` in\n"
     "$XDG_CONFIG_HOME/adem/config; delete the file to start afresh.\n"},
    {"ctl", C_CTL, cmd_ctl, "adem ctl [--player PID] COMMAND",
     "Controls a running adem play from another terminal, a script or a shortcut:\n"
     "  status [--json]     what is playing: session, chapter, phase, position,\n"
     "                      length, paused, volume (--json: one JSON object)\n"
     "  pause, resume, toggle, next, prev, stop, mute, continue (a hold),\n"
     "  volume +N|-N (dB)\n"
     "The player listens on a private socket, $XDG_RUNTIME_DIR/adem/PID.sock (only\n"
     "you can reach it); the protocol is one line per command and one reply line,\n"
     "so `socat - UNIX-CONNECT:PATH` works too (see man adem). With several players\n"
     "running, choose one with --player PID. Exit status 1 when no player runs.\n"
     "\n"
     "Ctl options:\n"
     "  --player PID        the player to control (when several run)\n"
     "  --json              status as one JSON object\n"},
    {"devices", C_DEVICES, cmd_devices, "adem devices",
     "Lists the output devices: index, host API, name, output channels, default\n"
     "sample rate, and the rate adem plays at there without --rate (play at: 48000,\n"
     "the voice pack's rate, when the device takes it, else its default); the\n"
     "default device is marked with *.\n"},
};

static const char shared_help[] =
    "Session options (play, render, show):\n"
    "  --set NAME=VALUE    override a session parameter (repeatable), e.g.\n"
    "                      --set cycles=6; a bare number for a duration takes the\n"
    "                      unit of its default (minutes=10 when the default is 5m)\n"
    "  --voice PACK|DIR    voice pack by name or folder (default: the session's, nl)\n"
    "  --rate HZ           sample rate (default 48000; on a device that does not take\n"
    "                      it, the device's default)\n"
    "  --gap DURATION      silence between sessions given on one line, e.g. 10s\n"
    "  --tempo FACTOR      0.5 to 2.0: phases and waits last 1/FACTOR as long;\n"
    "                      spoken cues keep their length\n"
    "Mix options (play, render):\n"
    "  --volume DB         master level (default 0; the limiter keeps headroom)\n"
    "  --voice-level DB    level of the spoken cues (default 0)\n"
    "  --tone-level DB     level of tones, bells and pulses (default 0)\n"
    "  --bed-level DB      level of the noise bed (default 0)\n"
    "  --mono              fold the mix to one channel (a single speaker)\n"
    "  --max-level DB      a ceiling on the output level, e.g. -12 for headphones\n"
    "                      (default -1 dBFS)\n";

/* Prints the general help to f. */
static void usage(FILE *f)
{
    fprintf(f, "adem %s: guided breathing and relaxation sessions\n\n", ADEM_VERSION);
    fprintf(f, "Usage:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "  adem --help | adem COMMAND --help | adem --version\n\n");
    fprintf(f, "SESSION is a built-in name (478, rustig, schudden, ...; see adem list), the\n"
               "name of your own session in $XDG_DATA_HOME/adem/sessions, a path to a .adem\n"
               "file, or an .m3u playlist of those.\n\n");
    fputs(shared_help, f);
    fprintf(f, "\nDefaults for these and the device options can be set in\n"
               "$XDG_CONFIG_HOME/adem/config (~/.config/adem/config): see man adem.\n");
    fprintf(f, "\nExit status: 0 done; 1 runtime failure (no device, device lost, disk full);\n"
               "2 bad usage or invalid input; 130 stopped by the listener.\n");
}

/* Prints one command's help to stdout. */
static void command_help(const command_def *c)
{
    printf("Usage: %s\n\n%s", c->usage, c->help);
    if (c->bit & C_SHARED) {
        printf("\n");
        fputs(shared_help, stdout);
    }
}

/* ---- Value parsing ------------------------------------------------------------ */

/* Prints a usage error for the current command and returns exit status 2. */
static int bad(const char *cmd, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "adem: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "; see adem %s --help\n", cmd ? cmd : "");
    return 2;
}

/* Parses a whole number within [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Applies option `d` with value v to o. Returns 0, or 2 after printing. */
static int apply(cli_opts *o, const opt_def *d, const char *v)
{
    char err[UNITS_ERR_MAX];
    const char *cmd = o->command;
    switch (d->id) {
    case O_SET: {
        const char *eq = strchr(v, '=');
        if (!eq || eq == v || !eq[1])
            return bad(cmd, "--set needs NAME=VALUE, e.g. --set cycles=6 (got '%s')%s", v, "");
        /* the list is the command line's: tl_options only reads it */
        tl_override *n = realloc((void *)o->tl.sets, (size_t)(o->tl.nsets + 1) * sizeof *n);
        if (!n)
            return bad(cmd, "out of memory%s%s", "", "");
        o->tl.sets = n;
        size_t len = (size_t)(eq - v);
        char *name = dupstr_n(v, len);
        if (!name)
            return bad(cmd, "out of memory%s%s", "", "");
        n[o->tl.nsets].name = name;
        n[o->tl.nsets].value = eq + 1;
        n[o->tl.nsets].from = "--set"; /* messages: "--set NAME=VALUE: ..." */
        o->tl.nsets++;
        return 0;
    }
    case O_VOICE:
        if (!v[0])
            return bad(cmd, "--voice needs a voice pack's name or folder, e.g. --voice nl (got "
                            "an empty one)%s%s", "", "");
        o->tl.voice = v;
        return 0;
    case O_RATE:
        return tl_options_set_rate(&o->tl, v, err) ? bad(cmd, "--rate %s: %s", v, err) : 0;
    case O_VOLUME:
        return units_parse_db(v, -60, 12, &o->volume_db)
                   ? bad(cmd, "--volume %s is not a level from -60 to +12 dB%s", v, "")
                   : 0;
    case O_VOICE_LEVEL:
    case O_TONE_LEVEL:
    case O_BED_LEVEL: {
        double *t = d->id == O_VOICE_LEVEL ? &o->voice_db : d->id == O_TONE_LEVEL ? &o->tone_db : &o->bed_db;
        return units_parse_db(v, -60, 12, t)
                   ? bad(cmd, "%s %s is not a level from -60 to +12 dB", d->name, v)
                   : 0;
    }
    case O_MAX_LEVEL:
        return units_parse_db(v, -60, 0, &o->max_level_db)
                   ? bad(cmd, "--max-level %s is not a level from -60 to 0 dB%s", v, "")
                   : 0;
    case O_GAP:
        return tl_options_set_gap(&o->tl, v, err) ? bad(cmd, "--gap %s: %s", v, err) : 0;
    case O_TEMPO:
        return tl_options_set_tempo(&o->tl, v, err) ? bad(cmd, "--tempo %s: %s", v, err) : 0;
    case O_MONO:
        o->mono = 1;
        return 0;
    case O_OUTPUT:
        o->output = v;
        return 0;
    case O_FORMAT:
        return out_file_parse_format(v, &o->format)
                   ? bad(cmd, "--format %s: use s16 (16-bit) or f32 (32-bit float)%s", v, "")
                   : 0;
    case O_JSON:
        o->json = 1;
        return 0;
    case O_SVG:
        o->svg = v;
        return 0;
    case O_DEVICE:
        o->device = v;
        return 0;
    case O_LATENCY:
        return parse_int(v, 1, 2000, &o->latency_ms)
                   ? bad(cmd, "--latency %s is not a latency from 1 to 2000 ms%s", v, "")
                   : 0;
    case O_CHANNELS:
        return parse_int(v, 1, 8, &o->channels)
                   ? bad(cmd, "--channels %s is not a channel count from 1 to 8%s", v, "")
                   : 0;
    case O_COUNTDOWN:
        return tl_options_set_countdown(&o->tl, v, err) ? bad(cmd, "--countdown %s: %s", v, err)
                                                        : 0;
    case O_NO_UI:
        o->no_ui = 1;
        return 0;
    case O_PLAYER: {
        char *end;
        long pid = strtol(v, &end, 10);
        if (pid <= 0 || *end)
            return bad(cmd, "--player needs the PID of a running player (got '%s')%s", v, "");
        o->player_pid = pid;
        return 0;
    }
    case O_SCRIPT:
        o->script = v;
        return 0;
    case O_PIPE:
        o->pipe = v;
        return 0;
    case O_VERBOSE:
        o->verbose = 1;
        return 0;
    case O_WEB: {
        char addr[64], werr[256];
        int port;
        if (web_parse_listen(v, addr, sizeof addr, &port, werr, sizeof werr) != 0)
            return bad(cmd, "%s%s", werr, "");
        o->web = v;
        return 0;
    }
    case O_HELP:
        return 0;
    }
    return 0;
}

static FILE *err_stream;

void cli_set_err(FILE *f)
{
    err_stream = f;
}

int cli_report(const adem_diag *d)
{
    diag_print(d, err_stream ? err_stream : stderr);
    return d->status ? d->status : ADEM_EXIT_INPUT;
}

void cli_engine_config(const cli_opts *o, int rate, int channels, engine_config *c)
{
    engine_config_init(c);
    c->rate = rate;
    c->channels = channels;
    c->mono = o->mono;
    c->volume_db = o->volume_db;
    c->voice_db = o->voice_db;
    c->tone_db = o->tone_db;
    c->bed_db = o->bed_db;
    c->ceiling_db = o->max_level_db;
}

void cli_prep_options(const cli_opts *o, int default_rate, int decode, struct prep_options *p)
{
    memset(p, 0, sizeof *p);
    p->tl = &o->tl;
    p->default_rate = default_rate;
    p->decode = decode;
}

/* Reads the user's config file (config.h) into cfg and sets the options it
 * gives in o, as defaults that the command line then overrides. Returns 0, or
 * -1 with d set when the file is invalid (nothing is set then). */
static int load_config(cli_opts *o, adem_config *cfg, adem_diag *d)
{
    config_init(cfg);
    const char *path = paths_config_file();
    if (!path)
        return 0;
    if (config_load(cfg, path, d) != 0)
        return -1;
    if ((cfg->set & CONFIG_DEVICE) && strcmp(o->command, "record") != 0)
        o->device = cfg->device; /* an output device: record's --device is the microphone */
    if (cfg->set & CONFIG_VOICE)
        o->tl.voice = cfg->voice;
    if (cfg->set & CONFIG_VOLUME)
        o->volume_db = cfg->volume_db;
    if (cfg->set & CONFIG_VOICE_LEVEL)
        o->voice_db = cfg->voice_db;
    if (cfg->set & CONFIG_TONE_LEVEL)
        o->tone_db = cfg->tone_db;
    if (cfg->set & CONFIG_BED_LEVEL)
        o->bed_db = cfg->bed_db;
    if (cfg->set & CONFIG_MAX_LEVEL)
        o->max_level_db = cfg->max_level_db;
    if ((cfg->set & CONFIG_LATENCY) && strcmp(o->command, "record") != 0)
        o->latency_ms = cfg->latency_ms; /* output latency, as device */
    if (cfg->set & CONFIG_CHANNELS)
        o->channels = cfg->channels;
    if ((cfg->set & CONFIG_COUNTDOWN) && strcmp(o->command, "play") == 0)
        o->tl.countdown_ms = cfg->countdown_ms; /* a lead-in for play only */
    if (cfg->set & CONFIG_LOG)
        o->log_off = !cfg->log;
    return 0;
}

/* Frees what parsing allocated. */
static void opts_free(cli_opts *o)
{
    for (int i = 0; i < o->tl.nsets; i++)
        free((char *)o->tl.sets[i].name);
    free((void *)o->tl.sets);
    free(o->args);
}

static int run(int argc, char **argv);

int cli_main(int argc, char **argv)
{
    /* a reader that goes away (`adem list | head -1`): a failed write,
     * reported, not a silent death by SIGPIPE */
    signals_ignore_pipe(1);
    /* the device layer finds PortAudio and the JACK client as adem's modules */
    devmod_set_loader(module_load);
    /* every command, --help and --version: what went to stdout arrived */
    return stdout_check(run(argc, argv));
}

/* Parses argv and runs the command (see cli_main). */
static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 || strcmp(first, "help") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    command_help(&commands[i]);
                    return 0;
                }
        }
        usage(stdout);
        return 0;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
        printf("adem %s\n", ADEM_VERSION);
        return 0;
    }
    const command_def *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(first, commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        if (first[0] == '-')
            fprintf(stderr, "adem: unknown option '%s' before the command; see adem --help\n", first);
        else
            fprintf(stderr,
                    "adem: unknown command '%s'; the commands are play, render, check, show, list, "
                    "voices, record, log, ctl, devices (see adem --help)\n",
                    first);
        return 2;
    }

    cli_opts o;
    memset(&o, 0, sizeof o);
    o.command = cmd->name;
    o.max_level_db = -1.0;
    tl_options_init(&o.tl);
    /* The config file's settings first, so the command line wins; its errors
     * are reported after the command line's (and not at all for --help). */
    adem_config cfg;
    adem_diag cfg_err;
    diag_clear(&cfg_err);
    int cfg_bad = load_config(&o, &cfg, &cfg_err) != 0;
    o.args = calloc((size_t)argc, sizeof *o.args);
    if (!o.args)
        return 1;
    int rc = 0, only_args = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        /* `ctl volume -3`: a negative step is an argument, not an option */
        int step = cmd->bit == C_CTL && a[0] == '-' && a[1] >= '0' && a[1] <= '9';
        if (only_args || a[0] != '-' || strcmp(a, "-") == 0 || step) {
            o.args[o.nargs++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const opt_def *d = NULL;
        for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
            if ((strlen(options[k].name) == len && strncmp(options[k].name, a, len) == 0) ||
                (options[k].alias && strlen(options[k].alias) == len &&
                 strncmp(options[k].alias, a, len) == 0))
                d = &options[k];
        if (!d || !(d->commands & cmd->bit)) {
            if (d)
                rc = bad(cmd->name, "adem %s does not take %s", cmd->name, a);
            else
                rc = bad(cmd->name, "unknown option '%s' for adem %s", a, cmd->name);
            break;
        }
        if (d->id == O_HELP) {
            command_help(cmd);
            opts_free(&o);
            return 0;
        }
        const char *v = NULL;
        if (d->takes_value) {
            if (eq)
                v = eq + 1;
            else if (i + 1 < argc)
                v = argv[++i];
            else {
                rc = bad(cmd->name, "%s needs a value%s", d->name, "");
                break;
            }
        } else if (eq) {
            rc = bad(cmd->name, "%s takes no value%s", d->name, "");
            break;
        }
        rc = apply(&o, d, v);
    }
    if (rc == 0 && cfg_bad)
        rc = cli_report(&cfg_err);
    if (rc == 0)
        rc = cmd->run(&o);
    opts_free(&o);
    return rc;
}
