/* e2e_svg: `adem show --svg FILE SESSION` with the real binary.
 *   Every built-in session gives a well-formed SVG (xmllint), written beside
 *   FILE and renamed (no temporary file left), with nothing on stdout or
 *   stderr; headless Chromium renders each one, and the screenshot (read with
 *   libpng) is not blank: a good share of its pixels are ink, and the colours
 *   of the breaths are there. `--svg -` writes to stdout; an existing file is
 *   replaced; a missing folder is a runtime error that leaves nothing; --json
 *   with --svg is a usage error.
 * Needs chromium, libxml2-utils and libpng (scripts/bootstrap --test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

enum { SHOT_W = 1600, SHOT_H = 1200, CHROMIUM_MS = 90000 };

static const char *const builtins[] = {"478", "niksdoen", "pmr", "rustig", "schudden", "slapen",
                                       "vuist"};

/* Runs xmllint --noout on path; fails the test with its message if it rejects it. */
static void assert_well_formed(const char *path)
{
    char cmd[2400], lint[1200];
    int n = snprintf(cmd, sizeof cmd, "xmllint --noout '%s' > '%s.lint' 2>&1", path, path);
    int m = snprintf(lint, sizeof lint, "%s.lint", path);
    if (n < 0 || (size_t)n >= sizeof cmd || m < 0 || (size_t)m >= sizeof lint)
        fail_msg("path too long: %s", path);
    int st = system(cmd);
    if (st != 0) {
        char *msg = e2e_read_text(lint);
        fail_msg("xmllint rejects %s (status %d; is libxml2-utils installed?): %s", path, st, msg);
    }
}

/* 1 if `name` is a program on PATH. */
static int on_path(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s > /dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Screenshots the SVG at svg with headless Chromium into png (a window of
 * SHOT_W x SHOT_H), within CHROMIUM_MS; fails the test with a clear message
 * when Chromium is missing, hangs or writes no picture. */
static void screenshot(const char *svg, const char *png)
{
    if (!on_path("chromium"))
        fail_msg("chromium is not installed: run scripts/bootstrap --test (Debian: apt-get "
                 "install chromium)");
    char shot[1200], size[64], url[1200], profile[700], err_path[700];
    snprintf(shot, sizeof shot, "--screenshot=%s", png);
    snprintf(size, sizeof size, "--window-size=%d,%d", SHOT_W, SHOT_H);
    snprintf(url, sizeof url, "file://%s", svg);
    snprintf(profile, sizeof profile, "--user-data-dir=%s/chromium-profile", e2e_tmpdir());
    snprintf(err_path, sizeof err_path, "%s/chromium.err", e2e_tmpdir());
    const char *argv[] = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-quic", "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                          profile, shot, size, url, NULL};
    remove(png);
    pid_t pid = e2e_spawn(argv, NULL, NULL, err_path);
    int st;
    if (!e2e_wait(pid, CHROMIUM_MS, &st)) {
        e2e_stop(pid, 9, 5000);
        fail_msg("chromium did not finish the screenshot of %s within %d s", svg,
                 CHROMIUM_MS / 1000);
    }
    if (st != 0 || !e2e_exists(png)) {
        char *err = e2e_read_text(err_path);
        fail_msg("chromium exited %d and wrote no screenshot of %s: %s", st, svg, err);
    }
}

/* What a screenshot holds: its size, the share of pixels that are not white,
 * and how many pixels are near each breath colour. */
typedef struct shot_stats {
    int w, h;
    double ink;          /* share of pixels darker than near-white */
    long in, hold, out_; /* pixels near the fills of in, vast, uit */
} shot_stats;

/* 1 when (r,g,b) is within 6 of the colour rgb (0xRRGGBB). */
static int near(const unsigned char *p, unsigned rgb)
{
    int r = (int)(rgb >> 16), g = (int)(rgb >> 8 & 0xFF), b = (int)(rgb & 0xFF);
    return abs(p[0] - r) <= 6 && abs(p[1] - g) <= 6 && abs(p[2] - b) <= 6;
}

/* Reads the PNG at path with libpng and measures it. */
static shot_stats measure(const char *path)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        fail_msg("cannot read the screenshot %s: %s", path, img.message);
    img.format = PNG_FORMAT_RGB;
    size_t size = PNG_IMAGE_SIZE(img);
    unsigned char *px = malloc(size);
    assert_non_null(px);
    if (!png_image_finish_read(&img, NULL, px, 0, NULL))
        fail_msg("cannot decode the screenshot %s: %s", path, img.message);
    shot_stats s = {(int)img.width, (int)img.height, 0, 0, 0, 0};
    long ink = 0, n = (long)img.width * img.height;
    for (long i = 0; i < n; i++) {
        const unsigned char *p = px + 3 * i;
        if (p[0] < 235 || p[1] < 235 || p[2] < 235)
            ink++;
        s.in += near(p, 0xCFE2F3);
        s.hold += near(p, 0xF8E3B0);
        s.out_ += near(p, 0xD3EBDB);
    }
    s.ink = (double)ink / (double)n;
    free(px);
    png_image_free(&img);
    return s;
}

