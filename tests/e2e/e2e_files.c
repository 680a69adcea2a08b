/* e2e_files: where adem expects a file, a FIFO, a folder or a device is
 * refused at once with one line that says what it is (never a hang on a FIFO
 * with no writer): here the config file and the practice log, which live in
 * the XDG folders; session files, playlists, transcripts and cues are cases of
 * tests/bad/cases.tsv. And output names at the limits: a name of 255 bytes, 252 bytes of
 * ASCII and of two-byte UTF-8 render under their own name (the temporary
 * `.NAME.XXXXXX.part` name is shortened, never the target) and leave no
 * temporary file. POSIX (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

/* How long a refusal may take: adem answers at once; a hang on a FIFO would
 * last for ever. */
#define REFUSE_MS 10000

/* What stands where a file is expected. */
typedef enum { FIFO, FOLDER, DEVICE } thing;

/* Removes whatever is at path, then puts `what` there. */
static void put(const char *path, thing what)
{
    unlink(path);
    rmdir(path);
    switch (what) {
    case FIFO:
        if (mkfifo(path, 0644) != 0)
            fail_msg("mkfifo %s: %s", path, strerror(errno));
        break;
    case FOLDER:
        if (mkdir(path, 0755) != 0)
            fail_msg("mkdir %s: %s", path, strerror(errno));
        break;
    case DEVICE:
        if (symlink("/dev/zero", path) != 0)
            fail_msg("symlink %s: %s", path, strerror(errno));
        break;
    }
}

/* Runs adem with argv; it must exit with `status` within REFUSE_MS, writing
 * nothing to stdout and exactly one line to stderr that starts "adem: " and
 * holds `fragment`. */
static void refuses(const char *const *argv, int status, const char *fragment)
{
    const char *out = e2e_pathf("out.txt"), *err = e2e_pathf("err.txt");
    pid_t pid = e2e_spawn_adem(argv, NULL, out, err);
    int st = -1;
    if (!e2e_wait(pid, REFUSE_MS, &st)) {
        e2e_stop(pid, 9, 1000);
        fail_msg("adem %s %s did not answer within %d ms (a hang on a FIFO?)", argv[1],
                 argv[2] ? argv[2] : "", REFUSE_MS);
    }
    char *o = e2e_read_text(out), *e = e2e_read_text(err);
    if (st != status || strncmp(e, "adem: ", 6) != 0 || e2e_count_lines(e) != 1 ||
        !strstr(e, fragment) || o[0] != '\0')
        fail_msg("adem %s %s: status %d (want %d), stderr: %s (want one line with '%s')", argv[1],
                 argv[2] ? argv[2] : "", st, status, e, fragment);
    free(o);
    free(e);
}

/* The config file as a FIFO or a device: an input error naming it. */
static void test_config(void **state)
{
    (void)state;
    e2e_mkdir(e2e_pathf("xdg-config/adem"));
    const char *cfg = e2e_pathf("xdg-config/adem/config");
    put(cfg, FIFO);
    refuses((const char *const[]){"adem", "list", NULL}, 2, "FIFO");
    put(cfg, DEVICE);
    refuses((const char *const[]){"adem", "list", NULL}, 2, "device");
    unlink(cfg);
}

/* The practice log as a FIFO or a folder: `adem log` says so (status 1). */
static void test_practice_log(void **state)
{
    (void)state;
    e2e_mkdir(e2e_pathf("xdg-state/adem"));
    const char *log = e2e_pathf("xdg-state/adem/log.tsv");
    put(log, FIFO);
    refuses((const char *const[]){"adem", "log", NULL}, 1, "FIFO");
    unlink(log);
}

/* Renders a 1-second session to name (in its own folder); it must succeed,
 * exist under exactly that name, and leave nothing else. */
static void renders_as(const char *name)
{
    e2e_mkdir(e2e_pathf("names"));
    e2e_write_file(e2e_pathf("one.adem"), "session \"Een\"\nwait 1s\n");
    char target[1200];
    snprintf(target, sizeof target, "%s/%s", e2e_pathf("names"), name);
    e2e_result r;
    e2e_run((const char *const[]){"adem", "render", e2e_pathf("one.adem"), "-o", target, NULL}, &r);
    if (r.status != 0)
        fail_msg("render to a %zu-byte name: status %d: %s", strlen(name), r.status, r.err);
    e2e_result_free(&r);
    assert_true(e2e_exists(target));
    assert_int_equal(e2e_dir_entries(e2e_pathf("names")), 1);
    unlink(target);
}

/* Names at NAME_MAX (255 bytes), 252 bytes, and 254 bytes of UTF-8. */
static void test_long_names(void **state)
{
    (void)state;
    char name[300];
    memset(name, 'a', 251);
    strcpy(name + 251, ".wav"); /* 255 bytes */
    renders_as(name);
    strcpy(name + 248, ".wav"); /* 252 bytes */
    renders_as(name);
    size_t n = 0;
    for (int i = 0; i < 125; i++) { /* "é" x 125 = 250 bytes, + ".wav" */
        name[n++] = (char)0xC3;
        name[n++] = (char)0xA9;
    }
    strcpy(name + n, ".wav");
    renders_as(name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_practice_log),
        cmocka_unit_test(test_long_names),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
