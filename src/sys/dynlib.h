/* dynlib: loading a shared library (a module of adem's own) at run time.
 * One implementation per system: dynlib_posix.c (dlopen) and dynlib_win.c
 * (LoadLibrary). A library once opened stays loaded until the process ends
 * (there is no close: its code may still run on threads it started). */
#ifndef ADEM_DYNLIB_H
#define ADEM_DYNLIB_H

#include <stddef.h>

typedef struct dynlib dynlib;

/* Opens the shared library at path (UTF-8), resolving all its symbols now
 * and keeping them to itself. Returns it, or NULL with why set to the
 * system's reason (a missing file, a missing library it needs, ...). */
dynlib *dynlib_open(const char *path, char *why, size_t whyn);

/* The address of the exported data or function symbol in lib, or NULL with
 * why set. */
void *dynlib_symbol(dynlib *lib, const char *symbol, char *why, size_t whyn);

#endif
