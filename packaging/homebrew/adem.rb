# Homebrew formula for adem (macOS and Linux), building from the source
# tarball that scripts/package makes (build-package/adem-VERSION.tar.gz, with
# its .sha256 beside it). Not tested here (no macOS): see README.md.
# Before use, set `url` to where the release tarball is published and `sha256`
# to the contents of adem-VERSION.tar.gz.sha256; then
#   brew install --build-from-source ./packaging/homebrew/adem.rb
#   brew test adem
class Adem < Formula
  desc "Guided breathing and relaxation player"
  homepage "https://example.org/adem"
  url "https://example.org/adem/adem-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  depends_on "cmake" => :build
  depends_on "pkgconf" => :build
  depends_on "libebur128"
  depends_on "libogg"
  depends_on "libsamplerate"
  depends_on "libsndfile"
  depends_on "libvorbis"
  depends_on "portaudio"

  def install
    # No tests or benchmarks (they need cmocka, JACK); warnings are not errors by
    # default. std_cmake_args builds Release: CMakeLists.txt adds the measured
    # optimisation flags (ADEM_OPT_FLAGS, -O3 -funroll-loops).
    system "cmake", "-S", ".", "-B", "build",
                    "-DADEM_TESTS=OFF", "-DADEM_BENCH=OFF",
                    *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
  end

  test do
    # The shipped sessions are found next to the binary, and render to a file.
    assert_match "4-7-8 ademhaling", shell_output("#{bin}/adem list")
    system bin/"adem", "check", share/"adem/sessions/478.adem"
    system bin/"adem", "render", "vuist", "-o", testpath/"vuist.wav"
    assert_predicate testpath/"vuist.wav", :exist?
    (testpath/"kapot.adem").write "session \"x\"\nwait 4sec\n"
    assert_match "kapot.adem:2:6", shell_output("#{bin}/adem check #{testpath}/kapot.adem 2>&1", 2)
  end
end
