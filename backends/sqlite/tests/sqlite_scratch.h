// Scaffolding shared by the sqlite backend's tests.
#pragma once

#include <bytestore/bytestore.hpp>

#include <sqlite3.h>

#include "scratch_dir.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bytestore::sqlite::testing {

// Scratch directories under the current one (the test's own directory).
class ScratchDir : public bytestore::testing::ScratchDir {
 public:
  ScratchDir() : bytestore::testing::ScratchDir("sqlite-test", std::filesystem::current_path()) {}
};

// Config text for one sqlite store at `path`, plus `extra` options written
// as flow-mapping entries ("busy_timeout: 100ms, page_size: 3").
inline std::string store_yaml(const std::string& path, const std::string& extra = {}) {
  return "stores: {s: {backend: sqlite, path: '" + path + "'" + (extra.empty() ? "" : ", " + extra) +
         "}}\ndefault: s\n";
}

inline std::unique_ptr<ByteStore> open_store(const std::string& path, const std::string& extra = {}) {
  return open_yaml(store_yaml(path, extra));
}

// What PRAGMA integrity_check says of the file, rows joined by newlines.
inline std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = "cannot open: " + std::string(sqlite3_errmsg(db));
    sqlite3_close(db);
    return message;
  }
  std::string verdict;
  sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        auto& text = *static_cast<std::string*>(out);
        if (!text.empty()) text += "\n";
        text += values[0] ? values[0] : "NULL";
        return 0;
      },
      &verdict, nullptr);
  sqlite3_close(db);
  return verdict;
}

}  // namespace bytestore::sqlite::testing
