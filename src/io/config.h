/* config: the user's settings file, $XDG_CONFIG_HOME/adem/config (default
 * ~/.config/adem/config). Defaults for the command line: an option given on
 * the command line wins over the file.
 *
 * The format: one `key = value` per line; `#` starts a comment that runs to
 * the end of the line (outside a quoted value); blank lines are ignored;
 * spaces around the key and the value do not count. A value may be written
 * in double quotes (to keep spaces or a `#`), with \" and \\ inside. The keys
 * and their values (the same as the options of the same name):
 *   device        N or (part of) a name, as --device of play (the command
 *                 line applies it and latency to play only, not to record)
 *   voice         a pack name, or a folder: an absolute path, ~/..., or a
 *                 path relative to the config file's folder
 *   volume, voice-level, tone-level, bed-level   -60..+12 dB ("-6" or "-6dB")
 *   max-level     -60..0 dB
 *   latency       1..2000 (milliseconds)
 *   channels      1..8
 *   countdown     a duration up to 10m ("10s")
 *   log           on | off (the practice log)
 * Anything else (an unknown key, a key given twice, a value out of range, a
 * line without `=`) is an error at the file's LINE:COL, so that no setting is
 * silently ignored. A missing file is no error: every setting is then unset.
 * Not for the audio thread; reads the file with stdio. */
#ifndef ADEM_CONFIG_H
#define ADEM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"

enum { CONFIG_DEVICE_MAX = 256, CONFIG_PATH_MAX = 4096, CONFIG_FILE_MAX = 65536 };

/* Which settings the file gave (bits of adem_config.set). */
enum {
    CONFIG_DEVICE = 1 << 0,
    CONFIG_VOICE = 1 << 1,
    CONFIG_VOLUME = 1 << 2,
    CONFIG_VOICE_LEVEL = 1 << 3,
    CONFIG_TONE_LEVEL = 1 << 4,
    CONFIG_BED_LEVEL = 1 << 5,
    CONFIG_MAX_LEVEL = 1 << 6,
    CONFIG_LATENCY = 1 << 7,
    CONFIG_CHANNELS = 1 << 8,
    CONFIG_COUNTDOWN = 1 << 9,
    CONFIG_LOG = 1 << 10
};

/* The settings; a field is meaningful only when its bit is in `set`. */
typedef struct adem_config {
    unsigned set;
    char device[CONFIG_DEVICE_MAX];
    char voice[CONFIG_PATH_MAX]; /* a pack name, or an absolute folder */
    double volume_db, voice_db, tone_db, bed_db, max_level_db;
    int latency_ms;
    int channels;
    int64_t countdown_ms;
    int log; /* 1 on, 0 off */
} adem_config;

/* Sets every setting to unset. */
void config_init(adem_config *c);

/* Reads the config file at path into c (after config_init). A missing file
 * leaves c empty and returns 0. Returns 0, or -1 with d set (status 2) at
 * path:LINE:COL, or with no position when the file cannot be read. */
int config_load(adem_config *c, const char *path, adem_diag *d);

/* Parses config text (len bytes, need not be NUL-terminated) as if read from
 * the file `path` (used in messages and for relative voice folders) into c
 * (after config_init). HOME is read for a voice folder starting with ~/.
 * Returns 0, or -1 with d set at path:LINE:COL. */
int config_parse(adem_config *c, const char *text, size_t len, const char *path, adem_diag *d);

#endif
