/* fuzz_control: libFuzzer target for the remote-control protocol
 * (app/control.h): every line of the input goes through control_parse, and
 * the input's first line is the session title of a status reply.
 * Oracles: a refused line always has a non-empty reason of one line; an
 * accepted one has a known kind and a volume step within +-60 dB; the status
 * reply is one line with balanced quotes. Also every ASan/UBSan report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char line[CONTROL_LINE_MAX + 64];
    char first[CONTROL_LINE_MAX + 64] = "";
    size_t start = 0;
    int n = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && data[i] != '\n')
            continue;
        size_t len = i - start;
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, data + start, len);
        line[len] = '\0';
        if (n++ == 0)
            memcpy(first, line, len + 1);
        control_req r;
        char err[200] = "";
        if (control_parse(line, &r, err, sizeof err) != 0) {
            if (!err[0] || strchr(err, '\n'))
                abort();
        } else if ((r.kind != CONTROL_STATUS && r.kind != CONTROL_ENGINE && r.kind != CONTROL_QUIT) ||
                   r.value < -60 || r.value > 60) {
            abort();
        }
        start = i + 1;
    }
    engine_status st;
    memset(&st, 0, sizeof st);
    st.title = first;
    st.phase = first;
    st.chapter = first;
    const char *words[1] = {first};
    st.cue = 0;
    st.cue_end = 1;
    control_info in = {48000, 1, words, 1};
    char out[1024];
    if (control_status_json(&st, &in, out, sizeof out) == 0) {
        int quotes = 0;
        for (const char *p = out; *p; p++) {
            if (*p == '\n' || (unsigned char)*p < 0x20)
                abort();
            if (*p == '\\')
                p++;
            else if (*p == '"')
                quotes++;
        }
        if (quotes % 2)
            abort();
    }
    return 0;
}
