// A listing of the keys under a prefix, a page at a time: each page one
// statement that resumes after the last key sent (keyset paging on the
// primary key), so a listing holds no connection or snapshot between pages.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <memory>
#include <optional>
#include <string>

#include "connection_pool.h"

namespace bytestore::postgres {

class KeyCursor final : public sdk::Cursor {
 public:
  // Lists [start, end) (end: none, to the last key); `scope` is bound
  // before them (LangChain's namespace), when set.
  KeyCursor(std::shared_ptr<ConnectionPool> pool, std::optional<std::string> scope, std::string start,
            std::optional<std::string> end, std::uint64_t page_size);
  // A listing that finds nothing, for a prefix no key can have.
  static std::unique_ptr<KeyCursor> empty();
  bool next(const sdk::KeySink& sink) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
  std::optional<std::string> scope_;
  std::string start_;               // the prefix, then the last key sent
  std::optional<std::string> end_;  // the first key past the prefix
  std::uint64_t page_size_;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace bytestore::postgres
