#!/usr/bin/env bash
# install.sh: `cmake --install` into a temporary prefix lays out the tree of
# packaging/install.cmake; the tree still works after it is moved elsewhere
# (adem finds share/adem from its own binary: a session added only to the
# moved tree is listed), and the installed adem lists, checks and shows every
# built-in, and renders 478 to the same samples as the build tree's adem.
# Usage: install.sh BUILDDIR. Environment: ADEM_BIN (the build tree's adem).
set -u
build=$(cd "${1:?usage: install.sh BUILDDIR}" && pwd)
adem_build=${ADEM_BIN:?set ADEM_BIN to the adem binary}
tmp=$(mktemp -d /tmp/adem-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ADEM_DATA_DIR
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
builtins="478 bodyscan les niksdoen opbouw pmr rustig schud-staand schudden slapen uitleg vuist"

out=$(cmake --install "$build" --prefix "$tmp/prefix" 2>&1) || { echo "$out"; fail "cmake --install failed"; exit 1; }
p=$tmp/prefix
[ -x "$p/bin/adem" ] || fail "bin/adem is missing or not executable"
for s in $builtins; do
    [ -f "$p/share/adem/sessions/$s.adem" ] || fail "share/adem/sessions/$s.adem is missing"
done
n=$(find "$p/share/adem/sessions" -type f | wc -l)
[ "$n" -eq 12 ] || fail "share/adem/sessions holds $n files, want the 12 built-ins"
nl=$p/share/adem/voices/nl
for f in index.html guide.js guide.css; do
    [ -f "$p/share/adem/web/$f" ] || fail "share/adem/web/$f (the page for the room) is missing"
done
[ -f "$nl/transcript.tsv" ] || fail "the nl voice pack has no transcript.tsv"
while IFS=$'\t' read -r id _; do
    [ -n "$id" ] || continue
    [ -f "$nl/$id.ogg" ] || fail "cue $id of the transcript is not installed"
done <"$nl/transcript.tsv"
dots=$(find "$p" -name '.*' | wc -l)
[ "$dots" -eq 0 ] || fail "dot files installed: $(find "$p" -name '.*')"
for f in share/man/man1/adem.1 share/man/man5/adem-session.5; do
    [ -f "$p/$f.gz" ] || [ -f "$p/$f" ] || fail "$f(.gz) is missing"
done
for f in share/bash-completion/completions/adem share/doc/adem/README.md share/doc/adem/copyright \
    share/doc/adem/sessions.md; do
    [ -f "$p/$f" ] || fail "$f is missing"
done
[ -e "$p/share/doc/adem/changelog.Debian.gz" ] && fail "Debian's changelog is installed outside the .deb"
[ -e "$p/share/lintian" ] && fail "lintian overrides are installed outside the .deb"
grep -q 'License: Expat' "$p/share/doc/adem/copyright" || fail "the copyright file names no license"

# move the tree: nothing may depend on where it was installed
mv "$p" "$tmp/moved"
p=$tmp/moved
adem=$p/bin/adem
printf 'session "Alleen hier"\nwait 1s\n' >"$p/share/adem/sessions/alleen-hier.adem"
list=$("$adem" list 2>&1) || fail "the moved adem list failed: $list"
for s in $builtins alleen-hier; do
    grep -q "^$s " <<<"$list" || fail "the moved adem does not list $s: $list"
done
for s in $builtins; do
    out=$("$adem" check "$p/share/adem/sessions/$s.adem" 2>&1) || fail "check $s: $out"
    out=$("$adem" show "$s" 2>&1) || fail "show $s: $out"
done
"$adem" render 478 -o "$tmp/installed.wav" || fail "the moved adem could not render 478"
"$adem_build" render 478 -o "$tmp/build.wav" || fail "the build tree's adem could not render 478"
cmp -s "$tmp/installed.wav" "$tmp/build.wav" || fail "the installed adem renders other samples than the build tree's"
"$adem" render 478 -o "$tmp/x.ogg" || fail "the moved adem could not render 478 to .ogg"
[ "$(head -c 4 "$tmp/x.ogg" 2>/dev/null)" = OggS ] || fail "x.ogg is not an Ogg file"
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$p/share/man/man1/adem.1.gz" 2>&1 | head -3) || true
grep -q ADEM <<<"$out" || fail "man -l cannot read the installed adem.1.gz: $out"
out=$(bash --norc --noprofile -c ". '$p/share/bash-completion/completions/adem' && complete -p adem" 2>&1)
[ "$out" = "complete -F _adem adem" ] || fail "the installed completion does not load: $out"

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "install: all checks passed"
