/* test_web: --web's [ADDR:]PORT (app/web_mhd.c): the default address, port
 * 0, IPv4 addresses, and the mistakes with their messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "app/web.h"

static void parses(const char *text, const char *addr, int port)
{
    char a[64], err[256];
    int p = -1;
    if (web_parse_listen(text, a, sizeof a, &p, err, sizeof err) != 0)
        fail_msg("'%s' was refused: %s", text, err);
    assert_string_equal(a, addr);
    assert_int_equal(p, port);
}

static void refuses(const char *text, const char *why)
{
    char a[64], err[256];
    int p = -1;
    assert_int_equal(web_parse_listen(text, a, sizeof a, &p, err, sizeof err), -1);
    if (!strstr(err, why))
        fail_msg("'%s': the message '%s' does not say '%s'", text, err, why);
    assert_non_null(strstr(err, "--web"));
}

static void test_listen(void **state)
{
    (void)state;
    assert_int_equal(web_available(), 1);
    parses("8080", "127.0.0.1", 8080);
    parses("0", "127.0.0.1", 0);
    parses("0.0.0.0:8080", "0.0.0.0", 8080);
    parses("192.168.1.20:65535", "192.168.1.20", 65535);
    parses("127.0.0.1:0", "127.0.0.1", 0);
    refuses("", "port");
    refuses("http", "port");
    refuses("65536", "port");
    refuses("-1", "port");
    refuses("+80", "port");
    refuses("80x", "port");
    refuses("0.0.0.0:", "port");
    refuses(":8080", "address is missing");
    refuses("localhost:8080", "not an IPv4 address");
    refuses("999.1.1.1:80", "not an IPv4 address");
    refuses("[::1]:80", "not an IPv4 address");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
