/* devmod: where the device layer finds its backends' tables — PortAudio's
 * (pa_module.h), adem's own JACK client's and its own PipeWire stream's
 * (server_module.h). Built with device modules
 * (ADEM_DEV_MODULES), each backend is a module of adem's own
 * (adem-portaudio, adem-jack, adem-pipewire) that is loaded at its first
 * use, so a command that plays to no device loads none of PortAudio,
 * libjack and libpipewire; built without,
 * the tables are linked in. The program says once, at its start, how modules
 * are loaded (devmod_set_loader: the app layer finds them); the device layer
 * does not know where they are. Not thread-safe: the callers take turns
 * (out_device's starter thread is joined before the control thread goes
 * on). */
#ifndef ADEM_DEVMOD_H
#define ADEM_DEVMOD_H

#include <stddef.h>

#include "base/diag.h"
#include "dev/pa_module.h"
#include "dev/server_module.h"

/* Marks a backend's table as the module's one exported symbol (the others
 * are hidden). */
#if defined(_WIN32)
#define DEVMOD_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define DEVMOD_EXPORT __attribute__((visibility("default")))
#else
#define DEVMOD_EXPORT
#endif

/* Loads module adem-NAME and returns its exported symbol, or NULL with why
 * set to one line (app/module.h's module_load). */
typedef const void *(*devmod_loader)(const char *name, const char *symbol, char *why,
                                     size_t whyn);

/* Sets how modules are loaded; before any device is used. */
void devmod_set_loader(devmod_loader load);

/* PortAudio's table, loading the module at the first call; NULL with d set
 * (status 1; d may be NULL) when it does not load (a library it needs is missing, or a
 * module of another version). */
const pa_module *devmod_portaudio(adem_diag *d);

/* The tables of the servers adem can talk to directly, in the order to try
 * them: JACK's, then PipeWire's; each loaded at the first call, and left out
 * when adem is built without it or it does not load (libjack or libpipewire
 * missing): play then goes on with the next, then PortAudio, silently.
 * Fills out (room for DEVMOD_SERVERS) and returns how many. */
enum { DEVMOD_SERVERS = 2 };
int devmod_servers(const server_module **out);

#endif
