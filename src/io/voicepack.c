/* voicepack: finds, reads and converts the voice cues a timeline needs
 * (see voicepack.h). libsndfile decodes, libsamplerate converts the rate;
 * files are reached through standard C stdio and platform.h only. */
#include "io/voicepack.h"

#include <stdarg.h>
#include <sndfile.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/textdist.h"
#include "sys/platform.h"
#include "io/ogglen.h"
#include "io/resample.h"
#include "io/transcript.h"

enum {
    VP_BLOCK = 8192,        /* frames decoded per sf_readf_float call */
    VP_OUT_BLOCK = 1 << 20, /* most frames asked of one src_process call */
    VP_PATH_MAX = 4096,     /* buffer for canonical paths */
    VP_MIN_RATE = 8000,
    VP_MAX_RATE = 192000
};

/* One cue: what the timeline asked for, where it was found, what was decoded. */
typedef struct vp_entry {
    char *id;
    char *pack;
    char *file;     /* the session file that uses the cue, or NULL */
    ast_loc loc;    /* where it uses it first */
    char *path;     /* the audio file chosen */
    float *samples; /* decoded at the rate of the last voicepack_load, or NULL */
    int64_t frames;
} vp_entry;

struct voicepack {
    int n;
    vp_entry *e;
    char **checked; /* pack folders whose transcript.tsv was checked */
    int nchecked;
};

/* The extensions looked for, in order. */
static const char *const vp_exts[] = {".ogg", ".flac", ".wav"};
enum { VP_NEXTS = (int)(sizeof vp_exts / sizeof vp_exts[0]) };

/* A malloc'd copy of s, or NULL when s is NULL or memory runs out. */
static char *vp_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

/* A malloc'd "a<SEP>b<c>" (c may be ""; no second separator when a ends with
 * one), or NULL when memory runs out. */
static char *vp_join(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    size_t ls = (la > 0 && (a[la - 1] == '/' || a[la - 1] == PLATFORM_SEP)) ? 0 : 1;
    char *p = malloc(la + ls + lb + lc + 1);
    if (!p)
        return NULL;
    memcpy(p, a, la);
    if (ls)
        p[la] = PLATFORM_SEP;
    memcpy(p + la + ls, b, lb);
    memcpy(p + la + ls + lb, c, lc + 1);
    return p;
}

/* 1 when a pack name is a folder: it has a separator or starts with '.'. */
static int vp_is_folder(const char *pack)
{
    return pack[0] == '.' || strchr(pack, '/') != NULL || strchr(pack, '\\') != NULL;
}

