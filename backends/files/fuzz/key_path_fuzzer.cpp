// Keys to names and names to keys. Any bytes as a key: every name is one a
// directory can hold (1 to 255 bytes, no '/' or NUL, not "." or "..", not
// reserved), and decoding the names gives the key back. Any bytes as a
// name found on disk: decoding never fails but by saying "no key".
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "key_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bytestore::files;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)decode_name(input);
  if (input.empty()) return 0;
  std::string key;
  const auto names = names_of(input);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == ".." ||
        name.find('/') != std::string::npos || name.find('\0') != std::string::npos ||
        name == kOwnValueName || name.starts_with(kTempPrefix))
      std::abort();
    const auto fragment = decode_name(name);
    if (!fragment) std::abort();
    key += fragment->bytes;
    if (fragment->continues) {
      if (i + 1 == names.size()) std::abort();  // the last name never continues
    } else if (i + 1 < names.size()) {
      key += '/';
    }
  }
  if (key != input) std::abort();
  if (is_langchain_key(input)) {
    std::string joined;
    for (const auto& name : names) (joined += joined.empty() ? "" : "/") += name;
    if (joined != input) std::abort();  // LangChain's keys are their own path
  }
  return 0;
}
