/* timeline: AST + overrides + cue lengths -> an immutable timeline in frames
 * (see timeline.h for the contract and the timing rule).
 *
 * Representation: a flat array of items. A block (the whole run, a session, a
 * repeat) links its children through `next`; nothing is ever unrolled. Each
 * item has an offset and a length inside its parent's iteration, kept as an
 * exact pair (milliseconds of phases/waits, frames of spoken cues), so a start
 * is always  floor(ms * rate / tempo_milli) + cue_frames  of exact integers. */
#include "timeline/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "lang/units.h"

#include "timeline/tl_repr.h"

/* ---- Building --------------------------------------------------------------- */

/* A parameter's value in one session instance. */
typedef struct pval {
    const ast_param *decl;
    ast_value v; /* literal, after overrides */
} pval;

/* The chain of sessions being expanded, for cycle detection and messages. */
typedef struct chain {
    const char *key;
    const char *name;
    const struct chain *up;
} chain;

typedef struct builder {
    timeline *tl;
    const tl_options *o;
    const tl_loader *ld; /* never NULL */
    adem_diag *d;
    adem_diag_list *errs; /* timeline_check: every mistake goes here */
    int nerrs;
} builder;

/* After a mistake (b->d set): with a list (timeline_check), records it and
 * returns 0 so building goes on with the next statement; else -1. Running
 * out of memory always stops. */
static int mistake(builder *b)
{
    if (!b->errs || b->d->status != ADEM_EXIT_INPUT)
        return -1;
    diag_list_add(b->errs, b->d);
    b->nerrs++;
    return 0;
}

/* Returns a duration in ms for the integer `n` written without a unit for a
 * duration parameter whose default is def_ms: the largest of h, m, s that
 * divides the default exactly (so `param minutes 5m` reads `minutes=10` as 10m),
 * else ms. */
static int64_t bare_unit_ms(int64_t def_ms)
{
    if (def_ms > 0 && def_ms % 3600000 == 0)
        return 3600000;
    if (def_ms > 0 && def_ms % 60000 == 0)
        return 60000;
    if (def_ms > 0 && def_ms % 1000 == 0)
        return 1000;
    return 1;
}

/* Parses `text` as a value of the parameter p's type into out (a literal).
 * Fills err on failure. */
static int parse_typed(const ast_param *p, const char *text, ast_value *out, char err[UNITS_ERR_MAX])
{
    size_t n = strlen(text);
    *out = p->def;
    out->param = NULL;
    switch (p->def.type) {
    case AST_INT:
        return units_parse_int(text, n, (int64_t)1000000000000, &out->i, err);
    case AST_DURATION: {
        int64_t bare;
        char ignore[UNITS_ERR_MAX];
        if (units_parse_int(text, n, (int64_t)1000000000, &bare, ignore) == 0) {
            int64_t unit = bare_unit_ms(p->def.ms);
            if (bare > ADEM_MAX_SESSION_MS * 10 / unit) {
                strcpy(err, "duration too long");
                return -1;
            }
            out->ms = bare * unit;
            return 0;
        }
        return units_parse_duration(text, n, &out->ms, err);
    }
    case AST_LEVEL:
        return units_parse_level(text, n, &out->db, err);
    }
    strcpy(err, "unknown type");
    return -1;
}

static const char *type_name(ast_type t)
{
    return t == AST_INT ? "a whole number" : t == AST_DURATION ? "a duration" : "a level";
}

