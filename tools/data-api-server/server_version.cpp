#include "server_version.h"

#include <charconv>

namespace bytestore::dataapi {

std::string ServerVersion::to_string() const { return "1.0." + std::to_string(patch); }

std::optional<ServerVersion> ServerVersion::parse(std::string_view text) {
  if (text.starts_with("v")) text.remove_prefix(1);
  if (!text.starts_with("1.0.")) return std::nullopt;
  text.remove_prefix(4);
  unsigned patch = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), patch);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || patch > 999) return std::nullopt;
  return ServerVersion{patch};
}

}  // namespace bytestore::dataapi
