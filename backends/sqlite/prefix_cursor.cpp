#include "prefix_cursor.h"


namespace bytestore::sqlite {

PrefixCursor::PrefixCursor(std::shared_ptr<ConnectionPool> pool,
                           std::shared_ptr<const TableSql> sql, std::string_view prefix,
                           std::int64_t page_size)
    : pool_(std::move(pool)),
      sql_(std::move(sql)),
      start_(prefix),
      end_(sdk::prefix_end(prefix)),
      page_size_(page_size) {}

bool PrefixCursor::next(const sdk::KeySink& sink) {
  if (done_) return false;
  const std::string& sql = started_ ? (end_ ? sql_->list_after_below : sql_->list_after)
                                    : (end_ ? sql_->list_from_below : sql_->list_from);
  auto connection = pool_->acquire();
  Statement page(*connection, sql);
  sql_->bind_scope(page);
  sql_->bind_key(page, 1, start_);
  if (end_) sql_->bind_key(page, 2, *end_);
  page.bind(3, page_size_);
  std::int64_t rows = 0;
  std::string last;
  while (page.step()) {
    const std::string_view key = page.bytes(0);
    sink(key);
    last.assign(key);
    ++rows;
  }
  started_ = true;
  if (rows > 0) start_ = std::move(last);
  done_ = rows < page_size_;
  return !done_;
}

}  // namespace bytestore::sqlite
