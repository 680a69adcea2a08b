/* engine_new: builds and frees engines (see rt/engine.h). Control thread
 * only, before the audio starts and after it stopped: checks the
 * configuration (with diagnostics), allocates the engine, its synth tables
 * and its two queues, and lets rt/engine.c fill in the state
 * (engine_prepare). */
#include "rt/engine.h"

#include <stdlib.h>

#include "rt/engine_impl.h"
#include "rt/spsc.h"
#include "rt/synth.h"

/* Creates an engine (see engine.h): NULL with d set when the configuration
 * is invalid or memory runs out. */
engine *engine_new(const timeline *tl, const adem_cue *cues, const engine_config *c, adem_diag *d)
{
    if (c->rate != timeline_rate(tl)) {
        diag_runtime(d, "internal error: engine rate %d differs from the timeline's %d", c->rate,
                     timeline_rate(tl));
        return NULL;
    }
    if (c->channels < 1 || c->channels > ENGINE_MAX_CHANNELS) {
        diag_set(d, NULL, 0, 0, "%d output channels is out of range; use 1 to %d", c->channels,
                 ENGINE_MAX_CHANNELS);
        return NULL;
    }
    engine *e = calloc(1, sizeof *e);
    if (!e || !(e->tables = synth_tables_new(c->rate)) ||
        !(e->cmdq = spsc_new(sizeof(cmd_msg), CMD_QUEUE)) ||
        !(e->statq = spsc_new(sizeof(engine_status), STATUS_QUEUE))) {
        engine_free(e);
        diag_runtime(d, "out of memory while starting the audio engine");
        return NULL;
    }
    engine_prepare(e, tl, cues, c);
    return e;
}

/* Sets the feed the engine's cues come from (see engine.h). */
void engine_use_feed(engine *e, cuefeed *f)
{
    e->feed = f;
}

/* Frees an engine, its tables and its queues; NULL is a no-op. */
void engine_free(engine *e)
{
    if (!e)
        return;
    synth_tables_free(e->tables);
    spsc_free(e->cmdq);
    spsc_free(e->statq);
    free(e);
}
