/* console_win: console.h with the Windows console API (MinGW-w64 or MSVC).
 * Keys are read as console input events, never blocking; the display's
 * escape sequences work once virtual terminal processing is on (Windows 10
 * and later, or a terminal that sets TERM such as MSYS2's mintty).
 * Compile-checked on Linux with x86_64-w64-mingw32-gcc; not run there. */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/console.h"

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

static int saved_fd = -1;
static FILE *saved_stream;
static DWORD saved_in_mode, saved_out_mode;
static volatile sig_atomic_t raw_on, out_mode_changed;

/* Points fd 2 at NUL and returns a stream on the real stderr (console.h). */
FILE *console_quiet_stderr(void)
{
    const char *dbg = getenv("ADEM_AUDIO_DEBUG");
    if ((dbg && dbg[0] == '1') || saved_stream)
        return saved_stream ? saved_stream : stderr;
    fflush(stderr);
    int keep = _dup(2);
    int null = _open("NUL", _O_WRONLY);
    if (keep < 0 || null < 0) {
        if (keep >= 0)
            _close(keep);
        if (null >= 0)
            _close(null);
        return stderr;
    }
    FILE *f = _fdopen(keep, "w");
    if (!f) {
        _close(keep);
        _close(null);
        return stderr;
    }
    setvbuf(f, NULL, _IONBF, 0); /* Windows has no line buffering: unbuffered */
    _dup2(null, 2);
    _close(null);
    saved_fd = keep;
    saved_stream = f;
    return f;
}

/* Undoes console_quiet_stderr (console.h). */
void console_restore_stderr(void)
{
    if (!saved_stream)
        return;
    fflush(saved_stream);
    _dup2(saved_fd, 2);
    fclose(saved_stream); /* closes saved_fd */
    saved_stream = NULL;
    saved_fd = -1;
}

/* Turns on escape sequences for the console on stdout, remembering its mode
 * for console_raw_leave. Returns 1 when they work. */
static int enable_vt(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode;
    if (out == INVALID_HANDLE_VALUE || !GetConsoleMode(out, &mode))
        return 0;
    if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)
        return 1;
    if (!SetConsoleMode(out, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING))
        return 0; /* before Windows 10 */
    if (!out_mode_changed) {
        saved_out_mode = mode;
        out_mode_changed = 1;
    }
    return 1;
}

/* Key presses one at a time, no echo; Ctrl-C still raises SIGINT (console.h). */
int console_raw_enter(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    if (in == INVALID_HANDLE_VALUE || !GetConsoleMode(in, &saved_in_mode))
        return -1;
    DWORD mode = saved_in_mode & ~(DWORD)(ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT);
    mode |= ENABLE_PROCESSED_INPUT;
    if (!SetConsoleMode(in, mode))
        return -1;
    FlushConsoleInputBuffer(in);
    raw_on = 1;
    enable_vt();
    return 0;
}

/* Restores the console modes and shows the cursor; idempotent (console.h).
 * Console API calls only: safe from the console's control handler thread. */
void console_raw_leave(void)
{
    if (!raw_on)
        return;
    raw_on = 0;
    SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), saved_in_mode);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode, written;
    if (out != INVALID_HANDLE_VALUE && GetConsoleMode(out, &mode) &&
        (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)) {
        static const char show[] = "\033[?25h";
        WriteConsoleA(out, show, (DWORD)(sizeof show - 1), &written, NULL);
    }
    if (out_mode_changed) {
        SetConsoleMode(out, saved_out_mode);
        out_mode_changed = 0;
    }
}

/* The next key pressed (ASCII), or -1; never blocks (console.h). */
int console_read_key(void)
{
    if (!raw_on)
        return -1;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD waiting = 0, got = 0;
    while (GetNumberOfConsoleInputEvents(in, &waiting) && waiting > 0) {
        INPUT_RECORD rec;
        if (!ReadConsoleInputW(in, &rec, 1, &got) || got == 0)
            return -1;
        if (rec.EventType != KEY_EVENT || !rec.Event.KeyEvent.bKeyDown)
            continue;
        WCHAR ch = rec.Event.KeyEvent.uChar.UnicodeChar;
        if (ch > 0 && ch < 128)
            return (int)ch;
    }
    return -1;
}

/* The console's key events as bytes: characters as UTF-8, the arrows as
 * their escape sequences; never blocks (console.h). */
int console_read(unsigned char *buf, int n)
{
    if (!raw_on || n <= 0)
        return 0;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD waiting = 0, got = 0;
    int len = 0;
    while (len + 4 <= n && GetNumberOfConsoleInputEvents(in, &waiting) && waiting > 0) {
        INPUT_RECORD rec;
        if (!ReadConsoleInputW(in, &rec, 1, &got) || got == 0)
            break;
        if (rec.EventType != KEY_EVENT || !rec.Event.KeyEvent.bKeyDown)
            continue;
        WCHAR ch = rec.Event.KeyEvent.uChar.UnicodeChar;
        const char *arrow = NULL;
        switch (rec.Event.KeyEvent.wVirtualKeyCode) {
        case VK_UP:
            arrow = "\033[A";
            break;
        case VK_DOWN:
            arrow = "\033[B";
            break;
        case VK_RIGHT:
            arrow = "\033[C";
            break;
        case VK_LEFT:
            arrow = "\033[D";
            break;
        }
        if (arrow) {
            memcpy(buf + len, arrow, 3);
            len += 3;
        } else if (ch > 0 && ch < 0x80) {
            buf[len++] = (unsigned char)ch;
        } else if (ch >= 0x80 && ch < 0x800) {
            buf[len++] = (unsigned char)(0xC0 | (ch >> 6));
            buf[len++] = (unsigned char)(0x80 | (ch & 0x3F));
        } else if (ch >= 0x800) {
            buf[len++] = (unsigned char)(0xE0 | (ch >> 12));
            buf[len++] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            buf[len++] = (unsigned char)(0x80 | (ch & 0x3F));
        }
    }
    return len;
}

/* Waits for console input (in raw mode) or the timeout; a Ctrl-C handler
 * does not wake it, so the wait is at most ms (console.h). */
int console_wait(int ms)
{
    if (!raw_on) {
        Sleep(ms < 0 ? 0 : (DWORD)ms);
        return 0;
    }
    return WaitForSingleObject(GetStdHandle(STD_INPUT_HANDLE), ms < 0 ? 0 : (DWORD)ms) ==
           WAIT_OBJECT_0;
}

/* No job control on Windows: always in the foreground (console.h). */
int console_foreground(void)
{
    return 1;
}

/* Columns of the console window on stdout, or 80 (console.h). */
int console_width(void)
{
    CONSOLE_SCREEN_BUFFER_INFO info;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    if (out != INVALID_HANDLE_VALUE && GetConsoleScreenBufferInfo(out, &info)) {
        int w = info.srWindow.Right - info.srWindow.Left + 1;
        if (w > 0)
            return w;
    }
    return 80;
}

/* _isatty (console.h). */
int console_is_tty(int fd)
{
    return _isatty(fd) != 0;
}

/* With TERM set (MSYS2, Cygwin, ssh), the same rule as on POSIX; without it
 * (cmd, PowerShell, Windows Terminal) the console can move the cursor when it
 * accepts escape sequences, which this turns on (console.h). */
int console_is_dumb(void)
{
    const char *t = getenv("TERM");
    if (t && t[0])
        return strcmp(t, "dumb") == 0 || strcmp(t, "unknown") == 0;
    return !enable_vt();
}
