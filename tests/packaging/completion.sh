#!/usr/bin/env bash
# completion.sh: the bash completion (packaging/completion/adem.bash) loads
# without error, with and without the bash-completion package, and completes
# what adem takes: commands, each command's options (checked against the
# binary: an option is offered for a command exactly when adem accepts it
# there), session names from `adem list` (also your own), voice packs, device
# indices and names (from a stand-in `adem devices`), and option values.
# Environment (set by ctest): ADEM_BIN, ADEM_SOURCE_DIR.
set -u
adem=${ADEM_BIN:?set ADEM_BIN to the adem binary}
src=${ADEM_SOURCE_DIR:?set ADEM_SOURCE_DIR to the source tree}
script=$src/packaging/completion/adem.bash
tmp=$(mktemp -d /tmp/adem-completion-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
mkdir -p "$XDG_DATA_HOME/adem/sessions" "$XDG_CONFIG_HOME" "$tmp/work"
printf 'session "Mijn oefening"\nwait 1s\n' >"$XDG_DATA_HOME/adem/sessions/mijn-oefening.adem"
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
flat() { tr '\n' ' ' <<<"$1"; } # lines to one line, for messages

# A stand-in adem: `devices` prints a fixed table (there may be no sound card
# here) in the format of src/dev/out_device.c; everything else runs the real one.
fake=$tmp/adem
cat >"$fake" <<FAKE
#!/bin/sh
if [ "\$1" = devices ]; then
  printf '  %5s  %-12s %-40s %8s %9s %7s\n' index host name channels rate 'play at'
  printf '  %5d  %-12s %-40s %8d %9.0f %7d\n' 0 ALSA 'HDA Intel PCH: ALC3246 Analog (hw:0,0)' 2 44100 48000
  printf '* %5d  %-12s %-40s %8d %9.0f %7d\n' 7 ALSA default 32 48000 48000
  printf '  %5d  %-12s %-40s %8d %9.0f %7d\n' 9 'JACK Audio Connection Kit' system 2 44100 44100
  exit 0
fi
exec "$adem" "\$@"
FAKE
chmod +x "$fake"
export PATH="$tmp:$PATH" # `adem` on the command line is the stand-in

# complete MODE LINE: what <TAB> at the end of LINE offers, one per line,
# sorted. MODE is plain (bash alone) or bc (with bash-completion loaded).
# LINE is split into words as bash does (spaces, and '=' as a word of its own).
complete_line() {
    local mode=$1 line=$2
    (cd "$tmp/work" && bash --norc --noprofile -s "$mode" "$line" "$script" 2>"$tmp/stderr") <<'DRIVER' | sort
mode=$1 line=$2 script=$3
if [ "$mode" = bc ]; then
    # shellcheck disable=SC1091
    . /usr/share/bash-completion/bash_completion || exit 3
fi
# shellcheck disable=SC1090
. "$script" || exit 4
COMP_WORDS=()
for w in $line; do
    while [[ $w == *=* ]]; do
        [[ -n ${w%%=*} ]] && COMP_WORDS+=("${w%%=*}")
        COMP_WORDS+=("=")
        w=${w#*=}
    done
    [[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $line == *" " || $line == *= ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
_adem adem "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
DRIVER
}

# expect MODE LINE WORD...: the completion of LINE is exactly these words.
expect() {
    local mode=$1 line=$2
    shift 2
    local want got
    want=$(printf '%s\n' "$@" | sort)
    got=$(complete_line "$mode" "$line")
    [ -s "$tmp/stderr" ] && fail "[$mode] '$line' wrote to stderr: $(cat "$tmp/stderr")"
    [ "$got" = "$want" ] || fail "[$mode] '$line': want [$(flat "$want")] got [$(flat "$got")]"
}

# expect_has MODE LINE WORD...: the completion of LINE includes these words.
expect_has() {
    local mode=$1 line=$2 w got
    shift 2
    got=$(complete_line "$mode" "$line")
    for w in "$@"; do
        grep -qxF -- "$w" <<<"$got" || fail "[$mode] '$line': '$w' missing from [$(flat "$got")]"
    done
}

# ---- loading -------------------------------------------------------------------
out=$(bash --norc --noprofile -c ". '$script' && complete -p adem" 2>&1)
[ "$out" = "complete -F _adem adem" ] || fail "plain bash: loading printed or registered wrongly: $out"
modes=plain
if [ -r /usr/share/bash-completion/bash_completion ]; then
    out=$(bash --norc --noprofile -c ". /usr/share/bash-completion/bash_completion && . '$script' && complete -p adem" 2>&1)
    [ "$out" = "complete -F _adem adem" ] || fail "with bash-completion: $out"
    modes="plain bc"
else
    echo "note: bash-completion is not installed; tested with plain bash only"
fi

# ---- the options of each command, against the binary ---------------------------
# Every option adem's help texts or the completion name, tried on every command.
commands=$("$adem" --help | sed -n 's/^  adem \([a-z]\{1,\}\).*/\1/p' | sort -u | tr '\n' ' ')
[ -n "$commands" ] || fail "no commands found in adem --help"
universe=$({
    "$adem" --help
    for c in $commands; do "$adem" "$c" --help; done
    grep -o -- '--[a-z][a-z-]*' "$script"
} | grep -o -- '--[a-z][a-z-]*\|^ *-o,' | sed 's/ //g; s/,$//' | sort -u)
takes_value() { bash --norc --noprofile -c ". '$script'; _adem_takes_value '$1'"; }
for c in $commands; do
    offered=$(complete_line plain "adem $c -" | tr '\n' ' ')
    for o in $universe; do
        case $o in --script | --version) continue ;; esac # a testing aid; global only
        if takes_value "$o"; then
            err=$("$adem" "$c" "$o" 2>&1 >/dev/null)
            case $err in *"needs a value"*) accepted=1 ;; *) accepted=0 ;; esac
        else
            "$adem" "$c" "$o" --help >/dev/null 2>&1 && accepted=1 || accepted=0
        fi
        case " $offered " in *" $o "*) is_offered=1 ;; *) is_offered=0 ;; esac
        if [ "$accepted" = 1 ] && [ "$is_offered" = 0 ]; then fail "adem $c takes $o but the completion does not offer it"; fi
        if [ "$accepted" = 0 ] && [ "$is_offered" = 1 ]; then fail "the completion offers $o for adem $c, which does not take it"; fi
    done
