#!/usr/bin/env bash
# portability.sh: the platform-free core (parser, timeline, engine, synth, ...)
# and the Windows platform layer (platform_win.c, console_win.c, ...) cross-
# compile for Windows with MinGW-w64, warnings as errors: proof that the core
# uses no POSIX and that the Windows code at least compiles. Configures its
# own build directory with packaging/cmake/mingw-w64-x86_64.cmake and
# -DADEM_CORE_ONLY=ON, then builds adem_core and adem_platform_win; then checks
# that every other file of src/ but the POSIX layer compiles for Windows.
# Environment: ADEM_SOURCE_DIR. Exit 77 (skipped) when no MinGW-w64 compiler
# is installed on a system that is not Debian-like (scripts/bootstrap --test
# installs gcc-mingw-w64-x86-64-win32 on Debian and Ubuntu).
set -u
src=${ADEM_SOURCE_DIR:?set ADEM_SOURCE_DIR to the source tree}
cc=x86_64-w64-mingw32-gcc
if ! command -v "$cc" >/dev/null; then
    if command -v dpkg >/dev/null; then
        echo "FAIL: $cc is not installed; run scripts/bootstrap --test (it installs gcc-mingw-w64-x86-64-win32)"
        exit 1
    fi
    echo "skipped: $cc is not installed"
    exit 77
fi
tmp=$(mktemp -d /tmp/adem-mingw-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if ! cmake -S "$src" -B "$tmp" -DCMAKE_TOOLCHAIN_FILE="$src/packaging/cmake/mingw-w64-x86_64.cmake" \
    -DADEM_CORE_ONLY=ON -DADEM_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" 2>&1; then
    cat "$tmp/configure.log"
    echo "FAIL: configuring the MinGW-w64 build failed"
    exit 1
fi
if ! cmake --build "$tmp" -j 2 --target adem_core adem_platform_win >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log"
    echo "FAIL: the core or the Windows platform layer does not cross-compile"
    exit 1
fi
# Every object is a Windows (PE/COFF x86-64) object.
for lib in "$tmp/libadem_core.a" "$tmp/libadem_platform_win.a"; do
    [ -f "$lib" ] || { echo "FAIL: $lib was not built"; exit 1; }
    if ! x86_64-w64-mingw32-objdump -f "$lib" | grep -q 'file format pe-x86-64'; then
        echo "FAIL: $lib does not hold Windows x86-64 objects"
        exit 1
    fi
done
# Every other source file (all of src/ but the POSIX layer) compiles for
# Windows too, against this machine's copies of the libraries' headers
# (PortAudio, libsndfile, libvorbis, libogg, libsamplerate, libebur128, libjack: the
# same API everywhere; MinGW-w64 has no builds of them here, so this checks
# syntax, types and warnings, not linking).
mkdir -p "$tmp/include"
have_headers=1
for h in portaudio.h sndfile.h samplerate.h ebur128.h ogg/ogg.h vorbis/codec.h jack/jack.h; do
    # the header's path, from the dependencies the preprocessor lists
    # shellcheck disable=SC1003,SC2020
    hp=$(echo "#include <$h>" | cc -E -M -x c - 2>/dev/null | tr ' \\' '\n\n' | grep "/$h\$" | head -1)
    if [ -z "$hp" ]; then
        have_headers=0
    elif [ "$(dirname "$h")" = . ]; then
        cp "$hp" "$tmp/include/"
    else # a folder of headers (ogg/, vorbis/): all of it
        cp -r "$(dirname "$hp")" "$tmp/include/"
    fi
done
checked=0
if [ $have_headers = 1 ]; then
    for f in "$src"/src/*/*.c; do
        # POSIX and Linux-only files (out_pw.c: libpipewire)
        case $f in *_posix.c | *_sdbus.c | *_mhd.c | */out_pw.c) continue ;; esac
        if ! out=$("$cc" -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wvla -Werror -D__USE_MINGW_ANSI_STDIO=1 -DADEM_VERSION='"0"' \
            -fsyntax-only -I"$src/src" -isystem "$tmp/include" "$f" 2>&1); then
            echo "$out"
            echo "FAIL: $(basename "$f") does not compile for Windows"
            exit 1
        fi
        checked=$((checked + 1))
    done
else
    echo "note: the libraries' headers are not installed here; only the core was cross-compiled"
fi
echo "portability: adem_core and adem_platform_win cross-compile with $cc $($cc -dumpversion)" \
    "for Windows; $checked more source files compile (syntax and warnings)"
