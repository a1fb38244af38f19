// Discovering backend plugins and reading their option schemas.
#pragma once

#include <bytestore/capabilities.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bytestore {

enum class OptionType { string, boolean, integer, unsigned_integer, number, size, duration, enumeration };

// The lowercase name of `type`, as written in docs and errors.
std::string_view to_string(OptionType type) noexcept;

// One option a backend accepts, as its plugin declares it.
struct OptionSchema {
  std::string name;
  std::string alias;  // another accepted name, or empty
  OptionType type = OptionType::string;
  std::optional<std::string> default_value;  // canonical text; none if required
  std::string doc;
  bool required = false;
  bool secret = false;               // never printed or echoed in errors
  bool path = false;                 // a file-system path: relative to the config file
  bool store = false;                // names another store of the config
  std::vector<std::string> choices;  // the values of an enumeration
};

struct PluginInfo {
  std::string backend;  // the name used as `backend:` in config
  std::string version;
  std::string description;
  std::filesystem::path file;
  Capabilities capabilities;  // the plugin's defaults; a store may differ
  std::vector<OptionSchema> options;
  bool layer = false;  // used as `layer: NAME` around a store, not as a backend
};

// Where plugins are looked for, in order: `extra_dirs`, the entries of
// $BYTESTORE_PLUGIN_PATH, then the plugin directory beside libbytestore.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& extra_dirs = {});

// Every plugin found on the search path (the first of each name wins).
std::vector<PluginInfo> list_plugins(const std::vector<std::filesystem::path>& extra_dirs = {});

// The plugin for `backend`; throws Error(Errc::plugin) naming every
// directory searched when there is none.
PluginInfo find_plugin(std::string_view backend,
                       const std::vector<std::filesystem::path>& extra_dirs = {});

}  // namespace bytestore
