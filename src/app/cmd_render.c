/* cmd_render: `adem render` — the untimed driver of the engine: process in
 * large blocks, write with out_file, finish by renaming into place. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "rt/engine.h"
#include "io/cuebank.h"
#include "io/out_file.h"
#include "io/prepare.h"
#include "sys/signals.h"

/* RENDER_LATE: how late the engine may start an event (64 frames when more
 * than 64 fall in 64 frames), so its cue is decoded with the block. */
enum { RENDER_BLOCK = 4096, RENDER_LATE = 128 };

int cmd_render(const cli_opts *o)
{
    adem_diag d;
    diag_clear(&d);
    if (o->nargs == 0) {
        fprintf(stderr, "adem: render needs a SESSION; e.g. adem render 478 -o 478.ogg\n");
        return ADEM_EXIT_INPUT;
    }
    if (!o->output) {
        fprintf(stderr, "adem: render needs -o FILE (.wav, .flac or .ogg, or - for raw PCM on "
                        "stdout); e.g. adem render 478 -o 478.ogg\n");
        return ADEM_EXIT_INPUT;
    }
    /* the stop signals from here on: during the preparation (it may take a
     * while: cues resampled) there is nothing to clean up, a signal exits at
     * once with one line */
    static const char stopped_early[] = "adem: render stopped before it began; nothing was "
                                        "written\n";
    signals_catch_stop(0);
    signals_exit_at_once(ADEM_EXIT_STOPPED, stopped_early);
    int rate = o->tl.rate ? o->tl.rate : 48000;
    int channels = o->mono ? 1 : 2;
    prep_options po;
    cli_prep_options(o, rate, 0, &po); /* the cues are decoded as they are needed */
    prep *p = NULL;
    if (prep_new(o->args, o->nargs, &po, &p, &d) != 0)
        return cli_report(&d);
    engine_config ec;
    cli_engine_config(o, rate, channels, &ec);
    cuebank *b = NULL;
    engine *e = NULL;
    if (cuebank_new(prep_voicepack(p), prep_timeline(p), &b, &d) == 0 &&
        (e = engine_new(prep_timeline(p), NULL, &ec, &d)) != NULL)
        engine_use_feed(e, cuebank_feed(b));
    /* from now on a stop signal (a second one too) stops after the current
     * block: the temporary file must be removed */
    signals_exit_at_once(0, NULL);
    out_file *f = NULL;
    if (!e || out_file_open(o->output, rate, channels, o->format, &f, &d) != 0) {
        engine_free(e);
        cuebank_free(b);
        prep_free(p);
        return cli_report(&d);
    }
    /* -o - into a pipe whose reader has gone: a failed write (EPIPE), reported
     * in one line with exit status 1 (SIGPIPE is ignored: cli_main) */
    static float buf[RENDER_BLOCK * 2];
    int rc = 0, to_stdout = strcmp(o->output, "-") == 0;
    int64_t written = 0;
    while (!engine_done(e)) {
        if (signals_stop_requested()) {
            out_file_abort(f);
            f = NULL;
            if (to_stdout && written > 0)
                fprintf(stderr, "adem: render stopped; the audio on standard output ends early, "
                                "after %.1f s\n", (double)written / rate);
            else
                fprintf(stderr, "adem: render stopped; nothing was written\n");
            rc = ADEM_EXIT_STOPPED;
            break;
        }
        /* the cues of the next block decoded first, on this thread: the
         * render never depends on timing */
        if (cuebank_fill(b, RENDER_BLOCK + RENDER_LATE, &d) != 0) {
            out_file_abort(f);
            f = NULL;
            rc = cli_report(&d);
            break;
        }
        size_t n = engine_process(e, buf, RENDER_BLOCK);
        if (n > 0 && out_file_write(f, buf, n, &d) != 0) {
            out_file_abort(f);
            f = NULL;
            rc = cli_report(&d);
            break;
        }
        written += (int64_t)n;
    }
    if (f && out_file_close(f, &d) != 0)
        rc = cli_report(&d);
    signals_release_stop();
    engine_free(e);
    cuebank_free(b);
    prep_free(p);
    return rc;
}
