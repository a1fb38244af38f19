#include "config_locator.h"

#include <bytestore/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "key_text.h"

namespace bytestore::cli {
namespace fs = std::filesystem;

std::string default_database_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  fs::path base;
  if (xdg && *xdg) {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (!home || !*home)
      throw Error(Errc::config, "neither XDG_DATA_HOME nor HOME is set, so there is no place for "
                                "the default store; pass --config FILE");
    base = fs::path(home) / ".local" / "share";
  }
  return (base / "bytestore" / "default.db").string();
}

std::string selected_store(const Config& config, const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return *flag;
  if (!config.default_store().empty()) return config.default_store();
  const auto names = config.store_names();
  return names.size() == 1 ? names.front() : std::string();
}

std::unique_ptr<ByteStore> open_store(const LocatedConfig& located, const std::string& name) {
  std::unique_ptr<ByteStore> store = located.config.open(name);
  if (!store->capabilities().persistent) {
    const std::string shown = name.empty() ? selected_store(located.config, std::nullopt) : name;
    std::fprintf(stderr,
                 "bytestore: warning: store '%s' (%s) is not persistent; its data ends with this "
                 "command\n",
                 printable(shown).c_str(), printable(located.config.backend(shown)).c_str());
  }
  return store;
}

std::string missing_data(const LocatedConfig& located, const std::string& name) {
  const std::string shown = name.empty() ? selected_store(located.config, std::nullopt) : name;
  if (shown.empty()) return {};  // open() says why there is no store
  const StoreLocation location = located.config.locate(shown);
  if (location.data != StoreLocation::Data::absent) return {};
  return "store '" + printable(shown) + "' (" + located.config.backend(shown) + "): no data at " +
         location.where + " (nothing was created; a command that writes creates it)";
}

void require_existing_data(const LocatedConfig& located, const std::string& name) {
  if (std::string missing = missing_data(located, name); !missing.empty())
    throw Error(Errc::io, missing);
}

LocatedConfig locate_config(const std::optional<std::string>& flag) {
  if (flag) return {Config::load_file(*flag), *flag + " (from --config)"};
  if (const char* env = std::getenv("BYTESTORE_CONFIG"); env && *env)
    return {Config::load_file(env), std::string(env) + " (from BYTESTORE_CONFIG)"};
  std::error_code ec;
  if (fs::exists("bytestore.yaml", ec))
    return {Config::load_file("bytestore.yaml"), "./bytestore.yaml"};
  // Single-quoted YAML, where a quote is doubled; "$" is doubled too, so
  // no part of the path is taken for a ${VAR}.
  std::string path;
  for (char c : default_database_path()) {
    path += c;
    if (c == '\'' || c == '$') path += c;
  }
  return {Config::parse("default: default\nstores:\n  default:\n    backend: sqlite\n    path: '" +
                            path + "'\n",
                        "<embedded default>"),
          "embedded default (SQLite at " + default_database_path() + ")"};
}

}  // namespace bytestore::cli
