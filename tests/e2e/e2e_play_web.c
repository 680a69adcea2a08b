/* e2e_play_web: the page for the room, for real: `adem play --no-ui --web
 * 127.0.0.1:0` on a private JACK server, captured, with a private
 * XDG_RUNTIME_DIR. What is asserted: the URL file (0600) holds a control and
 * a view URL, also printed on stderr; the page answers 200 with a token and
 * 403 without or with a wrong one, with strict headers; a hammer (200 idle
 * connections, oversized headers) is turned away while the player plays on,
 * and the page answers again afterwards; /events delivers JSON snapshots at
 * least every 250 ms whose phase matches `adem ctl status --json`; POST /cmd
 * pause pauses with the control token and not with a wrong or the view
 * token; in headless Chromium (tests/browser/web_page.js) the guide shows
 * the phase label, screenshots during an in-breath and an out-breath show
 * the shape growing and shrinking, the remote's pause button pauses the
 * player, and the page loads nothing from outside adem; the URL file is gone
 * after the stop; the audio captured from JACK has no gap from the start
 * through the hammer. With the full display (in a pseudo-terminal from
 * script(1)) the control URL is shown as a QR code of half blocks, which
 * zbarimg reads back to that URL. Needs curl, node, chromium, script and
 * zbarimg (scripts/bootstrap --test). POSIX (tests only). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <png.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "json.h"
#include "live.h"

enum { RATE = 48000, IDLE = 200, BIG = 8 };

/* Continuous tone from the first frame: rise, steady, fall, eight times. */
static const char session[] = "session \"Proef voor de zaal\"\n"
                              "repeat 8\n"
                              "  phase \"Adem in\" 5s tone=rise\n"
                              "  phase \"Vasthouden\" 3s tone=steady\n"
                              "  phase \"Adem uit\" 5s tone=fall\n"
                              "end\n";

/* Runs a shell command line; returns its exit status, its output (stdout
 * and stderr) in *out (malloc'd; may be NULL). */
