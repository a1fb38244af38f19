// Bytes as a Redis server sends them, through what the backend reads them
// with: hiredis's reader (the same replies however the bytes are split),
// the error classifier and the CLUSTER SLOTS parser. Only
// bytestore::Error(corruption) may come out, for bytes that are not RESP
// or a reply that is not a CLUSTER SLOTS answer.
#include <bytestore/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "key_slot.h"
#include "reply.h"
#include "server_address.h"
#include "slot_map.h"

namespace {

using namespace bytestore::redis;

// Bounds the work per input (each CLUSTER SLOTS parse fills 16384 slots);
// a pipeline or MULTI/EXEC gets a few replies at once.
constexpr std::size_t kMaxReplies = 16;

void expect(bool condition) {
  if (!condition) std::abort();
}

// A reply byte for byte, to compare what two readers made of the same bytes.
void render(const redisReply& reply, std::string& out) {
  out += std::to_string(reply.type) + ':';
  switch (reply.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out += std::to_string(reply.len) + ':';
      out += text_of(reply);
      break;
    case REDIS_REPLY_INTEGER:
      out += std::to_string(reply.integer);
      break;
    case REDIS_REPLY_ARRAY:
      out += std::to_string(reply.elements) + '[';
      for (std::size_t i = 0; i < reply.elements; ++i) render(*reply.element[i], out);
      out += ']';
      break;
  }
  out += ';';
}

// Every error reply inside `reply`, as the client would act on it;
// `first` is set to the first of them in order.
void check_errors(const redisReply& reply, const redisReply*& first) {
  if (reply.type == REDIS_REPLY_ARRAY)
    for (std::size_t i = 0; i < reply.elements; ++i) check_errors(*reply.element[i], first);
  if (reply.type != REDIS_REPLY_ERROR) return;
  if (!first) first = &reply;
  const std::string_view text = text_of(reply);
  const ErrorReply error = classify_error(text);
  expect(error.message == text);
  if (error.fault == Fault::moved || error.fault == Fault::ask) {
    // The client indexes its slot table with it and connects to it.
    expect(error.slot >= 0 && error.slot < kSlotCount);
    expect(!error.address.empty());
    expect(text.starts_with(error.fault == Fault::moved ? "MOVED " : "ASK "));
  } else {
    expect(error.slot == -1 && error.address.empty());
  }
}

void check_address(const std::string& address) {
  const Endpoint endpoint = endpoint_of(address);
  expect(!endpoint.host.empty() && endpoint.port >= 1 && endpoint.port <= 65535);
}

void check_slot_map(const redisReply& reply, const SlotMap& map) {
  expect(map.owners.size() == static_cast<std::size_t>(kSlotCount));
  expect(map.masters.size() == reply.elements);  // one master per range
  for (const auto& address : map.masters) check_address(address);
  for (const auto& address : map.replicas) check_address(address);
  const std::string* last = nullptr;  // owners come in runs: look each run up once
  for (const auto& owner : map.owners) {
    if (owner.empty() || (last && owner == *last)) continue;
    expect(std::find(map.masters.begin(), map.masters.end(), owner) != map.masters.end());
    last = &owner;
  }
}

void check_reply(const redisReply& reply) {
  const redisReply* first = nullptr;
  check_errors(reply, first);
  expect(first_error(reply) == first);
  try {
    check_slot_map(reply, parse_cluster_slots(reply, "127.0.0.1:7000"));
  } catch (const bytestore::Error& e) {
    expect(e.code() == bytestore::Errc::corruption);
  }
}

struct Outcome {
  std::vector<std::string> replies;  // rendered
  bool refused = false;              // the reader found bytes that are not RESP
  bool operator==(const Outcome&) const = default;
};

// The replies in the bytes of `parts`, fed one after the other to one
// reader, taking every whole reply after each.
Outcome read_replies(std::initializer_list<std::string_view> parts, bool check) {
  Outcome outcome;
  ReplyReader reader;
  try {
    for (const std::string_view part : parts) {
      if (outcome.replies.size() == kMaxReplies) break;
      reader.feed(part.data(), part.size());
      while (outcome.replies.size() < kMaxReplies) {
        const Reply reply = reader.next();
        if (!reply) break;
        if (check) check_reply(*reply);
        render(*reply, outcome.replies.emplace_back());
      }
    }
  } catch (const bytestore::Error& e) {
    expect(e.code() == bytestore::Errc::corruption);
    outcome.refused = true;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Where to split, from a hash of the input: every byte stays RESP, so the
  // seeds are real replies, and each mutation tries another split.
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (const unsigned char c : input) hash = (hash ^ c) * 1099511628211ull;
  const std::size_t split = static_cast<std::size_t>(hash % (size + 1));
  const Outcome in_two = read_replies({input.substr(0, split), input.substr(split)}, true);
  const Outcome whole = read_replies({input}, false);
  expect(in_two == whole);
  return 0;
}
