# bytestore_add_plugin(NAME [NO_INSTALL] source...)
#
# Builds backend plugin NAME as bytestore-NAME.so, exporting only its entry
# symbol. In the bytestore tree it lands in the plugin directory beside
# libbytestore and is installed with it (unless NO_INSTALL); in a third
# party's project it is an ordinary MODULE target linked to
# bytestore::plugin_sdk, to place as you like.
function(bytestore_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "" "")
  set(target bytestore-${name})
  add_library(${target} MODULE ${arg_UNPARSED_ARGUMENTS})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME bytestore-${name}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(TARGET bytestore_plugin_sdk)
    target_link_libraries(${target} PRIVATE bytestore_plugin_sdk)
    target_compile_definitions(${target} PRIVATE BYTESTORE_PLUGIN_VERSION="${PROJECT_VERSION}")
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${BYTESTORE_PLUGIN_BUILD_DIR})
    if(NOT arg_NO_INSTALL)
      install(TARGETS ${target} LIBRARY DESTINATION ${BYTESTORE_INSTALL_PLUGINDIR})
    endif()
  else()
    target_link_libraries(${target} PRIVATE bytestore::plugin_sdk)
  endif()
endfunction()
