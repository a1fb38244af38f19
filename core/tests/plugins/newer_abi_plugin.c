/* A plugin from the future: its table claims ABI version 2. */
#include <bytestore/plugin_abi.h>

__attribute__((visibility("default"))) const bytestore_plugin* bytestore_plugin_entry(void) {
  static bytestore_plugin table;
  table.abi_version = 2;
  table.struct_size = sizeof table;
  table.name = "newabi";
  return &table;
}
