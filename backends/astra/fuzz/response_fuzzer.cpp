// Data API answers, as they come from the network, through every reader
// the backend applies to them: only bytestore::Error (or the parser's
// std::invalid_argument for a non-envelope) may come out.
#include <boost/json/src.hpp>

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "responses.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bytestore::astra;
  static const std::vector<std::string> batch = {"a", "b", "c\xff"};
  CommandResult result;
  try {
    result = parse_envelope(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  auto guard = [](auto&& read) {
    try {
      read();
    } catch (const bytestore::Error&) {
    }
  };
  guard([&] { read_values_page(result); });
  guard([&] { read_ids_page(result); });
  guard([&] {
    const InsertOutcome outcome = read_insert_outcome(result, batch);
    std::vector<bool> seen(batch.size(), false);
    for (const auto* list : {&outcome.existing, &outcome.retry})
      for (std::size_t i : *list) {
        if (i >= batch.size() || seen[i]) std::abort();  // each document filed once
        seen[i] = true;
      }
  });
  (void)is_retryable_failure(result);
  guard([&] { raise_errors(result, "find"); });
  (void)more_data(result);
  return 0;
}
