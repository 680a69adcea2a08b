/* paths: where adem finds its shipped data and the user's files.
 *
 * Shipped data (built-in sessions, the nl voice pack) is found, first match:
 *   $ADEM_DATA_DIR; <dir of the binary>/../share/adem (an install, also when
 *   moved); the source tree's audio/ (running from the build tree); the
 *   configured install prefix.
 * The user's files: $XDG_DATA_HOME/adem (default ~/.local/share/adem) with
 * sessions/ and voices/; settings in $XDG_CONFIG_HOME/adem/config; state (the
 * practice log) in $XDG_STATE_HOME/adem. Not for the audio thread. */
#ifndef ADEM_PATHS_H
#define ADEM_PATHS_H

#include <stddef.h>

/* The shipped data folder (containing sessions/ and voices/), or NULL when
 * none is found. The string is static. */
const char *paths_data_dir(void);

/* The user's data folder ($XDG_DATA_HOME/adem), or NULL when neither
 * XDG_DATA_HOME nor HOME is set. Static string. */
const char *paths_user_dir(void);

/* The user's config file ($XDG_CONFIG_HOME/adem/config), or NULL. Static. */
const char *paths_config_file(void);

/* The user's state folder ($XDG_STATE_HOME/adem), or NULL. Static. */
const char *paths_state_dir(void);

/* Writes a + separator + b into buf. Returns 0, or -1 when it does not fit. */
int paths_join(char *buf, size_t n, const char *a, const char *b);

/* Writes the folder part of path into buf ("." when there is none). */
void paths_dirname(const char *path, char *buf, size_t n);

/* 1 if path is absolute on this system. */
int paths_is_absolute(const char *path);

#endif
