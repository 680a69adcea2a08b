/* prepare: from SESSION arguments to a laid-out timeline (see prepare.h). */
#include "io/prepare.h"

#include <stdlib.h>
#include <string.h>

#include "io/paths.h"
#include "sys/platform.h"
#include "io/sessions.h"

enum { PATH_LEN = 4096 };

struct prep {
    session_set *ss;
    timeline *tl;
    voicepack *vp;
    adem_cue *cues;
    int64_t *frames;
    int decode;
    const ast_session **sessions;
    int lead; /* 1 when the timeline begins with the lead-in */
    char voices_builtin[PATH_LEN], voices_user[PATH_LEN];
};

const timeline *prep_timeline(const prep *p)
{
    return p->tl;
}

const ast_session *prep_session(const prep *p, int i)
{
    return p->sessions[i];
}

int prep_lead(const prep *p)
{
    return p->lead;
}

const adem_cue *prep_cues(const prep *p)
{
    return p->cues;
}

const voicepack *prep_voicepack(const prep *p)
{
    return p->vp;
}

void prep_free(prep *p)
{
    if (!p)
        return;
    voicepack_free(p->vp);
    timeline_free(p->tl);
    sessions_free(p->ss);
    free(p->cues);
    free(p->frames);
    free(p->sessions);
    free(p);
}

int prep_relayout(prep *p, int rate, adem_diag *d)
{
    int n = timeline_ncues(p->tl);
    if (p->decode) {
        if (voicepack_load(p->vp, rate, p->cues, d) != 0)
            return -1;
        for (int i = 0; i < n; i++)
            p->frames[i] = p->cues[i].frames;
    } else if (voicepack_lengths(p->vp, rate, p->frames, d) != 0) {
        return -1;
    }
    return timeline_layout(p->tl, rate, p->frames, d);
}

int prep_decode(prep *p, int rate, adem_diag *d)
{
    p->decode = 1;
    return prep_relayout(p, rate, d);
}

int prep_new(const char *const *args, int n, const prep_options *o, prep **out, adem_diag *d)
{
    *out = NULL;
    prep *p = calloc(1, sizeof *p);
    const ast_session **sessions = calloc((size_t)n + 1, sizeof *sessions);
    const char **keys = calloc((size_t)n + 1, sizeof *keys);
    const tl_options *to = o->tl;
    if (!p || !sessions || !keys || !(p->ss = sessions_new())) {
        free(p);
        free(sessions);
        free(keys);
        return diag_runtime(d, "out of memory");
    }
    p->decode = o->decode;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = sessions_load(p->ss, args[i], NULL, &sessions[i], &keys[i], d);
    if (rc == 0) {
        tl_loader ld = {keys, sessions_load, p->ss};
        rc = timeline_build(sessions, n, to, &ld, &p->tl, d);
    }
    p->sessions = sessions;
    p->lead = to->countdown_ms > 0;
    free(keys);
    if (rc == 0) {
        vp_dirs dirs = {NULL, NULL};
        const char *data = paths_data_dir(), *user = paths_user_dir();
        if (data && paths_join(p->voices_builtin, PATH_LEN, data, "voices") == 0)
            dirs.builtin = p->voices_builtin;
        if (user && paths_join(p->voices_user, PATH_LEN, user, "voices") == 0)
            dirs.user = p->voices_user;
        int nc = timeline_ncues(p->tl);
        const tl_cue *cues = nc ? timeline_cue(p->tl, 0) : NULL;
        p->cues = calloc((size_t)(nc ? nc : 1), sizeof *p->cues);
        p->frames = calloc((size_t)(nc ? nc : 1), sizeof *p->frames);
        if (!p->cues || !p->frames)
            rc = diag_runtime(d, "out of memory");
        else
            rc = voicepack_resolve(cues, nc, &dirs, &p->vp, d);
    }
    if (rc == 0)
        rc = prep_relayout(p, to->rate ? to->rate : o->default_rate, d);
    if (rc != 0) {
        prep_free(p);
        return -1;
    }
    *out = p;
    return 0;
}
