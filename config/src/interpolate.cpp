#include "interpolate.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace bytestore::config {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::string interpolate(std::string_view text, const EnvLookup& env, bool* interpolated) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += '$';
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos)
      throw std::invalid_argument("unterminated '${' (write '$$' for a literal '$')");
    const std::string_view inside = text.substr(i + 2, close - i - 2);
    const std::size_t sep = inside.find(":-");
    const std::string name(inside.substr(0, sep));
    const bool valid_name =
        !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
            std::string::npos;
    if (!valid_name)
      throw std::invalid_argument("invalid variable reference '${" + std::string(inside) + "}'");
    std::optional<std::string> value = env(name);
    if (sep != std::string_view::npos) {
      if (!value || value->empty()) value = std::string(inside.substr(sep + 2));
    } else if (!value) {
      throw std::invalid_argument("environment variable " + name +
                                  " is not set (write ${" + name +
                                  ":-default} to give a default)");
    }
    out += *value;
    if (interpolated) *interpolated = true;
    i = close;
  }
  return out;
}

}  // namespace bytestore::config
