#!/usr/bin/env bash
# modules.sh: the page for the room, MPRIS, PortAudio, the JACK client and
# the PipeWire stream are modules of adem's own (src/app/module.h,
# src/dev/devmod.h), loaded only when they are used:
#   - the adem binary's dynamic section needs none of libmicrohttpd,
#     libgnutls, libqrencode, libsystemd, libportaudio, libjack,
#     libpipewire or libasound, and a render or a `play --pipe` loads none of
#     them (LD_DEBUG=files);
#   - `play --web 127.0.0.1:0 --pipe FIFO` loads adem-web.so and with it
#     libmicrohttpd, and prints the page's URL; its remote control loads
#     adem-mpris.so (libsystemd);
#   - a copy of adem without its modules beside it: `play --web` fails with
#     one line that says where the module was looked for, exit 1 (a runtime
#     failure, cli.md); a module that does not load gives the system's reason
#     in that line; `play` without --web plays on without MPRIS, exit 0;
#     `adem devices` there fails with one line that says where
#     adem-portaudio.so was looked for, exit 1.
# Usage: modules.sh BUILDDIR. Environment: ADEM_BIN. Exit 77 (skipped) when
# the build has no modules (no libmicrohttpd and no libsystemd) or not Linux.
set -u
build=$(cd "${1:?usage: modules.sh BUILDDIR}" && pwd)
adem=${ADEM_BIN:?set ADEM_BIN to the adem binary}
if [ "$(uname -s)" != Linux ] || ! command -v readelf >/dev/null; then
    echo "skipped: needs Linux and readelf"
    exit 77
fi
if [ ! -f "$build/adem-web.so" ] || [ ! -f "$build/adem-mpris.so" ]; then
    echo "skipped: this build has no adem-web.so / adem-mpris.so (no libmicrohttpd / libsystemd)"
    exit 77
fi
tmp=$(mktemp -d /tmp/adem-modules-XXXXXX)
reader=
trap '[ -n "$reader" ] && kill "$reader" 2>/dev/null; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state
export XDG_RUNTIME_DIR=$tmp/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
big='libmicrohttpd|libgnutls|libqrencode|libsystemd'
# the device modules (ADEM_DEV_MODULES, on but for Windows; off: linked in)
devmods=0
if [ -f "$build/adem-portaudio.so" ]; then
    devmods=1
    big="$big|libportaudio|libjack|libpipewire|libasound"
fi
session=$tmp/stil.adem
printf 'session "Stil"\nwait 1s\n' >"$session"

# the binary's own dynamic section
needed=$(readelf -d "$adem" | grep NEEDED)
bad=$(grep -E "$big" <<<"$needed")
[ -z "$bad" ] || fail "adem itself needs: $bad"
# the modules need them
readelf -d "$build/adem-web.so" | grep NEEDED | grep -q libmicrohttpd ||
    fail "adem-web.so does not need libmicrohttpd"
readelf -d "$build/adem-mpris.so" | grep NEEDED | grep -q libsystemd ||
    fail "adem-mpris.so does not need libsystemd"
if [ $devmods = 1 ]; then
    readelf -d "$build/adem-portaudio.so" | grep NEEDED | grep -q libportaudio ||
        fail "adem-portaudio.so does not need libportaudio"
fi
if [ -f "$build/adem-jack.so" ]; then
    readelf -d "$build/adem-jack.so" | grep NEEDED | grep -q libjack ||
        fail "adem-jack.so does not need libjack"
fi
if [ -f "$build/adem-pipewire.so" ]; then
    readelf -d "$build/adem-pipewire.so" | grep NEEDED | grep -q libpipewire ||
        fail "adem-pipewire.so does not need libpipewire"
fi

# what the dynamic loader loaded (LD_DEBUG=files into files $tmp/ld-NAME.PID:
# play sends its own stderr elsewhere while it plays)
ld() { cat "$tmp/ld-$1".* 2>/dev/null; }

# a render loads none of them
LD_DEBUG=files LD_DEBUG_OUTPUT=$tmp/ld-render "$adem" render "$session" -o - --format s16 \
    >/dev/null 2>"$tmp/render.log" || fail "the render failed: $(cat "$tmp/render.log")"
ld render | grep -q 'file=libsndfile' || fail "LD_DEBUG=files shows nothing: $(ld render | head -3)"
loaded=$(ld render | grep -E "file=[^ ]*($big)" | sed 's/^ *[0-9]*: *//' | sort -u)
[ -z "$loaded" ] || fail "a render loads: $loaded"
loaded=$(ld render | grep -E "file=[^ ]*adem-(web|mpris|portaudio|jack|pipewire)")
[ -z "$loaded" ] || fail "a render loads a module: $loaded"

# play ARGS... into a FIFO read by cat; status in $status, stderr in $tmp/play.log
play() {
    local bin=$1
    shift
    rm -f "$tmp/out.fifo" "$tmp"/ld-play.*
    mkfifo "$tmp/out.fifo"
    cat "$tmp/out.fifo" >/dev/null &
    reader=$!
    LD_DEBUG=${debug:-} LD_DEBUG_OUTPUT=$tmp/ld-play timeout 60 "$bin" play --no-ui --pipe "$tmp/out.fifo" "$@" "$session" >"$tmp/play.out" \
        2>"$tmp/play.log"
    status=$?
    kill "$reader" 2>/dev/null
    wait "$reader" 2>/dev/null
    reader=
}

