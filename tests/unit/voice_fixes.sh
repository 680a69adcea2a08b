#!/usr/bin/env bash
# voice_fixes: the pronunciation fixes of scripts/make-voice-pack, checked
# against what espeak-ng says (its -x phoneme output) for every cue of the
# shipped transcript (audio/voices/nl/transcript.tsv):
#   - each fix is needed: without it espeak-ng stresses the word elsewhere
#     (kind stress) or breaks the clause before it (kind pause, `_:_:`);
#   - each fix works: the word alone, and every cue that has the word, then
#     contain the expected phonemes (the ' marks the stressed syllable);
#   - the words issue 19 names (rechterhand, linkerhand, buikspieren,
#     overgang, verdergaat, allebei, alsof; tot, als, en) are in the table;
#   - no cue has a pause inside a clause: after the fixes espeak-ng pauses
#     only at punctuation (no `_:_:` anywhere).
# Skipped (77) when espeak-ng is not installed.
set -euo pipefail
src=${ADEM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
mvp=$src/scripts/make-voice-pack
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed; skipped"; exit 77; }
command -v perl >/dev/null || { echo "perl is not installed; skipped"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/voice_fixes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$mvp" --fixes >"$tmp/fixes"
"$mvp" --phonemes >"$tmp/fixed"
"$mvp" --phonemes --raw >"$tmp/raw"
cp "$src/audio/voices/nl/transcript.tsv" "$tmp/transcript"
# each fix's word alone, with and without the fixes
while IFS=$'\t' read -r word _ _ _; do
  printf '%s\t%s\t%s\n' "$word" "$("$mvp" --say "$word")" "$("$mvp" --raw --say "$word")"
done <"$tmp/fixes" >"$tmp/alone"

[ "$(wc -l <"$tmp/fixes")" -ge 10 ] || { echo "FAIL: the table of fixes has fewer than 10 entries"; exit 1; }
[ "$(wc -l <"$tmp/fixed")" = "$(wc -l <"$tmp/transcript")" ] ||
  { echo "FAIL: --phonemes gave $(wc -l <"$tmp/fixed") lines for $(wc -l <"$tmp/transcript") cues"; exit 1; }

perl -CSD -e '
  use strict; use warnings;
  my ($dir) = @ARGV;
  sub rd { my ($f) = @_; open my $h, "<:encoding(UTF-8)", "$dir/$f" or die "$f: $!"; my %m; my @o;
           while (<$h>) { chomp; my ($k, @v) = split /\t/, $_, -1; $m{$k} = \@v; push @o, $k } close $h; return (\%m, \@o) }
  my ($text, $ids) = rd("transcript");
  my ($fixed) = rd("fixed");
  my ($raw) = rd("raw");
  my ($alone) = rd("alone");
  open my $fh, "<:encoding(UTF-8)", "$dir/fixes" or die; my @fixes = map { chomp; [split /\t/] } <$fh>;
  my ($fail, $checked) = (0, 0);
  sub bad { print "FAIL: @_\n"; $fail++ }
  # the phonemes of a token with the stress, gap and glottal marks taken off
  sub bare { my $t = shift; $t =~ s/_[|!]//g; $t =~ s/[_\x27,!]//g; return $t }
  for my $f (@fixes) {
    my ($word, $repl, $kind, $want) = @$f;
    bad("$word: kind must be stress or pause, not $kind") unless $kind =~ /^(stress|pause)$/;
    bad("$word: the replacement $repl is not espeak-ng phoneme input [[...]]") unless $repl =~ /^\[\[.*\]\]$/;
    my ($fa, $ra) = @{$alone->{$word}};
    my @cues = grep { $text->{$_}[0] =~ /(?<!\p{L})\Q$word\E(?!\p{L})/i } @$ids;
    if ($kind eq "stress") {
      bad("$word alone is said \"$fa\", without $want") if index($fa, $want) < 0;
      for my $id (@cues) {
        $checked++;
        bad("$id: \"$word\" is not said as $want: $fixed->{$id}[0]") if index($fixed->{$id}[0], $want) < 0;
      }
    } else {
      # a linking word is stressed when alone and may blend into the next
      # word (als ze: Al! z@): its sounds, without the marks, must be there
      my $head = substr(bare($want), 0, 2);
      bad("$word alone is said \"$fa\", not as $want") if index(bare($fa), bare($want)) < 0;
      for my $id (@cues) {
        $checked++;
        bad("$id: \"$word\" is not said as $want: $fixed->{$id}[0]")
          unless grep { index(bare($_), $head) == 0 } split / /, $fixed->{$id}[0];
      }
    }
    if ($kind eq "stress") {
      # needed: espeak-ng on its own puts the stress elsewhere
      bad("$word: espeak-ng already says $want without the fix; remove the entry") if index($ra, $want) >= 0;
    } else {
      # needed: without it espeak-ng pauses right before the word in some cue
      my $head = substr(bare($want), 0, 2);
      my $seen = grep { my @t = split / /, $raw->{$_}[0];
                        grep { $t[$_] =~ /_:_:/ && $_ + 1 < @t && index(bare($t[$_ + 1]), $head) == 0 } 0 .. $#t } @cues;
      bad("$word: espeak-ng makes no pause before it in any cue; remove the entry") unless $seen;
    }
  }
  # the words of issue 19 that espeak-ng stressed wrongly, and the linking
  # words it paused before, each have their fix
  my %have = map { ($_->[0] => 1) } @fixes;
  for my $w (qw(rechterhand linkerhand buikspieren overgang verdergaat allebei alsof tot als en)) {
    bad("the table has no fix for \"$w\"") unless $have{$w};
  }
  for my $id (@$ids) {
    bad("$id: a pause inside a clause (_:_:): $fixed->{$id}[0]; add a fix or a comma") if $fixed->{$id}[0] =~ /_:_:/;
  }
  printf "%d fixes, %d cue/fix pairs, %d cues checked\n", scalar @fixes, $checked, scalar @$ids;
  exit($fail ? 1 : 0);
' "$tmp"
