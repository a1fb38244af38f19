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

// Which table the pairs live in: bytestore's own (`table`), or the one
// LangChain's SQLStore shares between namespaces (schema.h).
enum class Layout { bytestore, langchain };
BOOST_DESCRIBE_ENUM(Layout, bytestore, langchain)

inline constexpr const char* kDefaultTable = "bytestore";

struct SqliteOptions {
  std::string path;
  std::string table = kDefaultTable;
  Layout layout = Layout::bytestore;
  std::string namespace_;
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
      sdk::OptionDoc{"layout",
                     "bytestore: the table `table` of (key, value); langchain: LangChain "
                     "SQLStore's table langchain_key_value_stores, shared by namespaces."},
      sdk::OptionDoc{"namespace",
                     "With layout: langchain (required there): SQLStore's namespace; the store "
                     "reads and writes only its rows."},
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
                      (path, table, layout, namespace_, synchronous, busy_timeout, page_size, read_only,
                       connections))

}  // namespace bytestore::sqlite