/* Writes "cycles, hold" (the session's parameter names) into buf. */
static void param_list(const ast_session *s, char *buf, size_t n)
{
    buf[0] = '\0';
    if (s->nparams == 0) {
        snprintf(buf, n, "it has none");
        return;
    }
    size_t used = (size_t)snprintf(buf, n, "it has: ");
    for (int i = 0; i < s->nparams && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", s->params[i].name);
}

/* Resolves v (a literal or a $param of session s) to a literal. */
static int eval(builder *b, const ast_session *s, const pval *pv, const ast_value *v, ast_value *out)
{
    if (!v->param) {
        *out = *v;
        return 0;
    }
    for (int i = 0; i < s->nparams; i++) {
        if (strcmp(pv[i].decl->name, v->param) == 0) {
            if (pv[i].v.type != v->type)
                return diag_set(b->d, s->path, v->loc.line, v->loc.col,
                                "$%s is %s, but %s is needed here; declare a parameter of that type",
                                v->param, type_name(pv[i].v.type), type_name(v->type));
            *out = pv[i].v;
            out->loc = v->loc;
            return 0;
        }
    }
    return diag_set(b->d, s->path, v->loc.line, v->loc.col,
                    "unknown parameter $%s; declare it with `param %s VALUE`", v->param, v->param);
}

/* Appends a zeroed item and returns its index, or -1 with d set. */
static int new_item(builder *b, item_kind kind, const char *file, ast_loc loc, int depth)
{
    timeline *tl = b->tl;
    if (tl->nitems >= TL_MAX_ITEMS)
        return diag_set(b->d, file, loc.line, loc.col,
                        "the session has more than %d steps once its `play` lines are expanded; "
                        "split it into smaller sessions", TL_MAX_ITEMS);
    if (depth > TL_MAX_DEPTH)
        return diag_set(b->d, file, loc.line, loc.col,
                        "repeats and plays are nested more than %d deep; flatten the session",
                        TL_MAX_DEPTH);
    if (tl->nitems == tl->capitems) {
        int cap = tl->capitems ? tl->capitems * 2 : 64;
        item *n = realloc(tl->items, (size_t)cap * sizeof *n);
        if (!n)
            return diag_runtime(b->d, "out of memory while compiling the session");
        tl->items = n;
        tl->capitems = cap;
    }
    item *it = &tl->items[tl->nitems];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->next = -1;
    it->depth = depth;
    it->file = file;
    it->loc = loc;
    return tl->nitems++;
}

/* FNV-1a over "pack\0id". */
static unsigned cue_hash(const char *pack, const char *id)
{
    unsigned h = 2166136261u;
    for (const char *p = pack; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ 0xffu) * 16777619u;
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/* Doubles the cue hash table and reinserts every cue. */
static int cue_rehash(timeline *tl)
{
    int cap = tl->hashcap ? tl->hashcap * 2 : 64;
    int *h = calloc((size_t)cap, sizeof *h);
    if (!h)
        return -1;
    for (int i = 0; i < tl->ncues; i++) {
        unsigned k = cue_hash(tl->cues[i].pack, tl->cues[i].id) & (unsigned)(cap - 1);
        while (h[k])
            k = (k + 1) & (unsigned)(cap - 1);
        h[k] = i + 1;
    }
    free(tl->cue_hash);
    tl->cue_hash = h;
    tl->hashcap = cap;
    return 0;
}

/* Returns the index of cue (pack, id), adding it on first use; -1 with d set. */
static int intern_cue(builder *b, const char *pack, const char *id, const char *file, ast_loc loc)
{
    timeline *tl = b->tl;
    if (tl->ncues * 2 >= tl->hashcap && cue_rehash(tl) != 0)
        return diag_runtime(b->d, "out of memory while compiling the session");
    unsigned mask = (unsigned)(tl->hashcap - 1);
    unsigned k = cue_hash(pack, id) & mask;
    for (; tl->cue_hash[k]; k = (k + 1) & mask) {
        const tl_cue *c = &tl->cues[tl->cue_hash[k] - 1];
        if (strcmp(c->pack, pack) == 0 && strcmp(c->id, id) == 0)
            return tl->cue_hash[k] - 1;
    }
    if (tl->ncues == tl->capcues) {
        int cap = tl->capcues ? tl->capcues * 2 : 32;
        tl_cue *n = realloc(tl->cues, (size_t)cap * sizeof *n);
        if (!n)
            return diag_runtime(b->d, "out of memory while compiling the session");
        tl->cues = n;
        tl->capcues = cap;
    }
    tl_cue *c = &tl->cues[tl->ncues];
    c->pack = pack;
    c->id = id;
    c->file = file;
    c->loc = loc;
    tl->cue_hash[k] = ++tl->ncues;
    return tl->ncues - 1;
}

static int build_session(builder *b, const ast_session *s, const pval *given, const char *voice,
                         const chain *up, ast_loc at, int depth);

/* Context of the statements being built: their session and its values. */
typedef struct scope {
    const ast_session *s;
    const pval *pv;
    const char *voice;
    const chain *ch;
} scope;

static int build_list(builder *b, const scope *sc, const ast_node *n, int depth, int64_t rep, int *first);

/* Writes ms/k milliseconds (k > 0) for people, with up to 3 decimals:
 * "428.571ms", "-250ms". */
static void format_step(int64_t ms, int64_t k, char *buf, size_t n)
{
    int64_t a = ms < 0 ? -ms : ms;
    int64_t milli = a % k * 1000 / k; /* thousandths of a millisecond */
    if (milli)
        snprintf(buf, n, "%s%lld.%03lldms", ms < 0 ? "-" : "", (long long)(a / k), (long long)milli);
    else
        snprintf(buf, n, "%s%lldms", ms < 0 ? "-" : "", (long long)(a / k));
}

/* Reports a phase or wait (what) whose value v, written as `as`, is 0 ms. */
static int zero_len(builder *b, const char *file, const ast_value *v, const ast_value *as, const char *what)
{
    if (strcmp(what, "wait") == 0)
        return diag_set(b->d, file, v->loc.line, v->loc.col,
                        "wait must last longer than 0 ms; give it a duration or remove it");
    return diag_set(b->d, file, v->loc.line, v->loc.col,
                    "%s must last longer than 0 ms (it is %s here); give it a duration", what,
                    as->param ? as->param : "0");
}

/* The length of a phase or wait: one duration (dur), or a stepped one
 * (dur..last, stepped) that steps with the innermost counted repeat around
 * it, of rep cycles (0: none; -1: `repeat for`). Sets *ms to the first
 * cycle's length, *last_ms to the last's (0 when not stepped) and *step to
 * the exact change per cycle. Returns 0, or -1 with d set: a length of 0, a
 * stepped duration outside a counted repeat, or a step that is not a whole
 * number of milliseconds (with the values that would be). */
static int span_len(builder *b, const scope *sc, const ast_value *dur, const ast_value *last, int stepped,
                    int64_t rep, const char *what, int64_t *ms, int64_t *last_ms, int64_t *step)
{
    ast_value v, w;
    const char *file = sc->s->path;
    if (eval(b, sc->s, sc->pv, dur, &v) != 0)
        return -1;
    if (v.ms <= 0)
        return zero_len(b, file, &v, dur, what);
    *ms = v.ms;
    *last_ms = 0;
    *step = 0;
    if (!stepped)
        return 0;
    if (eval(b, sc->s, sc->pv, last, &w) != 0)
        return -1;
    if (w.ms <= 0)
        return zero_len(b, file, &w, last, what);
    if (rep <= 0)
        return diag_set(b->d, file, v.loc.line, v.loc.col,
                        "a stepped duration belongs inside repeat COUNT (it steps with that repeat); "
                        "put it in one, or write one duration");
    *last_ms = w.ms;
    if (rep == 1)
        return 0; /* one cycle: FIRST */
    int64_t diff = w.ms - v.ms, k = rep - 1;
    if (diff % k == 0) {
        *step = diff / k;
        return 0;
    }
    /* not whole milliseconds: say what the step would be, and what works */
    char a[32], z[32], st[48], lo[32], hi[32], counts[96] = "";
    units_format_duration(v.ms, a, sizeof a);
    units_format_duration(w.ms, z, sizeof z);
    format_step(diff, k, st, sizeof st);
    int64_t down = v.ms + diff / k * k;           /* towards FIRST */
    int64_t up = down + (diff < 0 ? -k : k);      /* away from FIRST */
    units_format_duration(down > 0 ? down : up, lo, sizeof lo);
    units_format_duration(up > 0 ? up : down, hi, sizeof hi);
    int64_t below = 0, above = 0, adiff = diff < 0 ? -diff : diff;
    for (int64_t c = rep - 1; c >= 2 && !below; c--)
        if (adiff % (c - 1) == 0)
            below = c;
    for (int64_t c = rep + 1; c <= rep + 1000 && !above; c++)
        if (adiff % (c - 1) == 0)
            above = c;
    if (below && above)
        snprintf(counts, sizeof counts, ", or repeat %lld or %lld times", (long long)below, (long long)above);
    else if (below || above)
        snprintf(counts, sizeof counts, ", or repeat %lld times", (long long)(below ? below : above));
    return diag_set(b->d, file, v.loc.line, v.loc.col,
                    "%s..%s over %lld cycles would step %s per cycle, not a whole number of "
                    "milliseconds; end it at %s..%s or %s..%s%s",
                    a, z, (long long)rep, st, a, lo, a, hi, counts);
}

/* Builds the count=down cue list of a phase lasting ms (scaled by the tempo;
 * a stepped phase: its longest cycle): tel_1 .. tel_K for the whole seconds
 * it lasts, at most TL_COUNT_MAX. */
static int build_count(builder *b, const scope *sc, item *it, const ast_node *n)
{
    static const char *const ids[TL_COUNT_MAX] = {"tel_1", "tel_2", "tel_3", "tel_4", "tel_5",
                                                  "tel_6", "tel_7", "tel_8", "tel_9", "tel_10"};
    int64_t longest = it->u.phase.last_ms > it->u.phase.ms ? it->u.phase.last_ms : it->u.phase.ms;
    int64_t real_s = longest / b->o->tempo_milli; /* ms*1000/tempo_milli/1000 */
    int k = real_s > TL_COUNT_MAX ? TL_COUNT_MAX : (int)real_s;
    for (int i = 0; i < k; i++) {
        int c = intern_cue(b, sc->voice, ids[i], sc->s->path, n->u.phase.count_loc);
        if (c < 0)
            return -1;
        it->u.phase.count_cue[i] = c;
    }
    it->u.phase.ncount = k;
    return 0;
}

/* phase "Label" DURATION [cue=ID] [tone=KIND[:LO-HI]] [pulse=BPM] [count=down] */
static int build_phase(builder *b, const scope *sc, const ast_node *n, int idx, int64_t rep)
{
    ast_value v;
    item *it = &b->tl->items[idx];
    it->u.phase.label = n->u.phase.label;
    if (span_len(b, sc, &n->u.phase.dur, &n->u.phase.last, n->u.phase.stepped, rep, "a phase",
                 &it->u.phase.ms, &it->u.phase.last_ms, &it->len_step) != 0)
        return -1;
    it->u.phase.cue = -1;
    if (n->u.phase.cue) {
        int c = intern_cue(b, sc->voice, n->u.phase.cue, sc->s->path, n->u.phase.cue_loc);
        if (c < 0)
            return -1;
        b->tl->items[idx].u.phase.cue = c;
    }
    it = &b->tl->items[idx];
    it->u.phase.tone = n->u.phase.tone;
    if (n->u.phase.tone != ADEM_TONE_NONE) {
        float lo = TL_TONE_LOW, hi = TL_TONE_HIGH;
        if (n->u.phase.has_range) {
            it->u.phase.f_from = (float)n->u.phase.f_from;
            it->u.phase.f_to = (float)n->u.phase.f_to;
        } else if (n->u.phase.tone == ADEM_TONE_RISE) {
            it->u.phase.f_from = lo;
            it->u.phase.f_to = hi;
        } else if (n->u.phase.tone == ADEM_TONE_FALL) {
            it->u.phase.f_from = hi;
            it->u.phase.f_to = lo;
        } else {
            it->u.phase.f_from = it->u.phase.f_to = hi;
        }
    }
    if (n->u.phase.has_pulse) {
        if (eval(b, sc->s, sc->pv, &n->u.phase.bpm, &v) != 0)
            return -1;
        if (v.i < 30 || v.i > 240)
            return diag_set(b->d, sc->s->path, v.loc.line, v.loc.col,
                            "pulse=%lld is out of range; a pulse is 30 to 240 beats a minute",
                            (long long)v.i);
        it->u.phase.bpm = (int)v.i;
    }
    if (n->u.phase.count_down)
        return build_count(b, sc, it, n);
    return 0;
}

/* Parses the NAME=VALUE arguments of a `play` line against the inner
 * session's parameters into vals (one per inner param, defaults first). */
static int play_args(builder *b, const scope *sc, const ast_node *n, const ast_session *inner,
                     pval *vals)
{
    for (int i = 0; i < n->u.play.nargs; i++) {
        const ast_arg *a = &n->u.play.args[i];
        int j = 0;
        while (j < inner->nparams && strcmp(inner->params[j].name, a->name) != 0)
            j++;
        if (j == inner->nparams) {
            char list[256];
            param_list(inner, list, sizeof list);
            return diag_set(b->d, sc->s->path, a->loc.line, a->loc.col,
                            "session '%s' has no parameter '%s' (%s); fix the name", n->u.play.target,
                            a->name, list);
        }
        if (a->value[0] == '$') {
            /* play x n=$m: the value of this session's own parameter m */
            ast_value ref = inner->params[j].def;
            ref.param = a->value + 1;
            ref.loc = a->value_loc;
            if (eval(b, sc->s, sc->pv, &ref, &vals[j].v) != 0)
                return -1;
            continue;
        }
        char err[UNITS_ERR_MAX];
        if (parse_typed(&inner->params[j], a->value, &vals[j].v, err) != 0)
            return diag_set(b->d, sc->s->path, a->value_loc.line, a->value_loc.col,
                            "%s=%s: %s (parameter '%s' of '%s' is %s)", a->name, a->value, err,
                            a->name, n->u.play.target, type_name(inner->params[j].def.type));
    }
    return 0;
}

/* play SESSION [NAME=VALUE ...]: the inner session as a block, after checking
 * that it is not already being played further up (a cycle). */
static int build_play(builder *b, const scope *sc, const ast_node *n, int depth, int *out)
{
    if (!b->ld->load)
        return diag_set(b->d, sc->s->path, n->loc.line, n->loc.col,
                        "`play` is not available here; give the sessions on the command line");
    const ast_session *inner = NULL;
    const char *key = NULL;
    if (b->ld->load(b->ld->load_ctx, n->u.play.target, sc->s->path, &inner, &key, b->d) != 0) {
        if (!b->d->file[0] || b->d->line == 0) {
            /* the loader gave no position: say where the play is */
            char msg[ADEM_DIAG_MSG_MAX];
            snprintf(msg, sizeof msg, "%s", b->d->msg);
            int st = b->d->status;
            diag_set(b->d, sc->s->path, n->u.play.target_loc.line, n->u.play.target_loc.col, "%s", msg);
            b->d->status = st;
        }
        return -1;
    }
    for (const chain *c = sc->ch; c; c = c->up) {
        if (strcmp(c->key, key) == 0) {
            char path[600];
            size_t used = (size_t)snprintf(path, sizeof path, "%s", n->u.play.target);
            for (const chain *d = sc->ch; d && used < sizeof path; d = d->up) {
                used += (size_t)snprintf(path + used, sizeof path - used, " <- %s", d->name);
                if (d == c)
                    break;
            }
            return diag_set(b->d, sc->s->path, n->u.play.target_loc.line,
                            n->u.play.target_loc.col,
                            "sessions play each other in a cycle (%s); remove one of the `play` lines",
                            path);
        }
    }
    pval *vals = calloc((size_t)(inner->nparams ? inner->nparams : 1), sizeof *vals);
    if (!vals)
        return diag_runtime(b->d, "out of memory while compiling the session");
    for (int j = 0; j < inner->nparams; j++) {
        vals[j].decl = &inner->params[j];
        vals[j].v = inner->params[j].def;
    }
    int rc = play_args(b, sc, n, inner, vals);
    if (rc == 0) {
        chain link = {key, n->u.play.target, sc->ch};
        const char *voice = b->o->voice ? b->o->voice : inner->voice ? inner->voice : sc->voice;
        rc = build_session(b, inner, vals, voice, &link, n->loc, depth);
        if (rc >= 0) {
            *out = rc;
            rc = 0;
        }
    }
    free(vals);
    return rc;
}

/* One statement -> one item (a block for repeat and play). Returns the item
 * index, or -1 with d set. */
static int build_node(builder *b, const scope *sc, const ast_node *n, int depth, int64_t rep)
{
    ast_value v;
    int idx;
    const char *file = sc->s->path;
    switch (n->kind) {
    case AST_SPEAK: {
        int c = intern_cue(b, sc->voice, n->u.speak.cue, file, n->u.speak.cue_loc);
        if (c < 0 || (idx = new_item(b, IT_SPEAK, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.speak.cue = c;
        return idx;
    }
    case AST_WAIT: {
        int64_t ms, last_ms, step;
        if (span_len(b, sc, &n->u.wait.dur, &n->u.wait.last, n->u.wait.stepped, rep, "wait", &ms, &last_ms,
                     &step) != 0)
            return -1;
        if ((idx = new_item(b, IT_WAIT, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.wait.ms = ms;
        b->tl->items[idx].u.wait.last_ms = last_ms;
        b->tl->items[idx].len_step = step;
        return idx;
    }
    case AST_PHASE:
        if ((idx = new_item(b, IT_PHASE, file, n->loc, depth)) < 0)
            return -1;
        return build_phase(b, sc, n, idx, rep) == 0 ? idx : -1;
    case AST_BELL: {
        double db = 0;
        if (n->u.bell.has_level) {
            if (eval(b, sc->s, sc->pv, &n->u.bell.level, &v) != 0)
                return -1;
            db = v.db;
        }
        if ((idx = new_item(b, IT_BELL, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.bell.gain = (float)units_db_to_gain(db);
        return idx;
    }
    case AST_BED: {
        double db = 0;
        if (n->u.bed.noise != ADEM_NOISE_OFF) {
            if (eval(b, sc->s, sc->pv, &n->u.bed.level, &v) != 0)
                return -1;
            db = v.db;
        }
        if ((idx = new_item(b, IT_BED, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.bed.noise = n->u.bed.noise;
        b->tl->items[idx].u.bed.gain =
            n->u.bed.noise == ADEM_NOISE_OFF ? 0.0f : (float)units_db_to_gain(db);
        return idx;
    }
    case AST_MARK:
        if ((idx = new_item(b, IT_MARK, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.mark.label = n->u.mark.label;
        return idx;
    case AST_HOLD:
        v = n->u.hold.max;
        if (n->u.hold.has_max && eval(b, sc->s, sc->pv, &n->u.hold.max, &v) != 0)
            return -1;
        if (v.ms < 0)
            return diag_set(b->d, file, v.loc.line, v.loc.col,
                            "a hold's max= cannot be negative; give the longest wait, or leave it out");
        if ((idx = new_item(b, IT_HOLD, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.hold.label = n->u.hold.label;
        b->tl->items[idx].u.hold.ms = n->u.hold.has_max ? v.ms : 0;
        return idx;
    case AST_REPEAT:
    case AST_REPEAT_FOR: {
        if (eval(b, sc->s, sc->pv, &n->u.repeat.count, &v) != 0)
            return -1;
        int is_for = n->kind == AST_REPEAT_FOR;
        if (is_for ? v.ms <= 0 : v.i < 1)
            return diag_set(b->d, file, v.loc.line, v.loc.col,
                            is_for ? "`repeat for` needs a duration longer than 0 ms; give one"
                                   : "a repeat needs a count of at least 1; give one");
        if ((idx = new_item(b, IT_BLOCK, file, n->loc, depth)) < 0)
            return -1;
        b->tl->items[idx].u.block.is_repeat = 1;
        b->tl->items[idx].u.block.count = is_for ? 1 : v.i;
        b->tl->items[idx].u.block.for_ms = is_for ? v.ms : 0;
        int first;
        if (build_list(b, sc, n->u.repeat.body, depth + 1, is_for ? -1 : v.i, &first) != 0)
            return -1;
        b->tl->items[idx].u.block.first = first;
        return idx;
    }
    case AST_PLAY: {
        int out = -1;
        return build_play(b, sc, n, depth, &out) == 0 ? out : -1;
    }
    }
    return diag_set(b->d, file, n->loc.line, n->loc.col, "internal error: unknown statement");
}

/* Builds the statements from n on as siblings; *first is the first one's
 * item index (or -1 when there are none). rep is the count of the innermost
 * counted repeat around them in their session (0: none, -1: `repeat for`). */
static int build_list(builder *b, const scope *sc, const ast_node *n, int depth, int64_t rep, int *first)
{
    int prev = -1;
    *first = -1;
    for (; n; n = n->next) {
        int idx = build_node(b, sc, n, depth, rep);
        if (idx < 0) {
            if (mistake(b) != 0)
                return -1;
            continue; /* left out */
        }
        if (prev < 0)
            *first = idx;
        else
            b->tl->items[prev].next = idx;
        prev = idx;
    }
    return 0;
}

/* A session instance as a block: its parameters are `given` (one per param,
 * already typed). Returns the block's item index, or -1 with d set. */
static int build_session(builder *b, const ast_session *s, const pval *given, const char *voice,
                         const chain *up, ast_loc at, int depth)
{
    int idx = new_item(b, IT_BLOCK, s->path, at, depth);
    if (idx < 0)
        return -1;
    b->tl->items[idx].u.block.is_session = 1;
    b->tl->items[idx].u.block.count = 1;
    b->tl->items[idx].u.block.title = s->title;
    scope sc = {s, given, voice, up};
    int first;
    if (build_list(b, &sc, s->body, depth + 1, 0, &first) != 0)
        return -1;
    b->tl->items[idx].u.block.first = first;
    return idx;
}

/* Writes the default value of p for people ("4", "7s", "-12dB"). */
static void format_default(const ast_param *p, char *buf, size_t n)
{
    if (p->def.type == AST_INT)
        snprintf(buf, n, "%lld", (long long)p->def.i);
    else if (p->def.type == AST_DURATION)
        units_format_duration(p->def.ms, buf, n);
    else
        snprintf(buf, n, "%gdB", p->def.db);
}

/* Applies the overrides to one top-level session's values; marks in used[]
 * which overrides it declares. */
static int apply_sets(builder *b, const ast_session *s, pval *vals, int *used)
{
    for (int i = 0; i < b->o->nsets; i++) {
        const tl_override *ov = &b->o->sets[i];
        for (int j = 0; j < s->nparams; j++) {
            if (strcmp(s->params[j].name, ov->name) != 0)
                continue;
            char err[UNITS_ERR_MAX], def[64];
            format_default(&s->params[j], def, sizeof def);
            used[i] = 1;
            if (parse_typed(&s->params[j], ov->value, &vals[j].v, err) != 0) {
                diag_set(b->d, NULL, 0, 0, "%s%s%s=%s: %s (parameter '%s' of %s is %s, default %s)",
                         ov->from ? ov->from : "", ov->from ? " " : "", ov->name, ov->value, err, ov->name,
                         s->path, type_name(s->params[j].def.type), def);
                vals[j].v = s->params[j].def; /* go on with the default */
                if (mistake(b) != 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* ---- Navigation -------------------------------------------------------------- */

/* 1 if item it is a stop itself: where a skip lands. */
static int is_stop(const item *it)
{
    return it->kind == IT_PHASE || it->kind == IT_MARK ||
           (it->kind == IT_BLOCK && it->u.block.is_session);
}

/* Fills the navigation fields (tl_repr.h) of block b's children and of b's
 * body, recursing into child blocks (nesting is at most TL_MAX_DEPTH deep).
 * Returns 1 if b's body holds a stop, 0 if not, -1 when memory runs out. */
static int index_block(timeline *tl, int b)
{
    int n = 0, any = 0;
    for (int k = tl->items[b].u.block.first; k >= 0; k = tl->items[k].next)
        n++;
    int *kids = malloc((size_t)(n ? n : 1) * sizeof *kids);
    if (!kids)
        return -1;
    n = 0;
    int bed = -1;
    for (int k = tl->items[b].u.block.first; k >= 0; k = tl->items[k].next) {
        item *it = &tl->items[k];
        kids[n++] = k;
        it->bed_prev = bed;
        it->stop = is_stop(it);
        if (it->kind == IT_BLOCK) {
            int r = index_block(tl, k);
            if (r < 0) {
                free(kids);
                return -1;
            }
            it = &tl->items[k];
            it->stop |= r;
            if (it->u.block.bed_last >= 0)
                bed = it->u.block.bed_last;
        } else if (it->kind == IT_BED) {
            bed = k;
        }
        any |= it->stop;
    }
    int next = -1;
    for (int i = n - 1; i >= 0; i--) {
        item *it = &tl->items[kids[i]];
        if (it->stop)
            next = kids[i];
        it->nav_next = next;
    }
    tl->items[b].u.block.bed_last = bed;
    free(kids);
    return any;
}

/* The lead-in of o->countdown_ms: a session block titled
 * TL_COUNTDOWN_TITLE holding one phase of that length with a soft beat every
 * second (scaled by the tempo like any phase). Built from no session text:
 * items only. Returns the block's item index, or -1 with d set. */
static int build_countdown(builder *b, int64_t ms)
{
    static const char file[] = "(countdown)";
    ast_loc at = {1, 1};
    int blk = new_item(b, IT_BLOCK, file, at, 1);
    int ph = blk < 0 ? -1 : new_item(b, IT_PHASE, file, at, 2);
    if (ph < 0)
        return -1;
    item *it = &b->tl->items[blk];
    it->u.block.is_session = 1;
    it->u.block.count = 1;
    it->u.block.title = TL_COUNTDOWN_TITLE;
    it->u.block.first = ph;
    it = &b->tl->items[ph];
    it->u.phase.label = TL_COUNTDOWN_LABEL;
    it->u.phase.ms = ms;
    it->u.phase.cue = -1;
    it->u.phase.tone = ADEM_TONE_NONE;
    it->u.phase.bpm = TL_COUNTDOWN_BPM;
    return blk;
}

/* Links item idx after prev in the root block (prev < 0: the first). */
static void link_top(timeline *tl, int root, int prev, int idx)
{
    if (prev < 0)
        tl->items[root].u.block.first = idx;
    else
        tl->items[prev].next = idx;
}

static int build_all(const ast_session *const *sessions, int n, const tl_options *o, const tl_loader *ld,
                     timeline **out, adem_diag *d, adem_diag_list *errs);

int timeline_build(const ast_session *const *sessions, int n, const tl_options *o,
                   const tl_loader *ld, timeline **out, adem_diag *d)
{
    return build_all(sessions, n, o, ld, out, d, NULL);
}

int timeline_check(const ast_session *const *sessions, int n, const tl_options *o, const tl_loader *ld,
                   timeline **out, adem_diag_list *errs)
{
    adem_diag d;
    diag_clear(&d);
    int before = diag_list_count(errs);
    int rc = build_all(sessions, n, o, ld, out, &d, errs);
    if (rc != 0 && diag_list_count(errs) == before)
        diag_list_add(errs, &d); /* it stopped at once: a wrong option, no memory */
    return rc;
}

/* timeline_build, or with errs timeline_check: the one builder. */
static int build_all(const ast_session *const *sessions, int n, const tl_options *o, const tl_loader *ld,
                     timeline **out, adem_diag *d, adem_diag_list *errs)
{
    static const tl_loader no_loader = {NULL, NULL, NULL};
    *out = NULL;
    if (tl_options_check(o, d) != 0)
        return -1;
    timeline *tl = calloc(1, sizeof *tl);
    if (!tl)
        return diag_runtime(d, "out of memory while compiling the session");
    tl->tempo_milli = o->tempo_milli;
    builder b = {tl, o, ld ? ld : &no_loader, d, errs, 0};
    int *used = calloc((size_t)(o->nsets ? o->nsets : 1), sizeof *used);
    ast_loc top = {0, 0};
    int rc = used ? 0 : diag_runtime(d, "out of memory while compiling the session");
    int root = rc == 0 ? new_item(&b, IT_BLOCK, NULL, top, 0) : -1;
    if (root < 0)
        rc = -1;
    else
        tl->items[root].u.block.count = 1;
    int prev = -1;
    if (rc == 0 && o->countdown_ms > 0) {
        int idx = build_countdown(&b, o->countdown_ms);
        if (idx < 0)
            rc = -1;
        else {
            link_top(tl, root, prev, idx);
            prev = idx;
        }
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        const ast_session *s = sessions[i];
        pval *vals = calloc((size_t)(s->nparams ? s->nparams : 1), sizeof *vals);
        if (!vals) {
            rc = diag_runtime(d, "out of memory while compiling the session");
            break;
        }
        for (int j = 0; j < s->nparams; j++) {
            vals[j].decl = &s->params[j];
            vals[j].v = s->params[j].def;
        }
        int idx = -1;
        if (apply_sets(&b, s, vals, used) == 0) {
            const char *const *keys = b.ld->keys;
            chain link = {keys && keys[i] ? keys[i] : s->path, s->path, NULL};
            const char *voice = o->voice ? o->voice : s->voice ? s->voice : "nl";
            ast_loc at = {1, 1};
            idx = build_session(&b, s, vals, voice, &link, at, 1);
        }
        free(vals);
        if (idx < 0) {
            rc = -1;
            break;
        }
        if (i > 0 && o->gap_ms > 0) {
            int g = new_item(&b, IT_WAIT, NULL, top, 1);
            if (g < 0) {
                rc = -1;
                break;
            }
            tl->items[g].u.wait.ms = o->gap_ms;
            tl->items[g].u.wait.unscaled = 1;
            tl->items[prev].next = g;
            prev = g;
        }
        tl->items[idx].u.block.ordinal = i + 1;
        link_top(tl, root, prev, idx);
        prev = idx;
    }
    tl->nsessions = n;
    for (int i = 0; rc == 0 && i < o->nsets; i++)
        if (!used[i]) {
            diag_set(d, NULL, 0, 0, "%s%s%s: no session here has a parameter '%s'; "
                     "see `adem show` or the session file for its parameters",
                     o->sets[i].from ? o->sets[i].from : "", o->sets[i].from ? " " : "",
                     o->sets[i].name, o->sets[i].name);
            rc = mistake(&b) == 0 ? 0 : -1;
        }
    free(used);
    if (rc != 0 && !(errs && b.nerrs > 0 && d->status == ADEM_EXIT_INPUT)) {
        timeline_free(tl);
        return -1;
    }
    tl->root = root;
    if (index_block(tl, root) < 0) {
        timeline_free(tl);
        return diag_runtime(d, "out of memory while compiling the session");
    }
    tl->title = n > 0 ? sessions[0]->title : "";
    *out = tl;
    return b.nerrs > 0 || rc != 0 ? -1 : 0;
}

int timeline_one_cue(const char *title, const char *pack, const char *id, const char *file,
                     timeline **out, adem_diag *d)
{
    static const tl_options defaults = {.tempo_milli = TL_TEMPO_DEFAULT};
    static const tl_loader no_loader = {NULL, NULL, NULL};
    *out = NULL;
    timeline *tl = calloc(1, sizeof *tl);
    if (!tl)
        return diag_runtime(d, "out of memory while compiling the session");
    tl->tempo_milli = TL_TEMPO_DEFAULT;
    builder b = {tl, &defaults, &no_loader, d, NULL, 0};
    ast_loc top = {0, 0}, at = {1, 1};
    int root = new_item(&b, IT_BLOCK, NULL, top, 0);
    int blk = root < 0 ? -1 : new_item(&b, IT_BLOCK, file, at, 1);
    int cue = blk < 0 ? -1 : intern_cue(&b, pack, id, file, at);
    int sp = cue < 0 ? -1 : new_item(&b, IT_SPEAK, file, at, 2);
    if (sp < 0) {
        timeline_free(tl);
        return -1;
    }
    tl->items[root].u.block.count = 1;
    tl->items[root].u.block.first = blk;
    tl->items[blk].u.block.is_session = 1;
    tl->items[blk].u.block.count = 1;
    tl->items[blk].u.block.title = title;
    tl->items[blk].u.block.first = sp;
    tl->items[sp].u.speak.cue = cue;
    tl->root = root;
    tl->title = title;
    *out = tl;
    return 0;
}

void timeline_free(timeline *tl)
{
    if (!tl)
        return;
    free(tl->items);
    free(tl->cues);
    free(tl->cue_hash);
    free(tl->cue_len);
    free(tl);
}

int timeline_ncues(const timeline *tl)
{
    return tl->ncues;
}

const tl_cue *timeline_cue(const timeline *tl, int i)
{
    return &tl->cues[i];
}

int timeline_size(const timeline *tl)
{
    return tl->nitems;
}

int timeline_sessions(const timeline *tl)
{
    return tl->nsessions;
}

const char *timeline_title(const timeline *tl)
{
    return tl->title;
}

/* ---- Layout ----------------------------------------------------------------- */


typedef struct layout_ctx {
    timeline *tl;
    const int64_t *cue_frames;
    int64_t max_frames; /* 24 hours at the rate */
    adem_diag *d;
} layout_ctx;

/* Writes a clock time for a frame count at the timeline's rate. */
static void clock_of(const timeline *tl, int64_t frames, char *buf, size_t n)
{
    units_format_clock(frames / tl->rate * 1000 + frames % tl->rate * 1000 / tl->rate, buf, n);
}

/* Reports a session longer than 24 hours at item it. */
static int too_long(layout_ctx *c, const item *it, int64_t frames)
{
    char len[64];
    if (frames < 0 || frames > c->max_frames * 1000)
        snprintf(len, sizeof len, "far more than 24 hours");
    else {
        clock_of(c->tl, frames, len, sizeof len);
        strcat(len, " (h:mm:ss)");
    }
    if (it->kind == IT_BLOCK && it->u.block.is_repeat)
        return diag_set(c->d, it->file, it->loc.line, it->loc.col,
                        "this repeat makes the session last %s; a session may last at most 24 hours, "
                        "so use a smaller count", len);
    return diag_set(c->d, it->file, it->loc.line > 0 ? it->loc.line : 1,
                    it->loc.col > 0 ? it->loc.col : 1,
                    "the session lasts %s; a session may last at most 24 hours, so shorten it", len);
}

/* Reports sessions given together (on the command line) that last longer than
 * 24 hours together, each one shorter: no one file is to blame. `frames` is
 * what they reach at the first one that crosses the limit. */
static int too_long_run(layout_ctx *c, int64_t frames)
{
    char len[64];
    clock_of(c->tl, frames, len, sizeof len);
    return diag_set(c->d, NULL, 0, 0,
                    "the sessions given together last at least %s (h:mm:ss); together they may "
                    "last at most 24 hours, so play fewer of them at once",
                    len);
}

/* Lays out item i (and its children): sets len, and for blocks each child's
 * offset, the body length and the `repeat for` count. */
static int layout_item(layout_ctx *c, int i)
{
    timeline *tl = c->tl;
    item *it = &tl->items[i];
    xtime zero = {0, 0};
    it->len = zero;
    switch (it->kind) {
    case IT_SPEAK:
        it->len.cf = c->cue_frames[it->u.speak.cue];
        return 0;
    case IT_WAIT:
        if (it->u.wait.unscaled)
            it->len.cf = it->u.wait.ms * tl->rate / 1000; /* --gap: real time */
        else
            it->len.ms = it->u.wait.ms;
        break;
    case IT_HOLD:
        it->len.ms = it->u.hold.ms; /* without a listener it lasts its max */
        break;
    case IT_PHASE:
        it->len.ms = it->u.phase.ms;
        it->u.phase.cue_frames = it->u.phase.cue >= 0 ? c->cue_frames[it->u.phase.cue] : 0;
        break;
    case IT_BELL:
    case IT_BED:
    case IT_MARK:
        return 0;
    case IT_BLOCK: {
        /* body: the first iteration; step: its change per iteration; the
         * last iteration (count known here for a counted repeat; a `repeat
         * for` has no steps) is body + step*(count-1), where step*(count-1)
         * is the sum of the children's LAST-FIRST: small, exact */
        xtime body = zero, last;
        int64_t step = 0, span = it->u.block.count - 1;
        for (int k = it->u.block.first; k >= 0; k = tl->items[k].next) {
            if (layout_item(c, k) != 0)
                return -1;
            it = &tl->items[i];
            tl->items[k].off = body;
            tl->items[k].off_step = step;
            body.ms += tl->items[k].len.ms;
            body.cf += tl->items[k].len.cf;
            step += tl->items[k].len_step;
            last.ms = body.ms + step * span;
            last.cf = body.cf;
            if (tl_to_frame(tl, body) > c->max_frames && i == tl->root)
                return too_long_run(c, tl_to_frame(tl, body));
            if (tl_to_frame(tl, body) > c->max_frames) {
                const item *kid = &tl->items[k];
                /* a `play` that crosses the limit with what came before it:
                 * the session that holds the play lines is too long */
                int play = kid->kind == IT_BLOCK && kid->u.block.is_session;
                return too_long(c, play ? it : kid, tl_to_frame(tl, body));
            }
            if (tl_to_frame(tl, last) > c->max_frames) /* a stepped repeat's last cycle */
                return too_long(c, &tl->items[k], tl_to_frame(tl, last));
        }
        it->u.block.body = body;
        it->u.block.body_step = step;
        int64_t body_frames = tl_to_frame(tl, body);
        if (it->u.block.is_repeat && body_frames <= 0)
            return diag_set(c->d, it->file, it->loc.line, it->loc.col,
                            "this repeat takes no time (it has no speak, wait or phase); add one, "
                            "or remove the repeat");
        if (it->u.block.for_ms > 0) {
            /* whole cycles filling the duration, rounded to the nearest, >= 1:
             * round((for_ms*rate/1000) / (body.ms*rate/tempo + body.cf)) */
            int64_t num = it->u.block.for_ms * tl->rate * tl->tempo_milli;
            int64_t den = body.ms * tl->rate * 1000 + body.cf * 1000 * tl->tempo_milli;
            int64_t count = (2 * num + den) / (2 * den);
            it->u.block.count = count < 1 ? 1 : count;
        }
        int64_t count = it->u.block.count;
        /* the shortest iteration is the first or the last */
        xtime lastb = {body.ms + step * (count - 1), body.cf};
        int64_t min_frames = tl_to_frame(tl, lastb) < body_frames ? tl_to_frame(tl, lastb) : body_frames;
        if (min_frames > 0 && count > c->max_frames / min_frames + 1)
            return too_long(c, it, -1);
        /* count*body + step*count*(count-1)/2, with step*(count-1) small */
        it->len.ms = body.ms * count + step * (count - 1) * count / 2;
        it->len.cf = body.cf * count;
        break;
    }
    }
    if (tl_to_frame(tl, it->len) > c->max_frames)
        return too_long(c, it, tl_to_frame(tl, it->len));
    return 0;
}

int timeline_layout(timeline *tl, int rate, const int64_t *cue_frames, adem_diag *d)
{
    if (rate < TL_RATE_MIN || rate > TL_RATE_MAX)
        return diag_set(d, NULL, 0, 0, "a sample rate of %d Hz is out of range; use %d to %d",
                        rate, TL_RATE_MIN, TL_RATE_MAX);
    for (int i = 0; i < tl->ncues; i++)
        if (cue_frames[i] < 1)
            return diag_set(d, tl->cues[i].file, tl->cues[i].loc.line, tl->cues[i].loc.col,
                            "cue '%s' is empty; record it again", tl->cues[i].id);
    tl->rate = rate;
    free(tl->cue_len);
    tl->cue_len = malloc(((size_t)tl->ncues + 1) * sizeof *tl->cue_len);
    if (!tl->cue_len)
        return diag_runtime(d, "out of memory while compiling the session");
    if (tl->ncues)
        memcpy(tl->cue_len, cue_frames, (size_t)tl->ncues * sizeof *tl->cue_len);
    layout_ctx c = {tl, cue_frames, (int64_t)24 * 3600 * rate, d};
    tl->laid_out = 0;
    if (layout_item(&c, tl->root) != 0)
        return -1;
    tl->frames = tl_to_frame(tl, tl->items[tl->root].len);
    tl->laid_out = 1;
    return 0;
}

int timeline_rate(const timeline *tl)
{
    return tl->rate;
}

int64_t timeline_frames(const timeline *tl)
{
    return tl->frames;
}