/* Every built-in: a well-formed SVG, renamed into place, quiet; Chromium
 * draws it with ink and colour (the legend's swatches at least). */
static void builtins_draw(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        char svg[1100], png[700], dir[700];
        snprintf(dir, sizeof dir, "%s/pic-%s", e2e_tmpdir(), builtins[i]);
        e2e_mkdir(dir);
        snprintf(svg, sizeof svg, "%s/%s.svg", dir, builtins[i]);
        snprintf(png, sizeof png, "%s/%s.png", e2e_tmpdir(), builtins[i]);
        const char *argv[] = {"adem", "show", "--svg", svg, builtins[i], NULL};
        e2e_result r;
        e2e_run(argv, &r);
        if (r.status != 0)
            fail_msg("adem show --svg %s exited %d: %s", builtins[i], r.status, r.err);
        assert_string_equal(r.out, "");
        assert_string_equal(r.err, "");
        e2e_result_free(&r);
        assert_int_equal(e2e_dir_entries(dir), 1); /* no temporary file left */
        assert_well_formed(svg);
        char *text = e2e_read_text(svg);
        assert_non_null(strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_non_null(strstr(text, "class=\"phase "));
        assert_non_null(strstr(text, "class=\"words\""));
        free(text);
        screenshot(svg, png);
        shot_stats s = measure(png);
        print_message("      %-9s %dx%d, %.1f%% ink, in %ld, vast %ld, uit %ld px\n", builtins[i],
                      s.w, s.h, 100 * s.ink, s.in, s.hold, s.out_);
        assert_int_equal(s.w, SHOT_W);
        if (s.ink < 0.03 || s.ink > 0.6)
            fail_msg("the screenshot of %s looks blank or wrong: %.1f%% of it is ink", builtins[i],
                     100 * s.ink);
        /* the legend's swatches at least; the breathing sessions' blocks more */
        if (s.in < 200 || s.hold < 200 || s.out_ < 200)
            fail_msg("the breath colours are missing in %s: in %ld, vast %ld, uit %ld px",
                     builtins[i], s.in, s.hold, s.out_);
        if (strcmp(builtins[i], "478") == 0 && (s.in < 10000 || s.hold < 10000 || s.out_ < 10000))
            fail_msg("478 should show large in, vast and uit blocks: %ld, %ld, %ld px", s.in,
                     s.hold, s.out_);
    }
}

/* `--svg -` writes the document to stdout; the words of the cues come from
 * the transcript. */
static void svg_to_stdout(void **state)
{
    (void)state;
    const char *argv[] = {"adem", "show", "--svg", "-", "478", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(strncmp(r.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), 0);
    assert_non_null(strstr(r.out, "<title>4-7-8 ademhaling</title>"));
    assert_non_null(strstr(r.out, ">In door je neus.</text>"));
    assert_non_null(strstr(r.out, ">Houd je adem zachtjes vast.</text>"));
    assert_non_null(strstr(r.out, "</svg>\n"));
    e2e_result_free(&r);
}

/* An existing file is replaced whole; a missing folder is a runtime error
 * that names the path and leaves nothing; --json with --svg is refused. */
static void errors_and_replace(void **state)
{
    (void)state;
    const char *path = e2e_path("old.svg");
    e2e_write_file(path, "old");
    const char *argv[] = {"adem", "show", "--svg", path, "vuist", NULL};
    e2e_result r;
    e2e_run(argv, &r);
    assert_int_equal(r.status, 0);
    e2e_result_free(&r);
    char *text = e2e_read_text(path);
    assert_non_null(strstr(text, "<title>Voel het verschil</title>"));
    free(text);
    assert_well_formed(path);

    char missing[700];
    snprintf(missing, sizeof missing, "%s/no-such-folder/x.svg", e2e_tmpdir());
    const char *bad[] = {"adem", "show", "--svg", missing, "478", NULL};
    e2e_run(bad, &r);
    assert_int_equal(r.status, 1);
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_int_equal(strncmp(r.err, "adem: cannot write '", 20), 0);
    assert_non_null(strstr(r.err, missing));
    e2e_result_free(&r);

    const char *both[] = {"adem", "show", "--json", "--svg", e2e_path("b.svg"), "478", NULL};
    e2e_run(both, &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "adem: show takes --json or --svg, not both; run it twice for both\n");
    e2e_result_free(&r);
    assert_false(e2e_exists(e2e_path("b.svg")));

    const char *render[] = {"adem", "render", "--svg", "x.svg", "478", "-o", "x.wav", NULL};
    e2e_run(render, &r);
    assert_int_equal(r.status, 2);
    e2e_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtins_draw),
        cmocka_unit_test(svg_to_stdout),
        cmocka_unit_test(errors_and_replace),
    };
    return cmocka_run_group_tests(tests, NULL, e2e_group_teardown);
}
