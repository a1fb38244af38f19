// A config file read from YAML: its shape checked, option values still raw
// (interpolation and typing happen when a store is bound to its plugin, so
// a store that is never opened never needs its ${VAR}s).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interpolate.h"
#include "source_mark.h"

namespace bytestore::config {

struct RawOption {
  std::string name;
  SourceMark name_mark;
  std::string value;   // the scalar's text; empty for a non-scalar
  SourceMark value_mark;
  std::string kind;    // "scalar", "null", "sequence" or "mapping"
};

struct StoreEntry {
  std::string name;
  SourceMark mark;  // of the store's name
  std::string backend;
  SourceMark backend_mark;
  std::vector<RawOption> options;  // everything but `backend` and `layers`, in file order
  // The store's `layers:`, first listed outermost. Each is an entry of its
  // own, named after the store, with the layer's name in `backend`.
  std::vector<StoreEntry> layers;
  SourceMark layers_mark;
  bool is_layer = false;  // an entry of another store's `layers`
};

struct ConfigDocument {
  std::string source;  // the file name, for messages
  std::string default_store;
  SourceMark default_mark;
  std::vector<std::filesystem::path> plugin_dirs;  // absolute
  // Where relative path options are taken from: the config file's
  // directory. Unset for config text not read from a file, whose relative
  // paths follow the working directory.
  std::optional<std::filesystem::path> path_base;
  std::vector<StoreEntry> stores;

  // The store named `name`, or nullptr.
  const StoreEntry* find(std::string_view name) const;
};

// Runs `check_one` on every store of `doc` in file order, going on past
// the ones that throw Error; then, if any did, throws one Error of the
// first one's code whose message has one line per failed store (each
// error's own "file:line:column: ..." line), so a check names every bad
// store at once.
void check_every_store(const ConfigDocument& doc,
                       const std::function<void(const StoreEntry&)>& check_one);

// A mistake in YAML text that yaml-cpp reports only by its effect ("end of
// map flow not found"): where it is and what to do about it.
struct YamlTrap {
  SourceMark mark;
  std::string hint;
};

// The first trap in `yaml`: an indentation with a tab, or an unquoted
// ${VAR} inside a { } or [ ] flow collection (where '{' opens a mapping).
std::optional<YamlTrap> find_yaml_trap(std::string_view yaml);

// The longest config text accepted.
inline constexpr std::size_t kMaxConfigBytes = 4 << 20;

// Parses `yaml`. Relative plugin_dirs are taken against `base_dir`.
// Throws Error(Errc::config) with "source:line:column: ..." messages.
ConfigDocument parse_config(std::string_view yaml, std::string source,
                            const std::filesystem::path& base_dir, const EnvLookup& env);

// Reads and parses the file at `path`.
ConfigDocument load_config(const std::filesystem::path& path, const EnvLookup& env);

}  // namespace bytestore::config
