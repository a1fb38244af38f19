#include "reply.h"

#include <bytestore/error.hpp>

#include <charconv>
#include <new>

namespace bytestore::redis {

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
  // hiredis's own reply constructors, with arrays checked first.
  functions_ = *reader_->fn;
  create_default_array_ = functions_.createArray;
  functions_.createArray = &ReplyReader::create_array;
  reader_->fn = &functions_;
  reader_->privdata = this;
  // hiredis frees its input buffer whenever it empties past maxbuf (16 KiB);
  // with 64 KiB reads that is a free and a fresh allocation per read.
  reader_->maxbuf = kKeptInputBytes;
}

void* ReplyReader::create_array(const redisReadTask* task, int elements) {
  auto* self = static_cast<ReplyReader*>(task->privdata);
  if (elements > self->element_limit_) {
    self->refused_elements_ = elements;
    return nullptr;  // the reader stops with an error
  }
  return self->create_default_array_(task, elements);
}

void ReplyReader::fail() {
  if (refused_elements_ >= 0)
    throw Error(Errc::corruption, "bad reply from the server: an array of " + std::to_string(refused_elements_) +
                                      " elements, more than any command sent asks for");
  throw Error(Errc::corruption, std::string("bad reply from the server: ") + reader_->errstr);
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

void ReplyReader::feed(const char* data, std::size_t size) {
  if (redisReaderFeed(reader_, data, size) != REDIS_OK) fail();
}

Reply ReplyReader::next() {
  void* reply = nullptr;
  if (redisReaderGetReply(reader_, &reply) != REDIS_OK) fail();
  return Reply(static_cast<redisReply*>(reply));
}

ErrorReply classify_error(std::string_view message) {
  ErrorReply error;
  error.message = std::string(message);
  const std::string_view code = message.substr(0, message.find(' '));
  if (code == "MOVED" || code == "ASK") {
    // "MOVED 3999 127.0.0.1:6381"
    const std::size_t slot_at = code.size() + 1, address_at = message.find(' ', slot_at);
    if (address_at != std::string_view::npos) {
      int slot = -1;
      const std::string_view digits = message.substr(slot_at, address_at - slot_at);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), slot);
      if (ec == std::errc() && end == digits.data() + digits.size() && slot >= 0 && slot < 16384 &&
          address_at + 1 < message.size()) {
        error.fault = code == "MOVED" ? Fault::moved : Fault::ask;
        error.slot = slot;
        error.address = std::string(message.substr(address_at + 1));
      }
    }
  } else if (code == "TRYAGAIN" || code == "CLUSTERDOWN" || code == "LOADING" || code == "BUSY" ||
             code == "MASTERDOWN" || code == "READONLY") {
    error.fault = Fault::retry_later;
  } else if (code == "NOAUTH" || code == "WRONGPASS" || code == "NOPERM") {
    error.fault = Fault::unauthorized;
  } else if (code == "OOM") {
    error.fault = Fault::out_of_memory;
  }
  return error;
}

const redisReply* first_error(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) return &reply;
  if (reply.type == REDIS_REPLY_ARRAY)
    for (std::size_t i = 0; i < reply.elements; ++i)
      if (const redisReply* error = first_error(*reply.element[i])) return error;
  return nullptr;
}

}  // namespace bytestore::redis
