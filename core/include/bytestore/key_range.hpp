// Streaming key listings: KeyCursor (pages) and KeyRange (an input range).
#pragma once

#include <cstddef>
#include <future>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace bytestore {

// A position in a key listing, read a page at a time. Not thread-safe: one
// thread reads one cursor.
class KeyCursor {
 public:
  virtual ~KeyCursor() = default;

  // Replaces `page` with the next keys of the listing. Returns false, with
  // `page` empty, once the listing is exhausted; true pages are never empty.
  virtual bool next_page(std::vector<std::string>& page) = 0;
};

// The keys of a listing as a single-pass input range:
//   for (const std::string& key : store->yield_keys("user:")) ...
// Holds one page in memory at a time. Throws bytestore::Error from
// begin() or ++ if the backend fails mid-listing.
class KeyRange {
 public:
  explicit KeyRange(std::unique_ptr<KeyCursor> cursor) : cursor_(std::move(cursor)) {}

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;

    iterator() = default;
    reference operator*() const { return range_->page_[range_->index_]; }
    pointer operator->() const { return &range_->page_[range_->index_]; }
    iterator& operator++() {
      range_->advance();
      return *this;
    }
    void operator++(int) { range_->advance(); }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    friend class KeyRange;
    explicit iterator(KeyRange* range) : range_(range) {}
    bool at_end() const { return range_ == nullptr || range_->done_; }
    KeyRange* range_ = nullptr;
  };

  iterator begin() {
    if (!started_) {
      started_ = true;
      fetch();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const { return {}; }

 private:
  void advance() {
    if (++index_ >= page_.size()) fetch();
  }
  void fetch() {
    index_ = 0;
    done_ = !cursor_->next_page(page_);
  }

  std::unique_ptr<KeyCursor> cursor_;
  std::vector<std::string> page_;
  std::size_t index_ = 0;
  bool started_ = false;
  bool done_ = false;
};

// An asynchronous listing: each next_page() returns a future of the next
// page; an empty page means the listing is exhausted. Calls are served in
// order. The cursor may be destroyed with pages still pending.
class AsyncKeyCursor {
 public:
  struct State;
  explicit AsyncKeyCursor(std::shared_ptr<State> state) : state_(std::move(state)) {}

  std::future<std::vector<std::string>> next_page();

 private:
  std::shared_ptr<State> state_;
};

}  // namespace bytestore
