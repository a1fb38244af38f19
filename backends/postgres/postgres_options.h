// The options of a `postgres` store, as config spells them.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bytestore::postgres {

// Whether opening a store may create its table.
enum class SetupMode { sync, off };
BOOST_DESCRIBE_ENUM(SetupMode, sync, off)

// Which table the pairs live in: bytestore's own (`table`), or the one
// LangChain's SQLStore shares between namespaces.
enum class Layout { bytestore, langchain };
BOOST_DESCRIBE_ENUM(Layout, bytestore, langchain)

inline constexpr const char* kDefaultTable = "bytestore";

struct PostgresOptions {
  std::string url;
  std::string password;
  std::string table = kDefaultTable;
  SetupMode setup_mode = SetupMode::sync;
  Layout layout = Layout::bytestore;
  std::string namespace_;
  std::uint64_t connections = 4;
  sdk::Duration statement_timeout{30000};
  sdk::Duration connect_timeout{10000};
  std::uint64_t max_retries = 3;
  std::uint64_t page_size = 1000;

  static constexpr std::array docs{
      sdk::OptionDoc{"url",
                     "A libpq connection URI or key=value string "
                     "(postgresql://user@host:5432/db?sslmode=verify-full). Default: "
                     "$DATABASE_URL, else libpq's own defaults (PG* variables, ~/.pgpass, the "
                     "local socket). Secret: it may hold a password.",
                     sdk::kSecret},
      sdk::OptionDoc{"password", "The password, if not in url, PGPASSWORD or ~/.pgpass.", sdk::kSecret},
      sdk::OptionDoc{"table", "Table holding the pairs, [A-Za-z_][A-Za-z0-9_]* (at most 63 bytes)."},
      sdk::OptionDoc{"setup_mode",
                     "sync: create the table if it is missing; off: never run DDL, and fail "
                     "clearly when the table is missing."},
      sdk::OptionDoc{"layout",
                     "bytestore: the table `table` (key bytea PRIMARY KEY, value bytea); "
                     "langchain: LangChain SQLStore's table langchain_key_value_stores, shared "
                     "by namespaces."},
      sdk::OptionDoc{"namespace",
                     "With layout: langchain (required there): SQLStore's namespace; the store "
                     "reads and writes only its rows."},
      sdk::OptionDoc{"connections", "Most connections kept open (1 to 64); calls wait for a free one."},
      sdk::OptionDoc{"statement_timeout",
                     "The server cancels a statement running longer (`unavailable`, saying so)."},
      sdk::OptionDoc{"connect_timeout", "How long connecting may take (at least 2 s, as libpq counts it)."},
      sdk::OptionDoc{"max_retries",
                     "Times a call is retried after a lost connection, a server restart, a "
                     "serialization failure or a deadlock (every call is idempotent)."},
      sdk::OptionDoc{"page_size", "Keys per page when listing."},
  };
};
BOOST_DESCRIBE_STRUCT(PostgresOptions, (),
                      (url, password, table, setup_mode, layout, namespace_, connections, statement_timeout, connect_timeout,
                       max_retries, page_size))

}  // namespace bytestore::postgres
