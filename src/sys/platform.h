/* platform: the few things adem needs that standard C does not offer.
 * One implementation per system: platform_posix.c (Linux, macOS, BSD) and
 * platform_win.c (Windows). Nothing else in adem calls the OS directly. */
#ifndef ADEM_PLATFORM_H
#define ADEM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Separator used when joining paths. */
#ifdef _WIN32
#define PLATFORM_SEP '\\'
#else
#define PLATFORM_SEP '/'
#endif

/* Writes the absolute path of the running program into buf. Returns 0, or -1
 * when it cannot be told (buf is then ""). */
int platform_exe_path(char *buf, size_t n);

/* 1 if path names an existing directory / regular file (after symlinks). */
int platform_is_dir(const char *path);
int platform_is_file(const char *path);

/* Opens path for reading (mode "rb" or "r") or appending ("ab", created when
 * missing) only when it is a regular file, and never waits on the way: a FIFO,
 * a device or a socket is refused at once, not opened. Returns the stream, or
 * NULL with *why set to a short reason for a message: the system's (e.g.
 * "Permission denied") or what the path is ("it is a FIFO, not a file", "it is
 * a folder, not a file", "... a device ...", "... a socket ..."). *why points
 * to static text, valid until the next call. */
FILE *platform_fopen_file(const char *path, const char *mode, const char **why);

/* NULL when path is a regular file or nothing at all; else what it is, for a
 * message ("it is a FIFO, not a file", as platform_fopen_file's *why). */
const char *platform_not_file(const char *path);

/* The same for reading, as a file descriptor (for libraries that take one,
 * e.g. sf_open_fd). Returns it, or -1 with *why set. */
int platform_open_file(const char *path, const char **why);

/* Size in bytes of the regular file at path, or -1. */
int64_t platform_file_size(const char *path);

/* Writes the canonical absolute form of path (symlinks resolved) into buf.
 * Returns 0, or -1 when path does not exist or is too long. */
int platform_realpath(const char *path, char *buf, size_t n);

/* Renames from over to, replacing an existing `to` atomically where the
 * system can. Returns 0, or -1 with errno set. */
int platform_replace(const char *from, const char *to);

/* fseek/ftell with 64-bit offsets, so files over 2 GB work on every system
 * (long is 32 bits on Windows). platform_fseek returns 0, or -1 with errno set;
 * platform_ftell returns the position, or -1 with errno set. */
int platform_fseek(FILE *f, int64_t offset, int whence);
int64_t platform_ftell(FILE *f);

/* Creates dir and its missing parents (mode 0755). Returns 0 if it exists. */
int platform_mkdirs(const char *dir);

/* Calls fn(name, ctx) for each entry of dir (not "." or ".."), in sorted
 * order. Stops early when fn returns nonzero. Returns 0, or -1 when dir
 * cannot be read. */
int platform_list_dir(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx);

/* 1 if the file descriptor (0, 1, 2) is a terminal. */
int platform_isatty(int fd);

/* Puts stdout in binary mode (no newline translation). */
void platform_stdout_binary(void);

/* Monotonic time in nanoseconds, for pacing and benchmarks. */
uint64_t platform_now_ns(void);

/* Sleeps about ms milliseconds (control thread only). */
void platform_sleep_ms(int ms);

#endif
