// Finding, loading and checking backend plugins.
#pragma once

#include <bytestore/plugin_abi.h>
#include <bytestore/plugins.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace bytestore::internal {

// A loaded plugin whose table passed the ABI checks. Libraries stay loaded
// for the life of the process: instances, cursors and pending async calls
// may refer to their code at any time.
class PluginLibrary {
 public:
  // Loads and checks the plugin at `file`; throws Error(Errc::plugin).
  static std::shared_ptr<const PluginLibrary> load(const std::filesystem::path& file);
  // Finds and loads the plugin for `backend` on the search path.
  static std::shared_ptr<const PluginLibrary> find(
      std::string_view backend, const std::vector<std::filesystem::path>& extra_dirs);

  // Every library loaded so far, in file order.
  static std::vector<std::shared_ptr<const PluginLibrary>> loaded();

  const bytestore_plugin& table() const { return *table_; }
  const PluginInfo& info() const { return info_; }
  // The file as a C string that lives as long as the process.
  const char* file_c_str() const { return info_.file.c_str(); }

 private:
  PluginLibrary(const bytestore_plugin* table, PluginInfo info)
      : table_(table), info_(std::move(info)) {}

  const bytestore_plugin* table_;
  PluginInfo info_;
};

// Whether `table` reaches the member at `offset`: tables of plugins built
// against an older header are shorter (see struct_size).
inline bool table_has(const bytestore_plugin& table, std::size_t offset) {
  return table.struct_size >= offset + sizeof(void (*)());
}

// The file name of `backend`'s plugin: "bytestore-NAME.so".
std::string plugin_file_name(std::string_view backend);

Capabilities from_c(const bytestore_capabilities& c);

}  // namespace bytestore::internal
