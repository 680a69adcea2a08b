# Runs simd_dump (cmake -DA=... -P same_output_avx2.cmake) with the synth's
# eight-lane kernels and with ADEM_SIMD=sse2, and fails unless both succeed,
# the first really used AVX2 and both print the same checksum. Says "no AVX2
# on this machine" (the ctest's skip) when the machine has none.
execute_process(COMMAND ${A} OUTPUT_VARIABLE out_a ERROR_VARIABLE err_a RESULT_VARIABLE rc_a)
execute_process(COMMAND ${CMAKE_COMMAND} -E env ADEM_SIMD=sse2 ${A}
                OUTPUT_VARIABLE out_b ERROR_VARIABLE err_b RESULT_VARIABLE rc_b)
if(NOT rc_a EQUAL 0 OR NOT rc_b EQUAL 0)
  message(FATAL_ERROR "failed: ${A} (${rc_a}: ${err_a}), with ADEM_SIMD=sse2 (${rc_b}: ${err_b})")
endif()
if(NOT err_b MATCHES "kernels sse2")
  message(FATAL_ERROR "ADEM_SIMD=sse2 did not choose the four-lane kernels: ${err_b}")
endif()
if(NOT err_a MATCHES "kernels avx2")
  message(STATUS "no AVX2 on this machine: ${err_a}")
  return()
endif()
if(NOT out_a STREQUAL out_b)
  message(FATAL_ERROR "different output:\navx2: ${out_a}sse2: ${out_b}")
endif()
message(STATUS "same output with and without AVX2: ${out_a}")
