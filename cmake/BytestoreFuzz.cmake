# bytestore_add_fuzzer(NAME source... CORPUS dir)
#
# A libFuzzer target (clang, -DBYTESTORE_FUZZ=ON) and a ctest test
# fuzz.NAME that runs it for BYTESTORE_FUZZ_SECONDS from the seed corpus
# in `dir` (new inputs go to a scratch copy, never into the source tree).
# Run it longer by hand: ./NAME -max_total_time=600 <scratch> <dir>.
set(BYTESTORE_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz test runs under ctest")

function(bytestore_add_fuzzer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "CORPUS" "")
  add_executable(${name} ${arg_UNPARSED_ARGUMENTS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
  file(MAKE_DIRECTORY ${scratch})
  add_test(NAME fuzz.${name}
    COMMAND ${name} -max_total_time=${BYTESTORE_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
            -print_final_stats=1 -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/${name}-
            ${scratch} ${arg_CORPUS})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz)
endfunction()
