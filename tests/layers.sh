#!/bin/sh
# layers: every include in src/ points down the layers (README.md, "The source,
# by layers"); the platform-free core includes no system or library header
# beyond standard C; the libraries each belong to one layer.
#   sh tests/layers.sh SRC_DIR
# Prints each include that breaks a rule, as FILE:LINE: what, and exits 1 if
# there is one; 0 when the house is in order.
set -u
src=${1:?usage: layers.sh SRC_DIR}
cd "$src" || exit 2

# The layers each layer may include (its own included).
allowed() {
    case $1 in
    base) echo "base" ;;
    lang) echo "base lang" ;;
    timeline) echo "base lang timeline" ;;
    rt) echo "base lang timeline rt" ;;
    setup) echo "base lang timeline rt setup" ;;
    sys) echo "base sys" ;;
    io) echo "base lang timeline rt setup sys io" ;;
    dev) echo "base lang timeline rt setup sys dev" ;;
    app) echo "base lang timeline rt setup sys io dev app" ;;
    *) echo "" ;;
    esac
}

# Standard C headers, and the compilers' vector intrinsics (guarded in the
# code, with a plain C fallback): all the core (base, lang, timeline, rt,
# setup) may use.
std='[a-z]*mmintrin|arm_neon|assert|complex|ctype|errno|fenv|float|inttypes|iso646|limits|locale|math|setjmp|signal|stdalign|stdarg|stdatomic|stdbool|stddef|stdint|stdio|stdlib|stdnoreturn|string|tgmath|threads|time|uchar|wchar|wctype'

bad=0
for f in */*.c */*.h; do
    layer=${f%%/*}
    ok=$(allowed "$layer")
    if [ -z "$ok" ]; then
        echo "$f: is in no layer (src/$layer/ is not one of base lang timeline rt setup sys io dev app)"
        bad=1
        continue
    fi
    # project includes: "layer/name.h"
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s\n' "$line" | sed 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/')
        to=${inc%%/*}
        if [ "$to" = "$inc" ]; then
            echo "$f:$n: includes \"$inc\" without its layer folder (write \"LAYER/$inc\")"
            echo x >&3
            continue
        fi
        case " $ok " in
        *" $to "*) ;;
        *) echo "$f:$n: $layer/ includes \"$inc\" from $to/, which is not below it"
           echo x >&3 ;;
        esac
    done 3>>"${TMPDIR:-/tmp}/adem-layers.$$"
    # system and library headers
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s\n' "$line" | sed 's/.*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/')
        base=${inc%.h}
        case $layer in
        base|lang|timeline|rt|setup)
            if ! printf '%s\n' "$base" | grep -Eqx "$std"; then
                echo "$f:$n: the core ($layer/) includes <$inc>; it may use standard C only"
                echo x >&3
            fi ;;
        esac
        case $base in
        portaudio|jack/*|pipewire/*|spa/*)
            [ "$layer" = dev ] || { echo "$f:$n: <$inc> belongs to dev/"; echo x >&3; } ;;
        sndfile|samplerate|ebur128)
            [ "$layer" = io ] || { echo "$f:$n: <$inc> belongs to io/"; echo x >&3; } ;;
        unistd|pthread|fcntl|termios|dirent|poll|dlfcn|windows|io|sys/*)
            [ "$layer" = sys ] || { echo "$f:$n: <$inc> is platform code: it belongs to sys/"; echo x >&3; } ;;
        esac
    done 3>>"${TMPDIR:-/tmp}/adem-layers.$$"
done
if [ -s "${TMPDIR:-/tmp}/adem-layers.$$" ]; then
    bad=1
fi
rm -f "${TMPDIR:-/tmp}/adem-layers.$$"
exit $bad
