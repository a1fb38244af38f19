// A listing of the keys under a prefix, in key byte order, a page at a time.
//
// Each page is its own short read transaction that resumes after the last
// key sent, so a long listing neither pins old pages (the file would grow
// under writes) nor holds a reader slot between pages. Keys written or
// deleted between pages show up or vanish as they would in a fresh listing
// of the rest; no key is sent twice.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "environment.h"

namespace bytestore::lmdb {

class PrefixCursor final : public sdk::Cursor {
 public:
  PrefixCursor(std::shared_ptr<Environment> environment, std::string prefix, std::size_t page_size)
      : environment_(std::move(environment)), prefix_(std::move(prefix)), page_size_(page_size) {}

  bool next(const sdk::KeySink& sink) override;

 private:
  std::shared_ptr<Environment> environment_;
  std::string prefix_;
  std::size_t page_size_;
  std::string last_key_;  // the last key sent; valid once started_
  bool started_ = false;
  bool done_ = false;
};

}  // namespace bytestore::lmdb