# with the modules: --web loads adem-web and libmicrohttpd, the remote control adem-mpris
debug=files play "$adem" --web 127.0.0.1:0
[ "$status" -eq 0 ] || fail "play --web exited $status: $(cat "$tmp/play.log")"
ld play | grep -q 'file=[^ ]*adem-web\.so' || fail "play --web did not load adem-web.so"
ld play | grep -q 'file=[^ ]*libmicrohttpd' || fail "play --web did not load libmicrohttpd"
ld play | grep -q 'file=[^ ]*adem-mpris\.so' || fail "play did not load adem-mpris.so"
ld play | grep -q 'file=[^ ]*libsystemd' || fail "play did not load libsystemd"
grep -q '^adem: the page for the room: http://127\.0\.0\.1:[0-9]*/?k=' "$tmp/play.log" ||
    fail "play --web printed no URL: $(cat "$tmp/play.log")"
# a pipe needs no device: none of PortAudio, libjack, libpipewire
[ $devmods = 0 ] || loaded=$(ld play | grep -E "file=[^ ]*(libportaudio|libjack|libpipewire|libasound|adem-portaudio|adem-jack|adem-pipewire)" |
    sed 's/^ *[0-9]*: *//' | sort -u)
[ $devmods = 0 ] || [ -z "$loaded" ] || fail "play --pipe loads: $loaded"

# a copy of adem without its modules
mkdir -p "$tmp/bare/bin"
cp "$adem" "$tmp/bare/bin/adem"
play "$tmp/bare/bin/adem" --web 127.0.0.1:0
log=$(cat "$tmp/play.log")
[ "$status" -eq 1 ] || fail "play --web without adem-web.so exited $status, want 1: $log"
[ "$(wc -l <"$tmp/play.log")" -eq 1 ] || fail "play --web without adem-web.so: not one line: $log"
grep -q "^adem: --web: this adem cannot serve the page: adem-web\.so is in neither $tmp/bare/bin nor $tmp/bare/bin/[^ ]*adem; reinstall adem" \
    <<<"$log" || fail "play --web without adem-web.so: $log"
# a module that does not load: the system's reason
printf 'not a module\n' >"$tmp/bare/bin/adem-web.so"
play "$tmp/bare/bin/adem" --web 127.0.0.1:0
log=$(cat "$tmp/play.log")
[ "$status" -eq 1 ] || fail "play --web with a broken adem-web.so exited $status, want 1: $log"
[ "$(wc -l <"$tmp/play.log")" -eq 1 ] || fail "play --web with a broken adem-web.so: not one line: $log"
grep -q "^adem: --web: this adem cannot serve the page: $tmp/bare/bin/adem-web\.so: .*; reinstall adem" \
    <<<"$log" || fail "play --web with a broken adem-web.so: $log"
# without --web (and so without MPRIS) it plays on
play "$tmp/bare/bin/adem"
[ "$status" -eq 0 ] || fail "play without its modules exited $status: $(cat "$tmp/play.log")"
# a device needs PortAudio's module: one line that says where it was looked for
if [ $devmods = 1 ]; then
"$tmp/bare/bin/adem" devices >"$tmp/devices.out" 2>"$tmp/devices.log"
status=$?
log=$(cat "$tmp/devices.log")
[ "$status" -eq 1 ] || fail "devices without adem-portaudio.so exited $status, want 1: $log"
[ "$(wc -l <"$tmp/devices.log")" -eq 1 ] || fail "devices without adem-portaudio.so: not one line: $log"
grep -q "^adem: cannot load adem's PortAudio part (adem-portaudio\.so is in neither $tmp/bare/bin nor $tmp/bare/bin/[^ ]*adem); reinstall adem" \
    <<<"$log" || fail "devices without adem-portaudio.so: $log"
fi

# an install tree, moved: adem finds its modules in <libdir>/adem from its own folder
if out=$(cmake --install "$build" --prefix "$tmp/prefix" 2>&1); then
    mv "$tmp/prefix" "$tmp/moved"
    built=$(cd "$build" && ls adem-*.so | sort | tr '\n' ' ')
    mods=$(cd "$tmp/moved" && find . -name 'adem-*.so' | sort | sed 's|^\./lib/.*/adem/||' | tr '\n' ' ')
    [ "$mods" = "$built" ] && [ -z "$(cd "$tmp/moved" && find . -name 'adem-*.so' | grep -v '^\./lib/.*/adem/')" ] ||
        fail "the install tree's modules are not those built ($built), in <libdir>/adem/: $(cd "$tmp/moved" && find . -name 'adem-*.so')"
    debug=files play "$tmp/moved/bin/adem" --web 127.0.0.1:0
    [ "$status" -eq 0 ] || fail "the moved install's play --web exited $status: $(cat "$tmp/play.log")"
    ld play | grep -q "file=$tmp/moved/lib/[^ ]*adem/adem-web\.so" ||
        fail "the moved install's play --web did not load its adem-web.so"
    ld play | grep -q "file=$tmp/moved/lib/[^ ]*adem/adem-mpris\.so" ||
        fail "the moved install's play did not load its adem-mpris.so"
else
    fail "cmake --install failed: $out"
fi

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "ok: adem loads libmicrohttpd, libsystemd, PortAudio, libjack and libpipewire only through its modules, when it uses them"
