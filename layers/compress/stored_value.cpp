#include "stored_value.h"

#include <bytestore/error.hpp>
#include <zstd.h>

#include "common/message_text.h"

namespace bytestore::layers::compress {
namespace {

[[noreturn]] void corrupt(std::string_view key, const std::string& why) {
  throw Error(Errc::corruption, "value of " + quoted_key(key) + " " + why);
}

std::string with_header(Header header, std::string_view body) {
  std::string stored;
  stored.reserve(1 + body.size());
  stored.push_back(static_cast<char>(header));
  stored.append(body);
  return stored;
}

}  // namespace

std::string encode_value(std::string_view value, const Encoding& encoding) {
  if (value.size() < encoding.min_bytes) return with_header(Header::as_is, value);
  std::string stored(1 + ZSTD_compressBound(value.size()), '\0');
  stored[0] = static_cast<char>(Header::zstd_frame);
  const std::size_t size =
      ZSTD_compress(stored.data() + 1, stored.size() - 1, value.data(), value.size(), encoding.level);
  if (ZSTD_isError(size))
    throw Error(Errc::internal, std::string("zstd could not compress a value: ") + ZSTD_getErrorName(size));
  // An incompressible value is kept as is: the store beneath then needs
  // room for one byte more than the value, never zstd's worst case.
  if (size >= value.size()) return with_header(Header::as_is, value);
  stored.resize(1 + size);
  return stored;
}

std::string decode_value(std::string_view key, std::string_view stored, std::uint64_t max_value_bytes) {
  if (stored.empty()) corrupt(key, "is empty: it was not written by the compress layer (no header byte)");
  const auto header = static_cast<unsigned char>(stored[0]);
  const std::string_view body = stored.substr(1);
  if (header == static_cast<unsigned char>(Header::as_is)) return std::string(body);
  if (header != static_cast<unsigned char>(Header::zstd_frame))
    corrupt(key, "has unknown header byte " + hex_byte(header) +
                     ": it was not written by the compress layer, or by a newer version");
  const unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) corrupt(key, "is not a zstd frame though its header says so");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN)
    corrupt(key, "is a zstd frame without a content size, which the compress layer never writes");
  // A frame may claim any size: believe it only up to the largest value.
  if (size > max_value_bytes)
    corrupt(key, "is a zstd frame claiming " + std::to_string(size) + " bytes, more than the " +
                     std::to_string(max_value_bytes) + "-byte value limit");
  std::string value(size, '\0');
  const std::size_t got = ZSTD_decompress(value.data(), value.size(), body.data(), body.size());
  if (ZSTD_isError(got))
    corrupt(key, std::string("is a damaged zstd frame: ") + ZSTD_getErrorName(got));
  if (got != size)
    corrupt(key, "is a zstd frame that decodes to " + std::to_string(got) + " bytes, not the " +
                     std::to_string(size) + " it records");
  return value;
}

}  // namespace bytestore::layers::compress