static int sh(char **out, const char *fmt, ...)
{
    static char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char o[700];
    snprintf(o, sizeof o, "%s", e2e_pathf("sh.out"));
    static char full[9000];
    snprintf(full, sizeof full, "( %s ) > '%s' 2>&1", cmd, o);
    int st = system(full);
    if (out)
        *out = e2e_read_text(o);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int setup(void **state)
{
    (void)state;
    const char *rt = e2e_pathf("run");
    e2e_mkdir(rt);
    chmod(rt, 0700);
    setenv("XDG_RUNTIME_DIR", rt, 1);
    e2e_write_file(e2e_pathf("zaal.adem"), session);
    live_jack_start(RATE, 256);
    return 0;
}

/* The phase label of a status (or "" for none). */
static const char *phase_of(const json *j)
{
    const json *v = json_get(j, "phase");
    return v && v->type == JSON_STRING ? v->string : "";
}

/* Polls ctl status until paused == want, for at most ms. */
static int wait_paused(int want, int ms)
{
    double until = e2e_now_ms() + ms;
    while (e2e_now_ms() < until) {
        json *j = live_ctl_status();
        int p = (int)live_json_num(j, "paused");
        json_free(j);
        if (p == want)
            return 1;
        e2e_sleep_ms(20);
    }
    return 0;
}

/* The HTTP status code of curl's request (args after the URL's options). */
static int http_code(const char *args)
{
    char *out = NULL;
    sh(&out, "curl -s -o /dev/null -m 10 -w '%%{http_code}' %s", args);
    int code = atoi(out);
    free(out);
    return code;
}

/* POSTs body to URL; returns the HTTP code. */
static int post(const char *url, const char *body)
{
    char file[700], args[1600];
    snprintf(file, sizeof file, "%s", e2e_pathf("body.txt"));
    e2e_write_file(file, body);
    snprintf(args, sizeof args, "-X POST --data-binary '@%s' '%s'", file, url);
    return http_code(args);
}

/* Opens a TCP connection to 127.0.0.1:port (non-blocking connect; -1 when
 * refused at once). */
static int tcp(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends a request with a 64 KiB header on a blocking connection; returns
 * 1 if the server answered 200 (it must not), 0 otherwise (an error code or
 * a closed connection). */
static int oversized(int port, const char *k)
{
    int fd = tcp(port);
    if (fd < 0)
        return 0;
    fcntl(fd, F_SETFL, 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    size_t n = 65536;
    char *req = malloc(n + 256);
    int len = snprintf(req, 256, "GET /?k=%s HTTP/1.1\r\nHost: x\r\nX-Big: ", k);
    memset(req + len, 'a', n);
    memcpy(req + len + n, "\r\n\r\n", 4);
    (void)!send(fd, req, (size_t)len + n + 4, MSG_NOSIGNAL);
    free(req);
    char reply[64] = "";
    (void)!recv(fd, reply, sizeof reply - 1, 0);
    close(fd);
    return strncmp(reply, "HTTP/1.1 200", 12) == 0;
}

/* Counts the shape's pixels in a screenshot: blue, clearly bluer than red. */
static long shape_pixels(const char *path)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        fail_msg("cannot read the screenshot %s: %s", path, img.message);
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
    assert_non_null(px);
    if (!png_image_finish_read(&img, NULL, px, 0, NULL))
        fail_msg("cannot decode the screenshot %s: %s", path, img.message);
    long count = 0, n = (long)img.width * img.height;
    for (long i = 0; i < n; i++) {
        const unsigned char *p = px + 3 * i;
        if (p[2] > 90 && p[2] > p[0] + 40)
            count++;
    }
    free(px);
    png_image_free(&img);
    return count;
}

/* The longest run of frames in [from, to) of s (stereo) where both
 * channels are below -120 dBFS: a lost period of the device is at least 256
 * frames of zeros; the session's own tone only touches zero for a moment
 * where an out-breath ends (under 100 frames). */
static int64_t quiet_run(const float *s, int64_t from, int64_t to)
{
    int64_t run = 0, longest = 0;
    for (int64_t f = from; f < to; f++) {
        run = fabsf(s[2 * f]) < 1e-6f && fabsf(s[2 * f + 1]) < 1e-6f ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    return longest;
}

/* The whole tour on one player. */
static void test_web(void **state)
{
    (void)state;
    char script[700];
    snprintf(script, sizeof script, "%s/tests/browser/web_page.js", e2e_source_dir());
    if (sh(NULL, "command -v curl && command -v node && test -x /usr/bin/chromium") != 0)
        fail_msg("curl, node or chromium is missing: run scripts/bootstrap --test");

    /* the precondition of the gap check: the session sounds without a gap */
    float *ref;
    int64_t nref = e2e_render_f32("nl", e2e_pathf("zaal.adem"), &ref);
    int64_t r0 = e2e_first_sound(ref, nref, 2);
    int64_t ref_quiet = quiet_run(ref, r0, r0 + 30 * RATE);
    assert_true(ref_quiet < 200);
    free(ref);

    live_run live;
    const char *argv[] = {"adem", "play", "--no-ui", "--device", "system", "--web", "127.0.0.1:0",
                          e2e_pathf("zaal.adem"), NULL};
    for (int attempt = 1;; attempt++) {
        live_start(argv, NULL, &live);
        int playing = live_wait_playing(&live, 10000);
        if (playing == 1)
            break;
        if (playing == 0 || attempt == 3)
            fail_msg("adem's stream did not start (status %d): %s", live.status,
                     live.err ? live.err : "");
        live_free(&live);
    }
    double t_playing = e2e_now_ms();

    /* the URL file: 0600, a control and a view URL, the same on stderr */
    char url_file[700];
    snprintf(url_file, sizeof url_file, "%s/adem/%ld.url", getenv("XDG_RUNTIME_DIR"),
             (long)live.adem);
    for (double until = e2e_now_ms() + 5000; !e2e_exists(url_file); e2e_sleep_ms(20))
        if (e2e_now_ms() > until)
            fail_msg("no URL file %s", url_file);
    struct stat sb;
    assert_int_equal(stat(url_file, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *urls = e2e_read_text(url_file);
    char control[300], view[300];
    if (sscanf(urls, "control %299s view %299s", control, view) != 2)
        fail_msg("the URL file says: %s", urls);
    free(urls);
    int port = 0;
    char k[64], vk[64];
    assert_int_equal(sscanf(control, "http://127.0.0.1:%d/?k=%63s", &port, k), 2);
    assert_int_equal(sscanf(view, "http://127.0.0.1:%*d/?k=%63s", vk), 1);
    assert_int_equal(strlen(k), 32); /* 128 bits in hex */
    assert_int_equal(strlen(vk), 32);
    assert_string_not_equal(k, vk);
    char *err = e2e_read_text(live.err_path);
    assert_non_null(strstr(err, control));
    assert_non_null(strstr(err, view));
    free(err);
    char base[100], u[400];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);

    /* a second player cannot take the same port: it says so, exit 1 */
    char portarg[40];
    snprintf(portarg, sizeof portarg, "127.0.0.1:%d", port);
    const char *twice[] = {"adem", "play", "--no-ui", "--device", "system", "--web", portarg,
                           e2e_pathf("zaal.adem"), NULL};
    e2e_result tw;
    e2e_run(twice, &tw);
    assert_int_equal(tw.status, 1);
    assert_non_null(strstr(tw.err, "cannot listen on"));
    e2e_result_free(&tw);
    /* a bad --web is a usage error before anything plays */
    const char *bad[] = {"adem", "play", "--web", "localhost:80", NULL};
    e2e_run(bad, &tw);
    assert_int_equal(tw.status, 2);
    assert_non_null(strstr(tw.err, "not an IPv4 address"));
    e2e_result_free(&tw);

    /* tokens: 200 with either, 403 without or with a wrong one */
    snprintf(u, sizeof u, "'%s'", control);
    assert_int_equal(http_code(u), 200);
    snprintf(u, sizeof u, "'%s'", view);
    assert_int_equal(http_code(u), 200);
    snprintf(u, sizeof u, "'%s/'", base);
    assert_int_equal(http_code(u), 403);
    snprintf(u, sizeof u, "'%s/?k=00112233445566778899aabbccddeeff'", base);
    assert_int_equal(http_code(u), 403);
    snprintf(u, sizeof u, "'%s/events'", base);
    assert_int_equal(http_code(u), 403);
    snprintf(u, sizeof u, "'%s/guide.js?k=%.31s'", base, k); /* one digit short */
    assert_int_equal(http_code(u), 403);
    char *head = NULL;
    assert_int_equal(sh(&head, "curl -s -D - -o /dev/null -m 10 '%s'", control), 0);
    assert_non_null(strstr(head, "Content-Security-Policy: default-src 'self'"));
    assert_non_null(strstr(head, "X-Content-Type-Options: nosniff"));
    assert_non_null(strstr(head, "Cache-Control: no-store"));
    free(head);

    /* the hammer: 200 idle connections and oversized headers for 2 s; the
     * player answers ctl all along */
    int fds[IDLE], held = 0;
    for (int i = 0; i < IDLE; i++)
        if ((fds[i] = tcp(port)) >= 0)
            held++;
    print_message("      hammer: %d idle connections opened\n", held);
    int big_ok = 0;
    for (int i = 0; i < BIG; i++)
        big_ok += oversized(port, k);
    assert_int_equal(big_ok, 0);
    double hammer_until = e2e_now_ms() + 2000;
    while (e2e_now_ms() < hammer_until) {
        json *j = live_ctl_status();
        assert_true(live_json_num(j, "paused") == 0);
        json_free(j);
        e2e_sleep_ms(100);
    }
    for (int i = 0; i < IDLE; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    double hammer_end = e2e_now_ms();
    /* the page answers again once they are gone */
    snprintf(u, sizeof u, "'%s'", control);
    int code = 0;
    for (double until = e2e_now_ms() + 5000; e2e_now_ms() < until && code != 200;
         e2e_sleep_ms(100))
        code = http_code(u);
    assert_int_equal(code, 200);

    /* /events: JSON snapshots at least every 250 ms, the phase as ctl says */
    int matched = 0;
    for (int attempt = 0; attempt < 4 && !matched; attempt++) {
        char *ev = NULL;
        sh(&ev, "curl -sN -m 2 '%s/events?k=%s'", base, vk);
        json *now = live_ctl_status();
        int events = 0;
        char last_phase[100] = "";
        for (char *line = strstr(ev, "data: "); line; line = strstr(line + 1, "\ndata: ")) {
            if (*line == '\n')
                line++;
            char *end = strchr(line, '\n');
            if (!end)
                break;
            char perr[100];
            json *j = json_parse(line + 6, (size_t)(end - line - 6), perr, sizeof perr);
            if (!j)
                fail_msg("an event is not JSON (%s): %.*s", perr, (int)(end - line), line);
            for (const char *const *f = (const char *const[]){"phase", "position", "paused",
                                                                "phase_start", "phase_length",
                                                                "tone", NULL};
                 *f; f++)
                if (!json_get(j, *f))
                    fail_msg("an event lacks '%s'", *f);
            const char *tone = json_get(j, "tone")->string;
            if (strcmp(phase_of(j), "Adem in") == 0)
                assert_string_equal(tone, "rise");
            if (strcmp(phase_of(j), "Adem uit") == 0)
                assert_string_equal(tone, "fall");
            snprintf(last_phase, sizeof last_phase, "%s", phase_of(j));
            json_free(j);
            events++;
        }
        print_message("      /events: %d events in 2 s; last phase '%s', ctl says '%s'\n",
                      events, last_phase, phase_of(now));
        assert_true(events >= 7); /* 2 s at one per 250 ms at least, less the connect */
        matched = strcmp(last_phase, phase_of(now)) == 0;
        json_free(now);
        free(ev);
    }
    assert_true(matched);

    /* POST /cmd: a wrong token and the view token change nothing */
    snprintf(u, sizeof u, "%s/cmd?k=00112233445566778899aabbccddeeff", base);
    assert_int_equal(post(u, "pause"), 403);
    snprintf(u, sizeof u, "%s/cmd?k=%s", base, vk);
    assert_int_equal(post(u, "pause"), 403);
    snprintf(u, sizeof u, "%s/cmd", base);
    assert_int_equal(post(u, "pause"), 403);
    e2e_sleep_ms(300);
    assert_false(wait_paused(1, 300));
    /* ... the control token pauses and resumes */
    snprintf(u, sizeof u, "%s/cmd?k=%s", base, k);
    assert_int_equal(post(u, "bogus"), 400);
    char *long_body = malloc(4000);
    memset(long_body, 'a', 3999);
    long_body[3999] = '\0';
    assert_int_equal(post(u, long_body), 413);
    free(long_body);
    double t_pause = e2e_now_ms();
    assert_int_equal(post(u, "pause"), 200);
    assert_true(wait_paused(1, 1000));
    assert_int_equal(post(u, "resume"), 200);
    assert_true(wait_paused(0, 1000));

    /* a real browser: the guide, the breath, the remote, nothing from outside */
    char shots[700], *res = NULL;
    snprintf(shots, sizeof shots, "%s", e2e_pathf("shots"));
    e2e_mkdir(shots);
    int rc = sh(&res, "timeout 170 node '%s' /usr/bin/chromium '%s' '%s' '%s' 2>&1 | tail -c 4000",
                script, control, view, shots);
    (void)rc;
    char *line = strstr(res, "{\"label\"");
    if (!line)
        fail_msg("web_page.js failed: %s", res);
    char perr[100];
    json *b = json_parse(line, strcspn(line, "\n"), perr, sizeof perr);
    if (!b)
        fail_msg("web_page.js printed no JSON (%s): %s", perr, res);
    const char *label = json_get(b, "label")->string;
    print_message("      browser: label '%s'; in %.0f -> %.0f px, out %.0f -> %.0f px\n", label,
                  json_get(b, "in")->items[0]->number, json_get(b, "in")->items[1]->number,
                  json_get(b, "out")->items[0]->number, json_get(b, "out")->items[1]->number);
    assert_true(strcmp(label, "Adem in") == 0 || strcmp(label, "Vasthouden") == 0 ||
                strcmp(label, "Adem uit") == 0);
    assert_string_equal(json_get(b, "inLabel")->string, "Adem in");
    assert_string_equal(json_get(b, "outLabel")->string, "Adem uit");
    assert_true(json_get(b, "remoteHidden")->number == 1); /* the view token: no buttons */
    assert_true(json_get(b, "in")->items[1]->number > json_get(b, "in")->items[0]->number * 1.1);
    assert_true(json_get(b, "out")->items[1]->number < json_get(b, "out")->items[0]->number * 0.9);
    assert_string_equal(json_get(b, "pausedLabel")->string, "Pauze");
    /* the round, where the status carries it: "ronde i/8" */
    json *now = live_ctl_status();
    const json *rounds = json_get(now, "rounds");
    if (rounds && rounds->number > 0) {
        const char *round = json_get(b, "round")->string;
        print_message("      browser: '%s'\n", round);
        assert_true(strncmp(round, "ronde ", 6) == 0 && strstr(round, "/8"));
    }
    json_free(now);
    json_free(b);
    free(res);
    long in1 = shape_pixels(e2e_pathf("shots/in1.png")), in2 = shape_pixels(e2e_pathf("shots/in2.png"));
    long out1 = shape_pixels(e2e_pathf("shots/out1.png"));
    long out2 = shape_pixels(e2e_pathf("shots/out2.png"));
    print_message("      screenshots: in %ld -> %ld px, out %ld -> %ld px of the shape\n", in1,
                  in2, out1, out2);
    assert_true(in2 > in1 * 1.2);
    assert_true(out2 < out1 * 0.8);
    /* the remote's tap paused the player itself */
    assert_true(wait_paused(1, 1000));

    /* stop: the URL file goes with the player */
    const char *stop[] = {"adem", "ctl", "stop", NULL};
    e2e_result r;
    e2e_run(stop, &r);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    live_finish(&live, 20000);
    assert_int_equal(live.status, 130);
    assert_false(e2e_exists(url_file));

    /* no gap in the sound from its start through the hammer (until the
     * first pause, which is silence by design) */
    int64_t f0 = e2e_first_sound(live.cap, live.frames, live.channels);
    assert_true(f0 >= 0);
    int64_t to = f0 + (int64_t)((hammer_end - t_playing + 500) * RATE / 1000);
    int64_t pause_at = f0 + (int64_t)((t_pause - t_playing - 300) * RATE / 1000);
    if (to > pause_at)
        to = pause_at;
    assert_int_equal(live.channels, 2);
    print_message("      capture: the hammer ended %.2f s, the pause came %.2f s after the "
                  "stream started\n", (hammer_end - t_playing) / 1000, (t_pause - t_playing) / 1000);
    assert_true(to > f0 + 2 * RATE && to <= live.frames);
    int64_t gap = quiet_run(live.cap, f0, to);
    print_message("      capture: %.2f s checked from the first sound: longest silence %lld "
                  "frames (the render's: %lld)\n", (double)(to - f0) / RATE, (long long)gap,
                  (long long)ref_quiet);
    assert_true(gap <= ref_quiet + 16);
    live_free(&live);
}

/* Reads the QR code in the terminal output text (rows of half blocks after
 * the black-on-white escape) into a PGM image at path, 8 pixels a module
 * with a white margin. Returns the number of module rows (0: none). */
static int qr_to_pgm(const char *text, const char *path)
{
    static unsigned char grid[200][200];
    int rows = 0, width = 0;
    for (const char *p = strstr(text, "\033[30;47m"); p && rows + 1 < 200;
         p = strstr(p, "\033[30;47m")) {
        p += 8;
        int x = 0;
        while (*p && *p != '\033' && x < 200) {
            int top = 0, bottom = 0;
            if (strncmp(p, "\xe2\x96\x88", 3) == 0)
                top = bottom = 1, p += 3;
            else if (strncmp(p, "\xe2\x96\x80", 3) == 0)
                top = 1, p += 3;
            else if (strncmp(p, "\xe2\x96\x84", 3) == 0)
                bottom = 1, p += 3;
            else if (*p == ' ')
                p++;
            else
                break;
            grid[rows][x] = (unsigned char)top;
            grid[rows + 1][x] = (unsigned char)bottom;
            x++;
        }
        if (width && x != width)
            break;
        width = x;
        rows += 2;
    }
    if (rows == 0)
        return 0;
    const int scale = 8, margin = 32;
    int w = width * scale + 2 * margin, h = rows * scale + 2 * margin;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "P5\n%d %d\n255\n", w, h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int mx = (x - margin) / scale, my = (y - margin) / scale;
            int dark = x >= margin && y >= margin && mx < width && my < rows && grid[my][mx];
            fputc(dark ? 0 : 255, f);
        }
    fclose(f);
    return rows;
}

/* The full display in a terminal shows the control URL as a QR code that a
 * phone can read. */
static void test_qr(void **state)
{
    (void)state;
    if (sh(NULL, "command -v script && command -v zbarimg") != 0)
        fail_msg("script or zbarimg is missing: run scripts/bootstrap --test");
    const char *typescript = e2e_pathf("qr.typescript");
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "stty cols 120 rows 60 2>/dev/null; exec '%s' play --device system --web "
             "127.0.0.1:0 '%s'",
             getenv("ADEM_BIN"), e2e_pathf("zaal.adem"));
    const char *argv[] = {"script", "-qfec", cmd, typescript, NULL};
    const char *env[] = {"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color", NULL};
    pid_t pid = e2e_spawn(argv, env, e2e_pathf("qr.out"), e2e_pathf("qr.err"));
    /* the player's URL file tells that the server is up */
    char *text = NULL;
    double until = e2e_now_ms() + 20000;
    for (;;) {
        free(text);
        text = e2e_read_text(typescript);
        if (text && strstr(text, "view only"))
            break;
        int st;
        if (e2e_wait(pid, 0, &st))
            fail_msg("the player in the terminal exited (%d): %s", st, text ? text : "");
        if (e2e_now_ms() > until)
            fail_msg("no URLs in the terminal: %s", text ? text : "");
        e2e_sleep_ms(100);
    }
    e2e_sleep_ms(1000);
    free(text);
    const char *stop[] = {"adem", "ctl", "stop", NULL};
    e2e_result r;
    e2e_run(stop, &r);
    e2e_result_free(&r);
    int st;
    if (!e2e_wait(pid, 15000, &st))
        fail_msg("the player in the terminal did not stop");
    text = e2e_read_text(typescript);
    char control[300];
    const char *at = strstr(text, "room: http://");
    assert_non_null(at);
    assert_int_equal(sscanf(at + 6, "%299s", control), 1);
    const char *pgm = e2e_pathf("qr.pgm");
    int rows = qr_to_pgm(text, pgm);
    print_message("      QR code: %d module rows in the terminal\n", rows);
    assert_true(rows >= 21);
    char *decoded = NULL;
    assert_int_equal(sh(&decoded, "zbarimg -q --raw '%s' 2>/dev/null", pgm), 0);
    decoded[strcspn(decoded, "\r\n")] = '\0';
    assert_string_equal(decoded, control);
    free(decoded);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web),
        cmocka_unit_test(test_qr),
    };
    return cmocka_run_group_tests(tests, setup, e2e_group_teardown);
}
