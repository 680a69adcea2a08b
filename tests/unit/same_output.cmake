# Runs the programs A and B (cmake -DA=... -DB=... -P same_output.cmake) and
# fails unless both succeed and print the same.
execute_process(COMMAND ${A} OUTPUT_VARIABLE out_a RESULT_VARIABLE rc_a)
execute_process(COMMAND ${B} OUTPUT_VARIABLE out_b RESULT_VARIABLE rc_b)
if(NOT rc_a EQUAL 0 OR NOT rc_b EQUAL 0)
  message(FATAL_ERROR "failed: ${A} (${rc_a}), ${B} (${rc_b})")
endif()
if(NOT out_a STREQUAL out_b)
  message(FATAL_ERROR "different output:\n${A}: ${out_a}${B}: ${out_b}")
endif()
message(STATUS "same output: ${out_a}")
