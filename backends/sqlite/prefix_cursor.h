// A listing of the keys under a prefix, read a page at a time.
#pragma once

#include "connection_pool.h"
#include "schema.h"

#include <bytestore/plugin_sdk.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bytestore::sqlite {

// Each page is one short statement on a pooled connection: a range scan
// of the primary key resuming after the last key sent (never OFFSET), so
// a page costs the same however deep the listing is, and writes between
// pages are fine: each key present throughout is listed exactly once.
class PrefixCursor final : public sdk::Cursor {
 public:
  PrefixCursor(std::shared_ptr<ConnectionPool> pool, std::shared_ptr<const TableSql> sql,
               std::string_view prefix, std::int64_t page_size);

  bool next(const sdk::KeySink& sink) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
  std::shared_ptr<const TableSql> sql_;
  std::string start_;               // the prefix, then the last key sent
  std::optional<std::string> end_;  // sdk::prefix_end(prefix), exclusive
  std::int64_t page_size_;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace bytestore::sqlite
