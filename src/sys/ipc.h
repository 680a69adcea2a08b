/* ipc: a private local socket between a running player and `adem ctl`.
 *
 * The player listens on PID.sock in the user's private folder: $XDG_RUNTIME_DIR/adem
 * (made with mode 0700), or without XDG_RUNTIME_DIR ${TMPDIR:-/tmp}/adem-UID,
 * made 0700 and refused when another user owns it or others may enter it. The
 * socket itself is 0600, and a connection from another user is closed at once
 * (the peer's user id is checked where the system tells it).
 * Everything is non-blocking on the server side: the player polls it from its
 * control thread between other work and never waits on a client.
 * One implementation per system: ipc_posix.c (Unix domain sockets) and
 * ipc_win.c (not available: every call says so). Control thread only. */
#ifndef ADEM_IPC_H
#define ADEM_IPC_H

#include <stddef.h>

/* The longest path of a socket (sockaddr_un's sun_path is 104 to 108 bytes). */
#define IPC_PATH_MAX 104

/* Writes the private folder's path into dir (creating it, mode 0700). Returns
 * 0, or -1 with why set (one short phrase: what is wrong with the folder). */
int ipc_dir(char *dir, size_t n, char *why, size_t whyn);

typedef struct ipc_server ipc_server;

/* Listens on path (an old socket file there is replaced). Returns the server,
 * or NULL with why set. */
ipc_server *ipc_listen(const char *path, char *why, size_t whyn);

/* Accepts one waiting connection from the same user, non-blocking. Returns
 * its descriptor, or -1 when none is waiting (connections from other users
 * are closed and skipped). */
int ipc_accept(ipc_server *s);

/* Closes the server and removes its socket file. NULL is a no-op. */
void ipc_close(ipc_server *s);

/* Reads what is there, non-blocking. Returns the bytes read (> 0), 0 when
 * nothing is waiting, or -1 when the peer has gone or an error occurred. */
long ipc_read(int fd, char *buf, size_t n);

/* Writes all of buf (a short reply; waits at most about timeout_ms for a
 * slow reader). Returns 0, or -1 (then close the connection). */
int ipc_write(int fd, const char *buf, size_t n, int timeout_ms);

/* Reads one line (up to '\n', which is not stored) into buf, waiting at most
 * timeout_ms in all. Returns its length, or -1 on an error, a timeout, or a
 * line longer than n - 1 bytes. For the client. */
long ipc_read_line(int fd, char *buf, size_t n, int timeout_ms);

/* Connects to the socket at path. Returns the descriptor, or -1 with why set
 * ("no player is listening", "permission denied", ...). */
int ipc_connect(const char *path, char *why, size_t whyn);

/* Closes a connection. */
void ipc_hangup(int fd);

/* 1 if a process with this id runs (to tell a stale socket file from a
 * player's), 0 if not. */
int ipc_pid_alive(long pid);

/* This process's id. */
long ipc_self_pid(void);

#endif
