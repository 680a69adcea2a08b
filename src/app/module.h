/* module: adem's own loadable modules, for the parts that need a large
 * library only some runs use: adem-web (the page for the room, with
 * libmicrohttpd and libqrencode) and adem-mpris (MPRIS2 with libsystemd).
 * The adem binary does not link those libraries: a render or a plain `play`
 * never loads them (nor what they pull in: GnuTLS and more). A module is
 * looked for, first match:
 *   <dir of the binary>/adem-NAME.so                  (the build tree)
 *   <dir of the binary>/../<libdir>/adem/adem-NAME.so (an install, also
 *                                                      when moved)
 * (.dll/.so/...: the system's suffix for modules). Each module exports one
 * table of function pointers (web_module.h, mpris_module.h) whose first
 * field is its version. Control thread only. */
#ifndef ADEM_MODULE_H
#define ADEM_MODULE_H

#include <stddef.h>

/* Marks a module's table as exported (the module's other symbols are
 * hidden). */
#if defined(_WIN32)
#define MODULE_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define MODULE_EXPORT __attribute__((visibility("default")))
#else
#define MODULE_EXPORT
#endif

/* Loads module adem-NAME and returns the address of its exported symbol,
 * or NULL with why set to one line: where it was looked for, or why the
 * system did not load it (e.g. a library it needs is missing). The module
 * stays loaded. */
const void *module_load(const char *name, const char *symbol, char *why, size_t whyn);

#endif
