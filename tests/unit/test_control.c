/* test_control: the remote-control protocol (app/control.h): every command
 * and its errors from a table, and the status reply as JSON (escapes, null
 * for what is absent, seconds as numbers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/control.h"
#include "json.h"

typedef struct parse_case {
    const char *line;
    int ok;
    control_kind kind;
    engine_cmd cmd;
    double value;
    const char *err; /* fragment of the error */
} parse_case;

static const parse_case cases[] = {
    {"status", 1, CONTROL_STATUS, 0, 0, NULL},
    {"  status \r", 1, CONTROL_STATUS, 0, 0, NULL},
    {"pause", 1, CONTROL_ENGINE, ENGINE_PAUSE, 0, NULL},
    {"resume", 1, CONTROL_ENGINE, ENGINE_RESUME, 0, NULL},
    {"toggle", 1, CONTROL_ENGINE, ENGINE_TOGGLE, 0, NULL},
    {"next", 1, CONTROL_ENGINE, ENGINE_SKIP, 0, NULL},
    {"stop", 1, CONTROL_QUIT, ENGINE_STOP, 0, NULL},
    {"continue", 1, CONTROL_ENGINE, ENGINE_CONTINUE, 0, NULL},
    {"prev", 1, CONTROL_ENGINE, ENGINE_BACK, 0, NULL},
    {"mute", 1, CONTROL_ENGINE, ENGINE_MUTE, 0, NULL},
    {"volume +3", 1, CONTROL_ENGINE, ENGINE_VOLUME, 3, NULL},
    {"volume -2.5", 1, CONTROL_ENGINE, ENGINE_VOLUME, -2.5, NULL},
    {"volume   -60", 1, CONTROL_ENGINE, ENGINE_VOLUME, -60, NULL},
    {"volume 3", 0, 0, 0, 0, "volume takes a step"},
    {"volume +61", 0, 0, 0, 0, "at most 60"},
    {"volume +0", 0, 0, 0, 0, "volume takes a step"},
    {"volume", 0, 0, 0, 0, "volume takes a step"},
    {"volume +3x", 0, 0, 0, 0, "volume takes a step"},
    {"pause now", 0, 0, 0, 0, "'pause' takes no argument"},
    {"", 0, 0, 0, 0, "empty line"},
    {"PAUSE", 0, 0, 0, 0, "unknown command 'PAUSE'"},
    {"paus", 0, 0, 0, 0, "the commands are status, pause"},
};

/* Every line of the table parses as it says. */
static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const parse_case *c = &cases[i];
        control_req r;
        char err[200] = "";
        int rc = control_parse(c->line, &r, err, sizeof err);
        if (c->ok != (rc == 0))
            fail_msg("'%s': %s (%s)", c->line, rc == 0 ? "accepted" : "refused", err);
        if (c->ok) {
            assert_int_equal(r.kind, c->kind);
            if (c->kind != CONTROL_STATUS)
                assert_int_equal(r.cmd, c->cmd);
            assert_true(r.value == c->value);
        } else if (!strstr(err, c->err)) {
            fail_msg("'%s': error '%s' lacks '%s'", c->line, err, c->err);
        }
    }
    /* a line longer than the protocol allows */
    char big[CONTROL_LINE_MAX + 10];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    control_req r;
    char err[200];
    assert_int_equal(control_parse(big, &r, err, sizeof err), -1);
}

/* The status reply is one JSON object with the documented fields; strings
 * are escaped, absent ones are null; a small buffer is refused. */
static void test_status_json(void **state)
{
    (void)state;
    engine_status st;
    memset(&st, 0, sizeof st);
    st.title = "Adem \"in\"\\uit";
    st.phase = NULL;
    st.pos = 48000 * 12 + 24000;
    st.total = 48000 * 111 + 9600;
    st.paused = 1;
    st.volume_db = -3;
    st.phase_start = 48000 * 10;
    st.phase_frames = 48000 * 4;
    st.tone = ADEM_TONE_FALL;
    st.round = 2;
    st.rounds = 4;
    st.chapter = "Deel\t1";
    st.cue = 1;
    st.cue_end = st.pos + 100;
    static const char *const words[] = {"Adem in.", "Laat je \"schouders\" zakken."};
    control_info in = {48000, 1234, words, 2};
    char buf[1024];
    assert_int_equal(control_status_json(&st, &in, buf, sizeof buf), 0);
    char err[128];
    json *j = json_parse(buf, strlen(buf), err, sizeof err);
    if (!j)
        fail_msg("not JSON (%s): %s", err, buf);
    assert_string_equal(json_get(j, "session")->string, "Adem \"in\"\\uit");
    assert_int_equal(json_get(j, "phase")->type, JSON_NULL);
    assert_string_equal(json_get(j, "chapter")->string, "Deel\t1");
    assert_true(json_get(j, "position")->number == 12.5);
    assert_true(json_get(j, "length")->number == 111.2);
    assert_int_equal(json_get(j, "paused")->type, JSON_BOOL);
    assert_true(json_get(j, "paused")->number == 1);
    assert_true(json_get(j, "volume_db")->number == -3);
    assert_true(json_get(j, "pid")->number == 1234);
    assert_true(json_get(j, "phase_start")->number == 10);
    assert_true(json_get(j, "phase_length")->number == 4);
    assert_string_equal(json_get(j, "tone")->string, "fall");
    assert_true(json_get(j, "round")->number == 2 && json_get(j, "rounds")->number == 4);
    assert_int_equal(json_get(j, "stopping")->type, JSON_BOOL);
    json_free(j);
    assert_int_equal(control_status_json(&st, &in, buf, 40), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_status_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
