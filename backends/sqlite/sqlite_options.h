// The options of the `sqlite` backend, as written under a store in YAML.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bytestore::sqlite {

// PRAGMA synchronous. With WAL, `normal` survives a killed process and may
// lose the last commits on power loss; `full` survives both, and is the
// default so that every persistent backend makes the same promise.
enum class Synchronous { full, normal, off };
BOOST_DESCRIBE_ENUM(Synchronous, full, normal, off)

struct SqliteOptions {
  std::string path;
  std::string table = "bytestore";
  Synchronous synchronous = Synchronous::full;
  sdk::Duration busy_timeout{5000};
  std::uint64_t page_size = 1000;
  bool read_only = false;
  std::uint64_t connections = 4;

  static constexpr std::array docs{
      sdk::OptionDoc{"path",
                     "Database file; its parent directory is created if missing. "
                     "Relative to the config file. \":memory:\" keeps the data in the process "
                     "until the store is closed.",
                     sdk::kRequired | sdk::kPath},
      sdk::OptionDoc{"table",
                     "Table holding the pairs, [A-Za-z_][A-Za-z0-9_]*. Several stores may share "
                     "one file through different tables."},
      sdk::OptionDoc{"synchronous",
                     "full | normal | off (PRAGMA synchronous). full survives power loss; with "
                     "WAL, normal loses nothing on a killed process, only possibly the last "
                     "commits on power loss."},
      sdk::OptionDoc{"busy_timeout",
                     "How long a call waits for a lock held by another connection or process "
                     "before failing with `unavailable`."},
      sdk::OptionDoc{"page_size", "Keys per page when listing."},
      sdk::OptionDoc{"read_only", "Open the file read-only; it must exist, and writes are refused."},
      sdk::OptionDoc{"connections",
                     "Most SQLite connections kept open; reads run on them in parallel, writes "
                     "take turns. Always 1 for \":memory:\"."},
  };
};
BOOST_DESCRIBE_STRUCT(SqliteOptions, (),
                      (path, table, synchronous, busy_timeout, page_size, read_only, connections))

}  // namespace bytestore::sqlite
