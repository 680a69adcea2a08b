#!/usr/bin/env bash
# deb.sh: CPack makes a .deb from the build (into a temporary folder, not the
# build tree) whose contents are the install tree under /usr plus Debian's
# changelog and lintian overrides, whose Depends come from dpkg-shlibdeps
# (PortAudio, libsndfile, libvorbis, libogg, libsamplerate, libc, and from the
# modules in /usr/lib/<triplet>/adem/ libmicrohttpd and libsystemd), with section sound; and the
# adem unpacked from it (dpkg-deb -x, nothing installed) lists the built-ins.
# And lintian finds nothing to complain about: any error (E:) or warning (W:)
# fails the test; a tag that is wrong for adem is overridden, with its reason,
# in packaging/debian/lintian-overrides.
# Usage: deb.sh BUILDDIR VERSION. Exit 77 (skipped) without dpkg-deb.
set -u
build=$(cd "${1:?usage: deb.sh BUILDDIR VERSION}" && pwd)
version=${2:?usage: deb.sh BUILDDIR VERSION}
if ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
    echo "skipped: dpkg-deb and dpkg-shlibdeps (dpkg-dev) are needed to build a .deb"
    exit 77
fi
tmp=$(mktemp -d /tmp/adem-deb-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

if ! (cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log"
    echo "FAIL: cpack -G DEB failed"
    exit 1
fi
arch=$(dpkg --print-architecture)
deb=$tmp/out/adem_${version}-1_${arch}.deb
[ -f "$deb" ] || { ls "$tmp/out"; echo "FAIL: $deb was not made"; exit 1; }

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for path in ./usr/bin/adem ./usr/share/adem/sessions/478.adem ./usr/share/adem/sessions/rustig.adem \
    ./usr/share/adem/voices/nl/transcript.tsv ./usr/share/adem/voices/nl/intro_478.ogg \
    ./usr/share/adem/web/index.html ./usr/share/adem/web/guide.js ./usr/share/adem/web/guide.css \
    ./usr/share/man/man1/adem.1.gz ./usr/share/man/man5/adem-session.5.gz \
    ./usr/share/bash-completion/completions/adem ./usr/share/doc/adem/copyright \
    ./usr/share/doc/adem/changelog.Debian.gz ./usr/share/doc/adem/README.md \
    ./usr/share/lintian/overrides/adem; do
    grep -qxF -- "$path" <<<"$contents" || fail "the .deb lacks $path"
done
outside=$(grep -v '^\./usr/' <<<"$contents" | grep -vx '\./')
[ -z "$outside" ] || fail "the .deb has files outside /usr: $outside"
grep -q '/\.[^/]*$' <<<"$contents" && fail "the .deb has dot files: $(grep '/\.[^/]*$' <<<"$contents")"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = adem ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "${version}-1" ] || fail "Version is '$(field Version)', want ${version}-1"
[ "$(field Section)" = sound ] || fail "Section is '$(field Section)', want sound"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
for lib in libc6 libportaudio2 libsndfile1 libvorbis0a libogg0 libsamplerate0; do
    grep -q "\\b$lib\\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
grep -q '(>=' <<<"$depends" || fail "Depends has no versions (not from shlibdeps?): $depends"
# the page and MPRIS are private modules in /usr/lib/<triplet>/adem/ (when the
# build has them): dpkg-shlibdeps sees their libraries, adem itself needs none
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
for m in web:libmicrohttpd mpris:libsystemd0; do
    [ -f "$build/adem-${m%%:*}.so" ] || continue
    grep -qxF "./usr/lib/$multiarch/adem/adem-${m%%:*}.so" <<<"$contents" ||
        fail "the .deb lacks ./usr/lib/$multiarch/adem/adem-${m%%:*}.so"
    grep -q "\\b${m#*:}" <<<"$depends" || fail "Depends lacks ${m#*:} (adem-${m%%:*}.so): $depends"
done
summary=$(field Description | head -1)
[ -n "$summary" ] || fail "no Description"
[ "$(field Description | sed -n 2p | sed 's/^ //')" != "$summary" ] || fail "the Description repeats its synopsis"

# the unpacked tree works where it is (relocatable)
dpkg-deb -x "$deb" "$tmp/root"
list=$(XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config ADEM_DATA_DIR='' "$tmp/root/usr/bin/adem" list 2>&1) ||
    fail "the unpacked adem list failed: $list"
for s in 478 niksdoen pmr rustig schudden slapen vuist; do
    grep -q "^$s " <<<"$list" || fail "the unpacked adem does not list $s"
done
file "$tmp/root/usr/bin/adem" 2>/dev/null | grep -q 'not stripped' && fail "usr/bin/adem is not stripped"
readelf -d "$tmp/root/usr/bin/adem" | grep NEEDED | grep -E 'libmicrohttpd|libgnutls|libsystemd' &&
    fail "the packaged adem itself links the page's or MPRIS's libraries"

# lintian: no errors, no warnings
if command -v lintian >/dev/null; then
    # (it says so when run as root; it only reads the package)
    lintian --tag-display-limit 0 "$deb" >"$tmp/lintian.log" 2>&1
    tags=$(grep -E '^[EW]: ' "$tmp/lintian.log")
    [ -z "$tags" ] || fail "lintian: $(printf '\n%s' "$tags")"
else
    fail "lintian is not installed (scripts/bootstrap --test installs it)"
fi

if [ $failures -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "deb: $(basename "$deb") checked, lintian clean ($(dpkg-deb -c "$deb" | wc -l) entries; Depends: $depends)"
