#!/usr/bin/env bash
# man.sh: the man pages adem(1) and adem-session(5), as the build made them,
# render without a warning (groff -ww, man --warnings as lintian runs it, and
# mandoc -T lint when mandoc is installed); adem(1) names every command of
# `adem --help` and every option of every command's help; and the session
# examples in adem-session(5) pass `adem check`.
# Usage: man.sh MANDIR (the build's packaging/man). Environment: ADEM_BIN.
set -u
mandir=${1:?usage: man.sh MANDIR}
adem=${ADEM_BIN:?set ADEM_BIN to the adem binary}
tmp=$(mktemp -d /tmp/adem-man-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

for page in adem.1 adem-session.5; do
    f=$mandir/$page
    [ -s "$f" ] || { fail "$f is missing; build the target adem_packaging_files"; continue; }
    [ -s "$f.gz" ] && ! gzip -dc "$f.gz" | cmp -s - "$f" && fail "$f.gz is not $f compressed"
    out=$(groff -ww -z -man "$f" 2>&1) || fail "groff failed on $page"
    [ -z "$out" ] || fail "groff -ww on $page: $out"
    out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
    [ -z "$out" ] || fail "man --warnings on $page: $out"
    text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null)
    grep -q '^NAME' <<<"$text" || fail "man -l $page shows no NAME section"
    grep -q '@ADEM_' "$f" && fail "$page has an unfilled @ADEM_...@ placeholder"
    if command -v mandoc >/dev/null; then
        out=$(mandoc -T lint -W warning "$f" 2>&1) || fail "mandoc -T lint on $page: $out"
    fi
done
command -v mandoc >/dev/null || echo "note: mandoc is not installed; linted with groff and man only"

# adem(1) against the binary's help
page=$mandir/adem.1
commands=$("$adem" --help | sed -n 's/^  adem \([a-z]\{1,\}\).*/\1/p' | sort -u)
[ -n "$commands" ] || fail "no commands in adem --help"
for c in $commands; do
    grep -qx "\\.B $c" "$page" || fail "adem.1 has no synopsis line for adem $c"
    grep -q "^\\.BR\\? $c\\b" "$page" || fail "adem.1 does not describe adem $c under COMMANDS"
done
options=$({
    "$adem" --help
    for c in $commands; do "$adem" "$c" --help; done
} | grep -o -- '--[a-z][a-z-]*' | sort -u)
for o in $options; do
    roff=${o//-/\\-}
    grep -qF -- "$roff" "$page" || fail "adem.1 does not mention $o"
done
for word in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES CONFIGURATION XDG_CONFIG_HOME XDG_DATA_HOME; do
    grep -q "$word" "$page" || fail "adem.1 has no $word"
done

# the examples of adem-session(5) are valid sessions: each .EX block of its
# EXAMPLES section that starts with `session`, with the roff escapes undone
awk -v dir="$tmp" '
    /^\.SH EXAMPLES/ { on = 1; next }
    /^\.SH / { on = 0 }
    on && /^\.EX/ { block = 1; file = ""; next }
    on && /^\.EE/ { block = 0; next }
    on && block {
        line = $0
        gsub(/\\-/, "-", line); gsub(/\\&/, "", line)
        if (file == "" && line ~ /^session /) { n++; file = dir "/example" n ".adem" }
        if (file != "") print line > file
    }' "$mandir/adem-session.5"
n=0
for f in "$tmp"/example*.adem; do
    [ -e "$f" ] || break
    n=$((n + 1))
    out=$("$adem" check "$f" 2>&1) || fail "example $n of adem-session(5) is invalid: $out"
done
[ $n -ge 3 ] || fail "found $n session examples in adem-session(5), want at least 3"

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "man: all checks passed ($n session examples checked)"
