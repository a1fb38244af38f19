#include "key_cursor.h"

#include <arpa/inet.h>

#include <cstring>
#include <vector>

namespace bytestore::postgres {
namespace {

std::string int8_bytes(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xFF);
  return out;
}

}  // namespace

KeyCursor::KeyCursor(std::shared_ptr<ConnectionPool> pool, std::optional<std::string> scope, std::string start,
                     std::optional<std::string> end, std::uint64_t page_size)
    : pool_(std::move(pool)), scope_(std::move(scope)), start_(std::move(start)), end_(std::move(end)),
      page_size_(page_size) {}

std::unique_ptr<KeyCursor> KeyCursor::empty() {
  auto cursor = std::make_unique<KeyCursor>(nullptr, std::nullopt, std::string(), std::nullopt, 1);
  cursor->done_ = true;
  return cursor;
}

bool KeyCursor::next(const sdk::KeySink& sink) {
  if (done_) return false;
  const std::string limit = int8_bytes(page_size_);
  const std::string name = std::string(started_ ? "list_after" : "list_from") + (end_ ? "_below" : "");
  std::vector<std::string_view> params;
  if (scope_) params.push_back(*scope_);
  params.push_back(start_);
  if (end_) params.push_back(*end_);
  params.push_back(limit);
  // The page is read whole before any key is handed on, so a retried page
  // sends nothing twice.
  std::vector<std::string> keys = pool_->run([&](Connection& connection) {
    const Result page = connection.run(name, params);
    std::vector<std::string> out;
    const int rows = PQntuples(page.get());
    out.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r)
      out.emplace_back(PQgetvalue(page.get(), r, 0), static_cast<std::size_t>(PQgetlength(page.get(), r, 0)));
    return out;
  });
  for (const std::string& key : keys) sink(key);
  started_ = true;
  if (!keys.empty()) start_ = keys.back();
  done_ = keys.size() < page_size_;
  return !done_;
}

}  // namespace bytestore::postgres
