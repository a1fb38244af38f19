// Standard base64 with padding, the encoding of LangChain's stored values.
#pragma once

#include <boost/beast/core/detail/base64.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace bytestore::astra {

// `String` lets a caller encode straight into the string type it keeps
// (boost::json::string for documents), without a copy.
template <class String = std::string>
String base64_encode(std::string_view bytes) {
  namespace b64 = boost::beast::detail::base64;
  String out;
  out.resize(b64::encoded_size(bytes.size()));
  out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

// The bytes of `text`, or nullopt unless it is canonical padded base64.
inline std::optional<std::string> base64_decode(std::string_view text) {
  namespace b64 = boost::beast::detail::base64;
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::string out(b64::decoded_size(text.size()), '\0');
  const auto [written, read] = b64::decode(out.data(), text.data(), text.size());
  if (read != text.size() - padding) return std::nullopt;  // a character outside the alphabet
  out.resize(written);
  return out;
}

}  // namespace bytestore::astra
