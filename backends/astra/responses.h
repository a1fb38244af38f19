// Reading what the Data API answered to the backend's commands. Every
// function throws bytestore::Error for an answer it cannot trust, and
// nothing else: answers come from the network.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "data_api_client.h"

namespace bytestore::astra {

struct FoundPage {
  std::vector<std::pair<std::string, std::string>> entries;  // key, decoded value
  std::string next_page_state;                               // empty at the end
};

// A page of `find` with projection {"value": 1}. A document that is not in
// the key -> bytes format is Errc::corruption.
FoundPage read_values_page(const CommandResult& result);

// The string _ids of a page of `find` (values not needed), and where the
// next page starts.
std::pair<std::vector<std::string>, std::string> read_ids_page(const CommandResult& result);

// What an insertMany left to do, as indexes into `keys` (the _ids of its
// documents in order).
struct InsertOutcome {
  std::vector<std::size_t> existing;  // already present: to be replaced
  std::vector<std::size_t> retry;     // a retryable failure: to be inserted again
  std::string retry_reason;           // "CODE: message" of the first retryable failure
};

// Reads an insertMany answer. Any per-document failure that is neither
// DOCUMENT_ALREADY_EXISTS nor retryable throws with its code, key and
// message.
InsertOutcome read_insert_outcome(const CommandResult& result, std::span<const std::string> keys);

// True when deleteMany left matching documents for another call.
bool more_data(const CommandResult& result);

}  // namespace bytestore::astra
