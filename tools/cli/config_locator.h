// Which config the CLI uses: --config, else $BYTESTORE_CONFIG, else
// ./bytestore.yaml, else the embedded default (one SQLite store under the
// user's data directory).
#pragma once

#include <bytestore/config.hpp>

#include <optional>
#include <string>

namespace bytestore::cli {

struct LocatedConfig {
  Config config;
  std::string origin;  // how it was found, for `info`
};

LocatedConfig locate_config(const std::optional<std::string>& flag);

// The store a command works on: --store, else the config's default, else
// its only store; empty when none of those applies (open() then says why).
std::string selected_store(const Config& config, const std::optional<std::string>& flag);

// Opens store `name` of `located` (empty: as open() chooses). A store that
// is not persistent (memory) lives only as long as this one command, so
// opening one prints a one-line warning saying so on stderr.
std::unique_ptr<ByteStore> open_store(const LocatedConfig& located, const std::string& name);

// For commands that only read: throws Error(io) naming the path when the
// store's data does not exist (a SQLite file or LMDB environment never
// written), so reading never creates an empty store.
void require_existing_data(const LocatedConfig& located, const std::string& name);

// `store 'NAME' (BACKEND): no data at WHERE ...`, or empty when the data
// exists or cannot be told without connecting.
std::string missing_data(const LocatedConfig& located, const std::string& name);

// ${XDG_DATA_HOME:-$HOME/.local/share}/bytestore/default.db
std::string default_database_path();

}  // namespace bytestore::cli