/* Sets d to an error at the cue's place in its session (status 2). */
static int vp_err(adem_diag *d, const vp_entry *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int vp_err(adem_diag *d, const vp_entry *e, const char *fmt, ...)
{
    char msg[ADEM_DIAG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return diag_set(d, e->file, e->file ? e->loc.line : 0, e->file ? e->loc.col : 0, "%s", msg);
}

/* Sets d to "out of memory" for cue e, or for all cues when e is NULL (status 1). */
static int vp_oom(adem_diag *d, const vp_entry *e)
{
    if (!e)
        return diag_runtime(d, "not enough memory for the voice cues; close other programs and "
                               "try again");
    return diag_runtime(
        d, "not enough memory for voice cue '%s'; close other programs and try again", e->id);
}

/* Writes "looked in a, b, c" for the n folders of dirs into buf (or a note
 * when n is 0). */
static void vp_list_dirs(char *buf, size_t size, char *const *dirs, int n)
{
    size_t used = 0;
    buf[0] = '\0';
    if (n == 0) {
        snprintf(buf, size, "no voice pack folders are known");
        return;
    }
    for (int i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "looked in ", dirs[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* 1 when the real path of the existing file at path lies inside the real
 * path of dir, 0 when it lies outside, -1 when either cannot be resolved. */
static int vp_is_inside(const char *dir, const char *path)
{
    char real[VP_PATH_MAX], realdir[VP_PATH_MAX];
    if (platform_realpath(path, real, sizeof real) != 0 ||
        platform_realpath(dir, realdir, sizeof realdir) != 0)
        return -1;
    size_t n = strlen(realdir);
    return strncmp(real, realdir, n) == 0 &&
           ((n > 0 && (realdir[n - 1] == '/' || realdir[n - 1] == '\\')) || real[n] == '/' ||
            real[n] == '\\');
}

/* Checks that the existing file at path is a regular file whose real path lies
 * inside the real path of dir. Returns 0, or -1 with d set. */
static int vp_check_inside(const vp_entry *e, const char *dir, const char *path, adem_diag *d)
{
    const char *what = platform_not_file(path);
    if (what || !platform_is_file(path))
        return vp_err(d, e, "cue '%s': '%s': %s; replace it with a recording", e->id, path,
                      what ? what : "it is not a regular file");
    int inside = vp_is_inside(dir, path);
    if (inside < 0)
        return vp_err(d, e, "cue '%s': the path of '%s' cannot be resolved; use a shorter path",
                      e->id, path);
    if (!inside)
        return vp_err(
            d, e, "cue '%s': '%s' points outside its voice pack; copy the recording into the pack",
            e->id, path);
    return 0;
}

/* Checks the transcript.tsv of pack folder dir once per voicepack: a missing
 * one is fine; one that is not a regular file inside the pack, or that breaks
 * the rules of transcript.h, is an error at its file:line:col. Returns 0, or
 * -1 with d set. */
static int vp_check_transcript(voicepack *vp, const char *dir, adem_diag *d)
{
    char real[VP_PATH_MAX];
    for (int i = 0; i < vp->nchecked; i++)
        if (strcmp(vp->checked[i], dir) == 0)
            return 0;
    char *path = vp_join(dir, "transcript.tsv", "");
    char **nc = realloc(vp->checked, (size_t)(vp->nchecked + 1) * sizeof *nc);
    char *copy = vp_strdup(dir);
    if (nc)
        vp->checked = nc;
    if (!path || !nc || !copy) {
        free(path);
        free(copy);
        return vp_oom(d, NULL);
    }
    int rc = 0;
    if (platform_realpath(path, real, sizeof real) == 0) { /* else: no transcript */
        int inside = vp_is_inside(dir, path);
        const char *what = platform_not_file(path);
        if (what || !platform_is_file(path))
            rc = diag_set(d, NULL, 0, 0,
                          "'%s': %s; make it the pack's transcript (ID<TAB>text lines) or remove it",
                          path, what ? what : "it is not a regular file");
        else if (inside != 1)
            rc = diag_set(d, NULL, 0, 0,
                          "'%s' points outside its voice pack; copy the transcript into the pack",
                          path);
        else {
            transcript *t = NULL;
            rc = transcript_read(path, &t, d);
            transcript_free(t);
        }
    }
    free(path);
    if (rc != 0) {
        free(copy);
        return -1;
    }
    vp->checked[vp->nchecked++] = copy;
    return 0;
}

/* Offers the cue ID of a pack's file name (ID.ogg, .flac, .wav) as a
 * suggestion to the textdist_near ctx. */
static int vp_near_cue(const char *name, void *ctx)
{
    char id[TEXTDIST_MAX + 1];
    const char *dot = strrchr(name, '.');
    if (!dot || (size_t)(dot - name) > TEXTDIST_MAX)
        return 0;
    for (int k = 0; k < VP_NEXTS; k++)
        if (strcmp(dot, vp_exts[k]) == 0) {
            memcpy(id, name, (size_t)(dot - name));
            id[dot - name] = '\0';
            textdist_near_try(ctx, id);
        }
    return 0;
}

/* Looks for the cue's file in the folders of its pack (see voicepack.h), sets
 * e->path and checks the transcript of the folder it is in. Returns 0, or -1
 * with d set. */
static int vp_find(voicepack *vp, vp_entry *e, const vp_dirs *dirs, adem_diag *d)
{
    char *cand[4] = {NULL, NULL, NULL, NULL};
    int nc = 0, rc = -1;
    const char *user = dirs ? dirs->user : NULL;
    const char *builtin = dirs ? dirs->builtin : NULL;
    int fallback = strcmp(e->pack, "nl") != 0;
    char list[ADEM_DIAG_MSG_MAX];

    if (vp_is_folder(e->pack)) {
        if (!platform_is_dir(e->pack))
            return vp_err(d, e,
                          "voice pack folder '%s' does not exist; check the folder's name where "
                          "the pack is chosen (command line, config file or the session's voice "
                          "line)",
                          e->pack);
        if (!(cand[nc++] = vp_strdup(e->pack)))
            goto oom;
    } else {
        if (user && !(cand[nc++] = vp_join(user, e->pack, "")))
            goto oom;
        if (builtin && !(cand[nc++] = vp_join(builtin, e->pack, "")))
            goto oom;
        int installed = 0;
        for (int i = 0; i < nc; i++)
            installed |= platform_is_dir(cand[i]);
        if (fallback && !installed) {
            vp_list_dirs(list, sizeof list, cand, nc);
            vp_err(d, e,
                   "voice pack '%s' is not installed (%s); install it there, or choose the "
                   "pack by its folder",
                   e->pack, list);
            goto done;
        }
    }
    if (fallback) {
        if (user && !(cand[nc++] = vp_join(user, "nl", "")))
            goto oom;
        if (builtin && !(cand[nc++] = vp_join(builtin, "nl", "")))
            goto oom;
    }

    for (int i = 0; i < nc; i++) {
        if (!platform_is_dir(cand[i]))
            continue;
        for (int k = 0; k < VP_NEXTS; k++) {
            char real[VP_PATH_MAX];
            char *path = vp_join(cand[i], e->id, vp_exts[k]);
            if (!path)
                goto oom;
            if (platform_realpath(path, real, sizeof real) != 0) {
                free(path); /* not there */
                continue;
            }
            if (vp_check_inside(e, cand[i], path, d) != 0 ||
                vp_check_transcript(vp, cand[i], d) != 0) {
                free(path);
                goto done;
            }
            e->path = path;
            rc = 0;
            goto done;
        }
    }
    vp_list_dirs(list, sizeof list, cand, nc);
    textdist_near near;
    textdist_near_init(&near, e->id, strlen(e->id));
    for (int i = 0; i < nc; i++)
        if (platform_is_dir(cand[i]))
            platform_list_dir(cand[i], vp_near_cue, &near);
    if (textdist_near_best(&near))
        vp_err(d, e, "cue '%s' is not in voice pack '%s' (%s); did you mean '%s'? Else add %s.ogg to the pack",
               e->id, e->pack, list, textdist_near_best(&near), e->id);
    else
        vp_err(d, e, "cue '%s' is not in voice pack '%s' (%s); add %s.ogg to the pack or fix the name",
               e->id, e->pack, list, e->id);
    goto done;
oom:
    vp_oom(d, e);
done:
    for (int i = 0; i < nc; i++)
        free(cand[i]);
    return rc;
}

/* Finds a file for each cue (order in voicepack.h); 0, or -1 with d set. */
int voicepack_resolve(const tl_cue *cues, int n, const vp_dirs *dirs, voicepack **out, adem_diag *d)
{
    *out = NULL;
    if (n < 0)
        n = 0;
    voicepack *vp = calloc(1, sizeof *vp);
    if (!vp)
        return vp_oom(d, NULL);
    if (n > 0 && !(vp->e = calloc((size_t)n, sizeof *vp->e))) {
        free(vp);
        return vp_oom(d, NULL);
    }
    vp->n = n;
    for (int i = 0; i < n; i++) {
        vp_entry *e = &vp->e[i];
        e->id = vp_strdup(cues[i].id ? cues[i].id : "");
        e->pack = vp_strdup(cues[i].pack ? cues[i].pack : "nl");
        e->file = vp_strdup(cues[i].file);
        e->loc = cues[i].loc;
        if (!e->id || !e->pack || (cues[i].file && !e->file)) {
            vp_oom(d, NULL);
            voicepack_free(vp);
            return -1;
        }
        if (vp_find(vp, e, dirs, d) != 0) {
            voicepack_free(vp);
            return -1;
        }
    }
    *out = vp;
    return 0;
}

/* The length of a cue of `frames` frames at file_rate, converted to rate. */
static int64_t vp_length(int64_t frames, int file_rate, int rate)
{
    int64_t n = (frames * rate + file_rate / 2) / file_rate;
    return n < 1 ? 1 : n;
}

/* Formats a length in seconds, rounded up, as "M:SS" or "H:MM:SS". */
static void vp_fmt_length(int64_t frames, int rate, char *buf, size_t n)
{
    long long s = (long long)((frames + rate - 1) / rate);
    if (s >= 3600)
        snprintf(buf, n, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%lld:%02lld", s / 60, s % 60);
}

/* Reads a little-endian 32-bit value. */
static uint32_t vp_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* 1 when path is a RIFF WAVE file whose data chunk claims more bytes than the
 * file holds (libsndfile quietly shortens such files); *declared and *present
 * are then set. 0 otherwise, also when the file cannot be read. */
static int vp_wav_cut(const char *path, int64_t *declared, int64_t *present)
{
    int64_t size = platform_file_size(path);
    unsigned char h[12];
    int cut = 0;
    if (size < 12)
        return 0;
    const char *why;
    FILE *fp = platform_fopen_file(path, "rb", &why);
    if (!fp)
        return 0;
    if (fread(h, 1, 12, fp) == 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVE", 4) == 0) {
        int64_t pos = 12;
        for (int k = 0; k < 256 && pos + 8 <= size; k++) {
            if (platform_fseek(fp, pos, SEEK_SET) != 0 || fread(h, 1, 8, fp) != 8)
                break;
            uint32_t len = vp_le32(h + 4);
            if (memcmp(h, "data", 4) == 0) {
                /* 0 and 0xFFFFFFFF are "unknown" sizes left by streaming writers */
                if (len != 0 && len != 0xFFFFFFFFu && (int64_t)len > size - pos - 8) {
                    cut = 1;
                    *declared = len;
                    *present = size - pos - 8;
                }
                break;
            }
            pos += 8 + (int64_t)len + (len & 1);
        }
    }
    fclose(fp);
    return cut;
}

/* Opens the cue's file and checks it against the limits of voicepack.h, from
 * its headers only. Returns the open file with *info set, or NULL with d set. */
static SNDFILE *vp_open(const vp_entry *e, SF_INFO *info, adem_diag *d)
{
    char len[32];
    int64_t declared = 0, present = 0;
    memset(info, 0, sizeof *info);
    const char *why = NULL;
    int fd = platform_open_file(e->path, &why);
    if (fd < 0) {
        vp_err(d, e, "cue '%s': cannot read '%s': %s; check the voice pack's files", e->id,
               e->path, why);
        return NULL;
    }
    SNDFILE *sf = sf_open_fd(fd, SFM_READ, info, 1);
    if (!sf) {
        vp_err(d, e,
               "cue '%s': '%s' is not audio that libsndfile can read; save it as Ogg Vorbis "
               "(.ogg), FLAC (.flac) or WAV (.wav)",
               e->id, e->path);
        return NULL;
    }
    if (info->frames < 0 || info->frames == SF_COUNT_MAX)
        vp_err(d, e,
               "cue '%s': '%s' is damaged: its length cannot be read (is it cut short?); "
               "export or record it again",
               e->id, e->path);
    else if (info->frames == 0)
        vp_err(d, e, "cue '%s': '%s' holds no audio (0 frames); record it again", e->id, e->path);
    else if (info->channels < 1 || info->channels > 2)
        vp_err(d, e, "cue '%s': '%s' has %d channels; cues must be mono or stereo", e->id, e->path,
               info->channels);
    else if (info->samplerate < VP_MIN_RATE || info->samplerate > VP_MAX_RATE)
        vp_err(d, e, "cue '%s': '%s' has a sample rate of %d Hz; cues must be 8000 to 192000 Hz",
               e->id, e->path, info->samplerate);
    else if (info->frames > (sf_count_t)VP_MAX_CUE_SECONDS * info->samplerate) {
        vp_fmt_length(info->frames, info->samplerate, len, sizeof len);
        vp_err(d, e, "cue '%s': '%s' is %s long; cues may be at most %d minutes", e->id, e->path,
               len, VP_MAX_CUE_SECONDS / 60);
    } else if (vp_wav_cut(e->path, &declared, &present))
        vp_err(d, e,
               "cue '%s': '%s' is cut short: its header promises %lld bytes of audio but the file "
               "holds %lld; export or record it again",
               e->id, e->path, (long long)declared, (long long)present);
    else
        return sf;
    sf_close(sf);
    return NULL;
}

/* 1 when the cue's file is Ogg Vorbis whose length, rate and channels
 * ogglen reads (exactly libsndfile's, without building a decoder) and are
 * within the limits that vp_open checks; *info's frames, samplerate and
 * channels are then set. 0 otherwise: vp_open is asked, with its messages. */
static int vp_quick_info(const vp_entry *e, SF_INFO *info)
{
    ogglen_info o;
    if (!ogglen_read(e->path, &o) || o.frames < 1 || o.channels < 1 || o.channels > 2 ||
        o.rate < VP_MIN_RATE || o.rate > VP_MAX_RATE ||
        o.frames > (int64_t)VP_MAX_CUE_SECONDS * o.rate)
        return 0;
    info->frames = o.frames;
    info->samplerate = o.rate;
    info->channels = o.channels;
    return 1;
}

/* Each cue's length at rate, from the headers only; 0, or -1 with d set. */
int voicepack_lengths(const voicepack *vp, int rate, int64_t *frames, adem_diag *d)
{
    if (rate < 1)
        return diag_set(d, NULL, 0, 0, "output rate %d Hz is invalid; give a rate such as 48000",
                        rate);
    for (int i = 0; vp && i < vp->n; i++) {
        SF_INFO info;
        if (vp_quick_info(&vp->e[i], &info)) {
            frames[i] = vp_length(info.frames, info.samplerate, rate);
            continue;
        }
        SNDFILE *sf = vp_open(&vp->e[i], &info, d);
        if (!sf)
            return -1;
        sf_close(sf);
        frames[i] = vp_length(info.frames, info.samplerate, rate);
    }
    return 0;
}

/* Decodes exactly `count` (<= VP_BLOCK) frames into dst as mono, folding
 * stereo to (L+R)/2 through inter. done is how many frames came before (for
 * the message). Returns 0, or -1 with d set when the file ends early. */
static int vp_read(const vp_entry *e, SNDFILE *sf, const SF_INFO *info, float *inter, float *dst,
                   sf_count_t count, int64_t done, adem_diag *d)
{
    float *buf = info->channels == 1 ? dst : inter;
    sf_count_t got = 0;
    while (got < count) {
        sf_count_t r = sf_readf_float(sf, buf + got * info->channels, count - got);
        if (r <= 0)
            return vp_err(d, e,
                          "cue '%s': '%s' is damaged or cut short: it ends after %lld of its %lld "
                          "frames; export or record it again",
                          e->id, e->path, (long long)(done + got), (long long)info->frames);
        got += r;
    }
    if (info->channels == 2)
        for (sf_count_t k = 0; k < count; k++)
            dst[k] = (inter[2 * k] + inter[2 * k + 1]) * 0.5f;
    for (sf_count_t k = 0; k < count; k++)
        if (!isfinite(dst[k]))
            return vp_err(d, e,
                          "cue '%s': '%s' is damaged: frame %lld is not a number; export or "
                          "record it again",
                          e->id, e->path, (long long)(done + k));
    return 0;
}

/* A cue being decoded and converted, a piece at a time (see voicepack.h). */
struct vp_stream {
    const vp_entry *e;
    SNDFILE *sf;
    SF_INFO info;
    int rate;
    SRC_STATE *st;   /* NULL when the rates are equal */
    double ratio;
    float *inter;    /* VP_BLOCK * 2: a stereo block before the fold (stereo only) */
    float *mono;     /* VP_BLOCK: the input block of the converter (resampling only) */
    const float *in; /* the unread part of mono */
    long avail;      /* frames at in */
    int64_t read;    /* frames read from the file */
    int64_t produced;/* frames made at the output rate */
    int64_t want;    /* the cue's length at the output rate */
    int flushed;     /* the converter has nothing more: zeros pad the rest */
};

/* Opens cue i for decoding at rate (see voicepack.h). */
int vp_stream_open(const voicepack *vp, int i, int rate, vp_stream **out, adem_diag *d)
{
    *out = NULL;
    if (rate < 1)
        return diag_set(d, NULL, 0, 0, "output rate %d Hz is invalid; give a rate such as 48000",
                        rate);
    vp_stream *s = calloc(1, sizeof *s);
    if (!s)
        return vp_oom(d, &vp->e[i]);
    s->e = &vp->e[i];
    s->rate = rate;
    if (!(s->sf = vp_open(s->e, &s->info, d))) {
        free(s);
        return -1;
    }
    s->want = vp_length(s->info.frames, s->info.samplerate, rate);
    /* the buffers only when needed: a stereo file's block before the fold,
     * the converter's input block */
    int stereo = s->info.channels == 2, convert = s->info.samplerate != rate;
    if (stereo)
        s->inter = malloc((size_t)VP_BLOCK * 2 * sizeof *s->inter);
    if (convert)
        s->mono = malloc((size_t)VP_BLOCK * sizeof *s->mono);
    if ((stereo && !s->inter) || (convert && !s->mono)) {
        vp_stream_close(s);
        return vp_oom(d, &vp->e[i]);
    }
    if (s->info.samplerate != rate) {
        int err = 0;
        s->ratio = (double)rate / s->info.samplerate;
        if (!src_is_valid_ratio(s->ratio)) {
            vp_err(d, s->e,
                   "cue '%s': cannot convert '%s' from %d Hz to %d Hz; choose another sample "
                   "rate",
                   s->e->id, s->e->path, s->info.samplerate, rate);
            vp_stream_close(s);
            return -1;
        }
        if (!(s->st = resample_new(&err))) {
            diag_runtime(d, "cannot convert cue '%s' to %d Hz: %s; try again", s->e->id, rate,
                         src_strerror(err));
            vp_stream_close(s);
            return -1;
        }
    }
    *out = s;
    return 0;
}

/* The cue's length at the stream's rate. */
int64_t vp_stream_frames(const vp_stream *s)
{
    return s->want;
}

/* Equal rates: the next n frames of the file, unchanged. */
static int vp_stream_copy(vp_stream *s, float *dst, int64_t n, adem_diag *d)
{
    for (int64_t got = 0; got < n;) {
        sf_count_t count = n - got < VP_BLOCK ? n - got : VP_BLOCK;
        if (vp_read(s->e, s->sf, &s->info, s->inter, dst + got, count, s->produced, d) != 0)
            return -1;
        got += count;
        s->read += count;
        s->produced += count;
    }
    return 0;
}

/* Different rates: the next n frames of the converted cue (zeros once the
 * converter has flushed; the length is the one the header promised). */
static int vp_stream_convert(vp_stream *s, float *dst, int64_t n, adem_diag *d)
{
    int64_t got = 0;
    while (got < n && !s->flushed) {
        if (s->avail == 0 && s->read < s->info.frames) {
            sf_count_t count =
                s->info.frames - s->read < VP_BLOCK ? s->info.frames - s->read : VP_BLOCK;
            if (vp_read(s->e, s->sf, &s->info, s->inter, s->mono, count, s->read, d) != 0)
                return -1;
            s->read += count;
            s->avail = (long)count;
            s->in = s->mono;
        }
        SRC_DATA sd;
        memset(&sd, 0, sizeof sd);
        sd.src_ratio = s->ratio;
        sd.data_in = s->in;
        sd.input_frames = s->avail;
        sd.end_of_input = s->read == s->info.frames;
        sd.data_out = dst + got;
        sd.output_frames = n - got < VP_OUT_BLOCK ? (long)(n - got) : VP_OUT_BLOCK;
        int err = src_process(s->st, &sd);
        if (err != 0)
            return diag_runtime(d,
                                "cannot convert cue '%s' to %d Hz: %s; choose another sample rate",
                                s->e->id, s->rate, src_strerror(err));
        s->in += sd.input_frames_used;
        s->avail -= sd.input_frames_used;
        got += sd.output_frames_gen;
        s->produced += sd.output_frames_gen;
        if (sd.input_frames_used == 0 && sd.output_frames_gen == 0 &&
            (sd.end_of_input || s->avail > 0))
            s->flushed = 1; /* flushed (or, should it ever happen, stalled) */
    }
    if (got < n) {
        memset(dst + got, 0, (size_t)(n - got) * sizeof *dst);
        s->produced += n - got;
    }
    return 0;
}

/* The next frames of the cue (see voicepack.h). */
int64_t vp_stream_read(vp_stream *s, float *dst, int64_t n, adem_diag *d)
{
    if (n > s->want - s->produced)
        n = s->want - s->produced;
    if (n <= 0)
        return 0;
    int rc = s->st ? vp_stream_convert(s, dst, n, d) : vp_stream_copy(s, dst, n, d);
    return rc == 0 ? n : -1;
}

/* Closes a stream; NULL is a no-op. */
void vp_stream_close(vp_stream *s)
{
    if (!s)
        return;
    if (s->sf)
        sf_close(s->sf);
    if (s->st)
        src_delete(s->st);
    free(s->inter);
    free(s->mono);
    free(s);
}

/* Decodes cue i at rate into e->samples / e->frames. Returns 0, or -1 with d
 * set (e is then unchanged). */
static int vp_decode(voicepack *vp, int i, int rate, adem_diag *d)
{
    vp_stream *s = NULL;
    if (vp_stream_open(vp, i, rate, &s, d) != 0)
        return -1;
    int64_t want = s->want;
    float *out =
        (uint64_t)want <= SIZE_MAX / sizeof(float) ? calloc((size_t)want, sizeof *out) : NULL;
    int rc = 0;
    if (!out)
        rc = vp_oom(d, &vp->e[i]);
    else if (vp_stream_read(s, out, want, d) != want)
        rc = -1;
    vp_stream_close(s);
    if (rc != 0) {
        free(out);
        return -1;
    }
    free(vp->e[i].samples);
    vp->e[i].samples = out;
    vp->e[i].frames = want;
    return 0;
}

/* Decodes and converts every cue to rate into vp; 0, or -1 with d set. */
int voicepack_load(voicepack *vp, int rate, adem_cue *cues, adem_diag *d)
{
    if (rate < 1)
        return diag_set(d, NULL, 0, 0, "output rate %d Hz is invalid; give a rate such as 48000",
                        rate);
    if (!vp || vp->n == 0)
        return 0;
    for (int i = 0; i < vp->n; i++) {
        cues[i].samples = NULL;
        cues[i].frames = 0;
    }
    for (int i = 0; i < vp->n; i++) {
        if (vp_decode(vp, i, rate, d) != 0)
            return -1;
        cues[i].samples = vp->e[i].samples;
        cues[i].frames = vp->e[i].frames;
    }
    return 0;
}

/* The number of cues. */
int voicepack_count(const voicepack *vp)
{
    return vp ? vp->n : 0;
}

/* The path chosen for cue i, or NULL when i is out of range. */
const char *voicepack_file(const voicepack *vp, int i)
{
    if (!vp || i < 0 || i >= vp->n)
        return NULL;
    return vp->e[i].path;
}

/* Frees vp with every decoded cue; NULL is a no-op. */
void voicepack_free(voicepack *vp)
{
    if (!vp)
        return;
    for (int i = 0; i < vp->n && vp->e; i++) {
        free(vp->e[i].id);
        free(vp->e[i].pack);
        free(vp->e[i].file);
        free(vp->e[i].path);
        free(vp->e[i].samples);
    }
    for (int i = 0; i < vp->nchecked; i++)
        free(vp->checked[i]);
    free(vp->checked);
    free(vp->e);
    free(vp);
}
