/* adem-cueprep: prepares one voice cue file from a raw take, for
 * scripts/make-voice-pack (not installed). See cueprep.h for what is done.
 *
 *   adem-cueprep [OPTIONS] IN OUT.ogg
 *
 * Prints one line of measurements on stdout; warnings and errors go to stderr
 * as one line each, starting "adem-cueprep:". Exit status: 0 done, 1 the cue
 * could not be made (or, with --strict, the take was flagged), 2 bad usage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cueprep.h"
#include "base/diag.h"

/* Prints the usage text to f. */
static void usage(FILE *f)
{
    fputs("usage: adem-cueprep [OPTIONS] IN OUT.ogg\n"
          "Trims, normalises, limits, fades and encodes one voice cue.\n"
          "  --target LUFS     integrated loudness (default -20)\n"
          "  --true-peak DBTP  true-peak ceiling (default -1)\n"
          "  --trim DBFS       edges quieter than this are silence (default -45)\n"
          "  --lead MS         silence kept before the sound (default 15)\n"
          "  --tail MS         silence kept after the sound (default 40)\n"
          "  --min MS          shortest cue; pads the end (default 500)\n"
          "  --fade MS         raised-cosine fade at both edges (default 5)\n"
          "  --rate HZ         output sample rate (default 48000)\n"
          "  --quality Q       Ogg Vorbis quality 0..1 (default 0.4)\n"
          "  --strict          fail (exit 1) on a clipped or mostly silent take\n",
          f);
}

/* Parses s as a whole finite number into *v; 0, or -1 (and a message). */
static int number(const char *opt, const char *s, double *v)
{
    char *end;
    double x = s ? strtod(s, &end) : 0.0;
    if (!s || end == s || *end != '\0' || !isfinite(x)) {
        fprintf(stderr, "adem-cueprep: %s needs a number, got '%s'; e.g. %s -20\n", opt,
                s ? s : "", opt);
        return -1;
    }
    *v = x;
    return 0;
}

/* Formats a dB value, "-inf" for silence. */
static const char *db(char *buf, size_t n, double v)
{
    if (isfinite(v))
        snprintf(buf, n, "%.2f", v);
    else
        snprintf(buf, n, "-inf");
    return buf;
}

/* The program: options, read, prepare, write, report. */
int main(int argc, char **argv)
{
    cueprep_opts o;
    const char *in = NULL, *outp = NULL;
    int strict = 0, rc = 1;
    float *x = NULL;
    int64_t n = 0;
    int rate = 0;
    cueprep *c = NULL;
    const cueprep_report *r;
    adem_diag d;
    char b1[32], b2[32], b3[32];

    cueprep_defaults(&o);
    diag_clear(&d);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            static const char *const names[] = {"--target", "--true-peak", "--trim", "--lead",
                                                "--tail",   "--min",       "--fade", "--rate",
                                                "--quality"};
            double *const slots[] = {&o.target_lufs, &o.max_true_peak, &o.trim_db, &o.lead_ms,
                                     &o.tail_ms,     &o.min_ms,        &o.fade_ms, NULL,
                                     &o.quality};
            size_t k, nk = sizeof names / sizeof names[0];
            for (k = 0; k < nk && strcmp(a, names[k]) != 0; k++)
                ;
            if (k == nk) {
                fprintf(stderr, "adem-cueprep: unknown option '%s'; see adem-cueprep --help\n", a);
                return 2;
            }
            if (number(a, i + 1 < argc ? argv[i + 1] : NULL, &v))
                return 2;
            i++;
            if (slots[k])
                *slots[k] = v;
            else if (v >= 8000 && v <= 192000 && v == floor(v))
                o.rate = (int)v;
            else {
                fprintf(stderr, "adem-cueprep: --rate %g is not a rate; use 8000 to 192000 Hz\n", v);
                return 2;
            }
        } else if (!in) {
            in = a;
        } else if (!outp) {
            outp = a;
        } else {
            fprintf(stderr, "adem-cueprep: too many files ('%s'); give one IN and one OUT.ogg\n", a);
            return 2;
        }
    }
    if (!in || !outp) {
        usage(stderr);
        return 2;
    }

    if (cueprep_read_file(in, &x, &n, &rate, &d) ||
        cueprep_process(x, n, rate, &o, &c, &d))
        goto fail;
    r = cueprep_get_report(c);
    if (r->clipped)
        fprintf(stderr, "adem-cueprep: %s: the take looks clipped (%lld samples at full scale); "
                        "record it again, softer\n", in, (long long)r->clipped_samples);
    if (r->mostly_silent)
        fprintf(stderr, "adem-cueprep: %s: the take is mostly silent (%.0f ms of sound, %s LUFS); "
                        "record it again, closer\n", in, r->active_ms, db(b1, sizeof b1, r->in_lufs));
    if (strict && (r->clipped || r->mostly_silent)) {
        rc = 1;
        goto done;
    }
    if (cueprep_write_ogg(c, outp, &d))
        goto fail;
    printf("%s frames=%lld seconds=%.3f in_lufs=%s gain=%+.2f out_lufs=%.2f true_peak=%.2f "
           "sample_peak=%s limited=%d limit=%.2f lead_trimmed=%lld tail_trimmed=%lld passes=%d\n",
           outp, (long long)r->out_frames, (double)r->out_frames / o.rate,
           db(b2, sizeof b2, r->in_lufs), r->gain_db, r->out_lufs, r->out_true_peak,
           db(b3, sizeof b3, r->out_sample_peak), r->limited, r->limited ? r->limit_db : 0.0,
           (long long)r->lead_trimmed, (long long)r->tail_trimmed, r->passes);
    rc = 0;
    goto done;
fail: {
    char buf[ADEM_DIAG_FILE_MAX + ADEM_DIAG_MSG_MAX + 64];
    diag_format(&d, buf, sizeof buf);
    /* diag_format starts with "adem: "; this program names itself */
    fprintf(stderr, "adem-cueprep: %s\n", buf + 6);
    rc = 1;
}
done:
    cueprep_free(c);
    free(x);
    return rc;
}
