// Replies from a Redis server, parsed by hiredis's reader from the bytes a
// connection receives, and what an error reply asks the client to do.
#pragma once

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace bytestore::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

inline std::string_view text_of(const redisReply& reply) { return {reply.str, reply.len}; }

// Bytes in, whole replies out, however the bytes are split. An array is
// refused (as corruption) when it claims more elements than allowed, since
// hiredis allocates room for all of them as soon as it reads the count.
class ReplyReader {
 public:
  // Arrays of this many elements are always allowed: SCAN pages, MGET
  // chunks and CLUSTER SLOTS stay well under it.
  static constexpr long long kBaseElementLimit = 1 << 20;
  // An input buffer up to this size is kept for the next reply.
  static constexpr std::size_t kKeptInputBytes = 1 << 20;

  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // Throws Error(Errc::corruption) when the bytes are not RESP.
  void feed(const char* data, std::size_t size);
  // The next whole reply, or null until more bytes arrive.
  Reply next();
  // Allows arrays of up to `elements` from now on (EXEC answers one
  // element per command of its transaction).
  void allow_elements(long long elements) { element_limit_ = std::max(element_limit_, elements); }

 private:
  static void* create_array(const redisReadTask* task, int elements);
  [[noreturn]] void fail();

  redisReader* reader_;
  redisReplyObjectFunctions functions_;
  void* (*create_default_array_)(const redisReadTask*, int);
  long long element_limit_ = kBaseElementLimit;
  long long refused_elements_ = -1;  // the count of the array refused, if one was
};

// What an error reply means for the command that got it.
enum class Fault {
  moved,        // MOVED slot host:port: the slot lives elsewhere now
  ask,          // ASK slot host:port: this once, ask there
  retry_later,  // TRYAGAIN, CLUSTERDOWN, LOADING, BUSY, MASTERDOWN, READONLY
  unauthorized, // NOAUTH, WRONGPASS, NOPERM
  out_of_memory,
  other,
};

struct ErrorReply {
  Fault fault = Fault::other;
  std::string message;   // the server's words
  std::string address;   // host:port, for moved and ask
  int slot = -1;         // for moved and ask
};

ErrorReply classify_error(std::string_view message);

// The first error in a reply, looking inside arrays (EXEC's answers), or
// null.
const redisReply* first_error(const redisReply& reply);

}  // namespace bytestore::redis
