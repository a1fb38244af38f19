# bytestore_add_conformance(STORE name CONFIG file)
#
# Registers the conformance suite against store `name` of `file` twice:
# conformance.<name> runs the whole contract; concurrency.<name> runs the
# async and multi-thread clauses (C7, C8) and carries the label the TSan
# build selects. Each run works in its own scratch directory and wipes the
# store first: the data there is the suite's own. The config is copied
# into that directory, so its relative paths (taken from the config file's
# directory) land there too.
function(bytestore_add_conformance)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "STORE;CONFIG" "")
  set(dir ${PROJECT_BINARY_DIR}/conformance-work/${arg_STORE})
  file(MAKE_DIRECTORY ${dir})
  configure_file(${arg_CONFIG} ${dir}/config.yaml COPYONLY)
  set(runner $<TARGET_FILE:bytestore-conformance> --config ${dir}/config.yaml --store ${arg_STORE} --wipe)
  add_test(NAME conformance.${arg_STORE} COMMAND ${runner} WORKING_DIRECTORY ${dir})
  set_tests_properties(conformance.${arg_STORE} PROPERTIES LABELS conformance)
  add_test(NAME concurrency.${arg_STORE}
           COMMAND ${runner} --gtest_filter=C7*:C8*:*Async*
           WORKING_DIRECTORY ${dir})
  # Both use the same scratch store.
  set_tests_properties(concurrency.${arg_STORE} PROPERTIES LABELS concurrency
                       RESOURCE_LOCK conformance-${arg_STORE})
  set_tests_properties(conformance.${arg_STORE} PROPERTIES RESOURCE_LOCK conformance-${arg_STORE})
endfunction()
