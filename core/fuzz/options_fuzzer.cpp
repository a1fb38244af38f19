// Option binding, both sides of the boundary: the host's typing of config
// text (canonical_value) and the SDK's parsing of canonical text into a
// Described options struct. Input: lines "name=value". Only
// std::invalid_argument (host) and bytestore::Error (SDK) may come out, and
// whatever the host accepts, the SDK must accept too.
#include <bytestore/plugin_sdk.hpp>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "option_binding.h"

namespace {

enum class Mode { fast, safe };
BOOST_DESCRIBE_ENUM(Mode, fast, safe)

struct AllTypes {
  std::string text;
  bool flag = false;
  std::int64_t level = 0;
  std::uint64_t count = 0;
  double ratio = 0;
  bytestore::sdk::ByteSize size;
  bytestore::sdk::Duration wait{0};
  Mode mode = Mode::safe;
  static constexpr std::array docs{
      bytestore::sdk::OptionDoc{"text", ""},  bytestore::sdk::OptionDoc{"flag", ""},
      bytestore::sdk::OptionDoc{"level", ""}, bytestore::sdk::OptionDoc{"count", ""},
      bytestore::sdk::OptionDoc{"ratio", ""}, bytestore::sdk::OptionDoc{"size", ""},
      bytestore::sdk::OptionDoc{"wait", ""},  bytestore::sdk::OptionDoc{"mode", ""}};
};
BOOST_DESCRIBE_STRUCT(AllTypes, (), (text, flag, level, count, ratio, size, wait, mode))

bytestore::OptionSchema schema_for(std::string_view name) {
  using bytestore::OptionType;
  bytestore::OptionSchema s;
  s.name = std::string(name);
  if (name == "flag") s.type = OptionType::boolean;
  else if (name == "level") s.type = OptionType::integer;
  else if (name == "count") s.type = OptionType::unsigned_integer;
  else if (name == "ratio") s.type = OptionType::number;
  else if (name == "size") s.type = OptionType::size;
  else if (name == "wait") s.type = OptionType::duration;
  else if (name == "mode") s.type = OptionType::enumeration, s.choices = {"fast", "safe"};
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> canonical;  // what the host accepted
  std::vector<std::pair<std::string, std::string>> raw;        // everything, untyped
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(line.substr(0, eq)), value(line.substr(eq + 1));
    raw.emplace_back(name, value);
    try {
      canonical.emplace_back(name, bytestore::config::canonical_value(schema_for(name), value));
    } catch (const std::invalid_argument&) {
    }
  }
  auto parse = [](const std::vector<std::pair<std::string, std::string>>& values) {
    std::vector<bytestore_option_value> c;
    for (const auto& [n, v] : values) c.push_back({{n.data(), n.size()}, {v.data(), v.size()}});
    return bytestore::sdk::detail::parse_options<AllTypes>(c.data(), c.size());
  };
  // Canonical values of known options always parse.
  std::vector<std::pair<std::string, std::string>> known;
  for (const auto& [n, v] : canonical)
    if (n == "text" || n == "flag" || n == "level" || n == "count" || n == "ratio" || n == "size" ||
        n == "wait" || n == "mode")
      known.emplace_back(n, v);
  try {
    (void)parse(known);
  } catch (const bytestore::Error&) {
    std::abort();  // the host accepted what the plugin side refuses
  }
  try {
    (void)parse(raw);
  } catch (const bytestore::Error&) {
  }
  return 0;
}
