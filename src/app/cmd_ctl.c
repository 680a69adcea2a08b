/* cmd_ctl: `adem ctl COMMAND` — controls a running player through its
 * private socket (app/control.h has the protocol; sys/ipc.h the folder). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/control.h"
#include "lang/units.h"
#include "sys/ipc.h"
#include "sys/platform.h"

/* How long a reply may take: the player answers within one poll (50 ms). */
enum { REPLY_MS = 3000, MAX_PLAYERS = 64 };

typedef struct found {
    long pid[MAX_PLAYERS];
    int n;
} found;

/* platform_list_dir callback: notes PID.sock files of running players (and
 * removes the socket files that players which died left behind). */
static int note_player(const char *name, void *ctx)
{
    found *f = ctx;
    char *end;
    long pid = strtol(name, &end, 10);
    if (pid <= 0 || strcmp(end, ".sock") != 0 || f->n == MAX_PLAYERS)
        return 0;
    f->pid[f->n++] = pid;
    return 0;
}

/* Finds the players in dir: running ones in f (stale files removed). */
static void find_players(const char *dir, found *f)
{
    found all = {{0}, 0};
    f->n = 0;
    platform_list_dir(dir, note_player, &all);
    for (int i = 0; i < all.n; i++) {
        if (ipc_pid_alive(all.pid[i])) {
            f->pid[f->n++] = all.pid[i];
            continue;
        }
        char path[IPC_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%ld.sock", dir, all.pid[i]);
        remove(path);
    }
}

/* The number after "key": in the JSON object js, or def. */
static double json_number(const char *js, const char *key, double def)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *p = strstr(js, k);
    return p ? strtod(p + strlen(k), NULL) : def;
}

/* The string after "key": in js, unescaped into buf (""), for display. */
static void json_text(const char *js, const char *key, char *buf, size_t n)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": \"", key);
    const char *p = strstr(js, k);
    size_t len = 0;
    if (p)
        for (p += strlen(k); *p && *p != '"' && len + 1 < n; p++) {
            if (*p == '\\' && p[1])
                p++;
            buf[len++] = *p;
        }
    buf[len] = '\0';
}

/* Prints a status reply as one line for a person: title, phase, where, state. */
static void print_status(const char *js)
{
    char title[256], phase[256], chapter[256], at[32], len[32];
    json_text(js, "session", title, sizeof title);
    json_text(js, "phase", phase, sizeof phase);
    json_text(js, "chapter", chapter, sizeof chapter);
    /* whole seconds: the position ticks by */
    units_format_clock((int64_t)json_number(js, "position", 0) * 1000, at, sizeof at);
    units_format_clock((int64_t)json_number(js, "length", 0) * 1000, len, sizeof len);
    printf("%s", title[0] ? title : "adem");
    if (chapter[0])
        printf(" · %s", chapter);
    if (phase[0])
        printf(" · %s", phase);
    printf(" · %s van %s · %s · %.1f dB\n", at, len,
           strstr(js, "\"paused\": true") ? "gepauzeerd" : "speelt",
           json_number(js, "volume_db", 0));
}

int cmd_ctl(const cli_opts *o)
{
    if (o->nargs < 1)
        return fprintf(stderr, "adem: ctl needs a command: %s; see adem ctl --help\n",
                       "status, pause, resume, toggle, next, prev, stop, volume +N|-N, mute, continue"),
               2;
    char line[CONTROL_LINE_MAX], err[200];
    int n = snprintf(line, sizeof line, "%s%s%s", o->args[0], o->nargs > 1 ? " " : "",
                     o->nargs > 1 ? o->args[1] : "");
    control_req r;
    if (o->nargs > 2 || n < 0 || (size_t)n >= sizeof line ||
        control_parse(line, &r, err, sizeof err) != 0) {
        if (o->nargs > 2)
            snprintf(err, sizeof err, "too many words after '%s'", o->args[0]);
        fprintf(stderr, "adem: ctl: %s; see adem ctl --help\n", err);
        return 2;
    }
    if (o->json && r.kind != CONTROL_STATUS) {
        fprintf(stderr, "adem: ctl: --json goes with status only\n");
        return 2;
    }
    char dir[IPC_PATH_MAX], why[256];
    if (ipc_dir(dir, sizeof dir, why, sizeof why) != 0) {
        fprintf(stderr, "adem: ctl: %s\n", why);
        return 1;
    }
    found f;
    find_players(dir, &f);
    long pid = o->player_pid;
    if (pid > 0) {
        int there = 0;
        for (int i = 0; i < f.n; i++)
            there |= f.pid[i] == pid;
        if (!there) {
            fprintf(stderr, "adem: no adem player with PID %ld is running here\n", pid);
            return 1;
        }
    } else if (f.n == 0) {
        fprintf(stderr, "adem: no adem player is running; start one with adem play\n");
        return 1;
    } else if (f.n > 1) {
        char pids[512] = "";
        size_t len = 0;
        for (int i = 0; i < f.n && len + 24 < sizeof pids; i++)
            len += (size_t)snprintf(pids + len, sizeof pids - len, "%s%ld", i ? ", " : "", f.pid[i]);
        fprintf(stderr, "adem: %d players are running (PIDs %s); choose one with --player PID\n",
                f.n, pids);
        return 2;
    } else {
        pid = f.pid[0];
    }
    char path[IPC_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%ld.sock", dir, pid);
    int fd = ipc_connect(path, why, sizeof why);
    if (fd < 0) {
        fprintf(stderr, "adem: ctl: %s\n", why);
        return 1;
    }
    char reply[1024];
    size_t k = strlen(line);
    line[k] = '\n';
    long got = ipc_write(fd, line, k + 1, REPLY_MS) == 0
                   ? ipc_read_line(fd, reply, sizeof reply, REPLY_MS)
                   : -1;
    ipc_hangup(fd);
    if (got < 0) {
        fprintf(stderr, "adem: ctl: the player (PID %ld) did not answer; is it still running?\n",
                pid);
        return 1;
    }
    if (strncmp(reply, "error: ", 7) == 0) {
        fprintf(stderr, "adem: ctl: the player says: %s\n", reply + 7);
        return 1;
    }
    if (r.kind == CONTROL_STATUS) {
        if (o->json)
            printf("%s\n", reply);
        else
            print_status(reply);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "adem: cannot write to standard output\n");
        return 1;
    }
    return 0;
}
