#!/bin/sh
# rt_symbols.sh OBJECT...: src/rt/ holds only audio-thread code, so its
# objects (the adem_rt object library) may not call an allocator, a lock, a
# sleep, stdio, or a file or other blocking system call. Lists each object's
# undefined symbols with `nm -u` and fails, naming the object and the symbol,
# on any of them (and on adem's helpers that allocate or print: diag_*,
# arena_*, the platform layer). Sanitizer hooks (__asan_*, __ubsan_*,
# __tsan_*) are allowed: the sanitizer runtime is not in the objects. Exit 0 when clean, 1 on a
# forbidden symbol or an error, 77 (skipped) when there is no nm. NM may name
# another nm.
set -u
nm=${NM:-nm}
if ! command -v "$nm" >/dev/null 2>&1; then
    echo "skipped: $nm is not installed"
    exit 77
fi
if [ $# -eq 0 ]; then
    echo "usage: rt_symbols.sh OBJECT..." >&2
    exit 1
fi
# Anchored: the whole name must match (an optional leading underscore for
# platforms that prefix C names). The _chk forms are glibc's fortified ones.
forbidden='^_?(malloc|calloc|realloc|reallocarray|free|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|strdup|strndup'
forbidden="$forbidden"'|printf|fprintf|dprintf|sprintf|snprintf|asprintf|vprintf|vfprintf|vdprintf|vsprintf|vsnprintf|vasprintf'
forbidden="$forbidden"'|__[a-z]*printf_chk|puts|fputs|putchar|fputc|putc|fwrite|fread|fopen|fopen64|fdopen|freopen|fclose|fflush|perror|getchar|fgets|fgetc|getc'
forbidden="$forbidden"'|open|open64|openat|__open_2|__open64_2|creat|close|read|write|pread|pwrite|pread64|pwrite64|__read_chk|__pread_chk|__fread_chk|__fgets_chk|select|poll'
forbidden="$forbidden"'|pthread_mutex_[a-z_]*|pthread_cond_[a-z_]*|pthread_rwlock_[a-z_]*|pthread_spin_lock|pthread_join|sem_wait|sem_timedwait'
forbidden="$forbidden"'|mtx_[a-z_]*|cnd_[a-z_]*|thrd_sleep|thrd_join|usleep|nanosleep|clock_nanosleep|sleep|Sleep|SleepEx|EnterCriticalSection|WaitForSingleObject'
# ... and adem's own helpers that do the same: diagnostics (vsnprintf), the
# arena (malloc), the platform layer (files, clocks, sleeps, threads)
forbidden="$forbidden"'|diag_[a-z_]*|arena_[a-z_]*|platform_[a-z_]*|console_[a-z_]*|thread_[a-z_]*)$'
status=0
checked=0
for obj in "$@"; do
    if ! syms=$("$nm" -u -P "$obj" 2>&1); then
        echo "FAIL: $nm cannot read $obj: $syms"
        exit 1
    fi
    checked=$((checked + 1))
    # -P: one symbol a line, its name first; drop a symbol version (@GLIBC_...)
    for sym in $(printf '%s\n' "$syms" | awk 'NF { sub(/@.*/, "", $1); print $1 }'); do
        case $sym in
        __asan_* | ___asan_* | __ubsan_* | ___ubsan_* | __tsan_* | ___tsan_* | __sanitizer_*) continue ;;
        esac
        if printf '%s\n' "$sym" | grep -Eq "$forbidden"; then
            echo "FAIL: $(basename "$obj") ($obj) calls $sym, which the audio thread may not" \
                 "(allocates, locks, sleeps or does I/O); move that code to src/setup/ or out of src/rt/"
            status=1
        fi
    done
done
if [ $status -eq 0 ]; then
    echo "rt_symbols: $checked objects of src/rt/, no allocator, lock, sleep, stdio or file call"
fi
exit $status