done

# ---- words ---------------------------------------------------------------------
touch "$tmp/work/les.m3u" "$tmp/work/eigen.adem" "$tmp/work/notities.txt" "$tmp/work/uit.ogg"
mkdir -p "$tmp/work/map"
for m in $modes; do
    # shellcheck disable=SC2086 # one word per command
    expect "$m" "adem " $commands
    expect "$m" "adem ren" render
    expect "$m" "adem -" --help --version
    expect "$m" "adem help pl" play
    expect "$m" "adem render --vo" --voice --volume --voice-level
    expect "$m" "adem check -" --set --voice --tempo --help
    expect "$m" "adem list -" --help
    expect "$m" "adem play 4" 478
    expect_has "$m" "adem play " 478 rustig schudden vuist pmr niksdoen slapen mijn-oefening les.m3u eigen.adem map
    expect "$m" "adem play mijn" mijn-oefening
    expect "$m" "adem show sl" slapen
    expect "$m" "adem check " les.m3u eigen.adem map
    expect "$m" "adem render 478 --format " f32 s16
    expect "$m" "adem play --pipe /tmp/snap 478 --format " f32 s16
    expect "$m" "adem render 478 -o u" uit.ogg
    expect "$m" "adem play --voice n" nl
    expect "$m" "adem play --countdown 1" 10s 1m
    expect "$m" "adem devices " # nothing
    expect "$m" "adem log " # nothing
    expect "$m" "adem record -" --device --help --latency --rate
    expect_has "$m" "adem record " nl map
    expect "$m" "adem record --rate 48000 n" nl
    expect "$m" "adem record mijnstem " # cue IDs: nothing
    expect "$m" "adem record --device " # input devices: not listed by adem devices
    expect "$m" "adem show 478 --svg " map
done
# device names and indices, from the stand-in
for m in $modes; do
    got=$(complete_line "$m" "adem play --device ")
    want=$(printf '%s\n' 0 7 9 'HDA\ Intel\ PCH:\ ALC3246\ Analog\ \(hw:0\,0\)' default system | sort)
    [ "$got" = "$want" ] || fail "[$m] devices: want [$(flat "$want")] got [$(flat "$got")]"
done
# --option=value
expect bc "adem render 478 --format=" --format=f32 --format=s16
expect plain "adem render 478 --format=" f32 s16

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "completion: all checks passed ($modes)"
