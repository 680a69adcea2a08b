# Renders sessions with adem's AVX2 kernels and without them (ADEM_SIMD=sse2)
# and fails unless every pair of files is byte for byte the same: the machine
# changes the speed, never the sound. cmake -DADEM=... -DDUMP=<simd_dump>
# -DSRC=<source dir> -DDIR=<scratch dir> -P same_render_avx2.cmake. Says "no
# AVX2 on this machine" (the ctest's skip) where simd_dump finds none.
execute_process(COMMAND ${DUMP} OUTPUT_QUIET ERROR_VARIABLE kernels RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "simd_dump failed: ${kernels}")
endif()
if(NOT kernels MATCHES "kernels avx2")
  message(STATUS "no AVX2 on this machine: ${kernels}")
  return()
endif()
file(MAKE_DIRECTORY ${DIR})
# everything at once at +12 dB (the limiter works most of the time), the
# equal-work grid at 44.1 kHz, a built-in with voice cues, a FLAC and a mono
# render, raw floats on standard output
set(cases
  "${SRC}/tests/bench/worst.adem|--volume|12|-o|@.wav"
  "${SRC}/tests/bench/equal30.adem|--set|cycles=3|--rate|44100|-o|@.wav"
  "pmr|--bed-level|6|-o|@.flac"
  "rustig|--mono|--rate|96000|-o|@.wav"
  "478|--format|f32|-o|-")
set(i 0)
foreach(c IN LISTS cases)
  math(EXPR i "${i} + 1")
  string(REPLACE "|" ";" args "${c}")
  string(REPLACE "@" "${DIR}/avx2-${i}" a_args "${args}")
  string(REPLACE "@" "${DIR}/sse2-${i}" b_args "${args}")
  # "-o -": raw samples on standard output, kept in a file
  execute_process(COMMAND ${ADEM} render ${a_args} RESULT_VARIABLE ra ERROR_VARIABLE ea
                  OUTPUT_FILE ${DIR}/avx2-${i}.out)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ADEM_SIMD=sse2 ${ADEM} render ${b_args}
                  RESULT_VARIABLE rb ERROR_VARIABLE eb OUTPUT_FILE ${DIR}/sse2-${i}.out)
  if(NOT c MATCHES "-o\\|-$")
    file(REMOVE ${DIR}/avx2-${i}.out ${DIR}/sse2-${i}.out)
  endif()
  if(NOT ra EQUAL 0 OR NOT rb EQUAL 0)
    message(FATAL_ERROR "render ${c} failed: ${ra} ${ea} / ${rb} ${eb}")
  endif()
  file(GLOB fa "${DIR}/avx2-${i}.*")
  file(GLOB fb "${DIR}/sse2-${i}.*")
  file(SHA256 "${fa}" ha)
  file(SHA256 "${fb}" hb)
  file(SIZE "${fa}" size)
  if(NOT ha STREQUAL hb)
    message(FATAL_ERROR "render ${c}: AVX2 and SSE2 differ (${fa}, ${fb})")
  endif()
  if(size LESS 100000)
    message(FATAL_ERROR "render ${c}: only ${size} bytes")
  endif()
  message(STATUS "same bytes with and without AVX2: ${c} (${size} bytes)")
endforeach()
file(REMOVE_RECURSE ${DIR})
