/* cuefeed_new: allocates and frees the feed (see rt/cuefeed.h). Control
 * thread only, before the audio starts and after it stopped. */
#include "rt/cuefeed.h"

#include <stdlib.h>

#include "rt/cuefeed_impl.h"

/* A feed with every slot free; NULL when memory runs out. */
cuefeed *cuefeed_new(void)
{
    cuefeed *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    /* calloc: the pages of a ring are touched only when it is first used */
    f->rings = calloc((size_t)CUEFEED_SLOTS * CUEFEED_RING, sizeof *f->rings);
    if (!f->rings) {
        free(f);
        return NULL;
    }
    for (int s = 0; s < CUEFEED_SLOTS; s++) {
        atomic_init(&f->slot[s].state, CUEFEED_FREE);
        atomic_init(&f->slot[s].wr, 0);
        atomic_init(&f->slot[s].rd, 0);
        f->slot[s].ring = f->rings + (size_t)s * CUEFEED_RING;
    }
    atomic_init(&f->pos, 0);
    atomic_init(&f->jump, 0u);
    return f;
}

/* Frees the feed; NULL is a no-op. */
void cuefeed_free(cuefeed *f)
{
    if (!f)
        return;
    free(f->rings);
    free(f);
}
