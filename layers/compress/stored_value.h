// How the compress layer stores a value: one header byte saying how, then
// the bytes. A pure format, shared by the plugin and its fuzzer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bytestore::layers::compress {

// The header byte. New codecs take new bytes; existing ones never change
// meaning, so values written by any version stay readable.
enum class Header : unsigned char {
  as_is = 0x00,       // the value itself follows
  zstd_frame = 0x01,  // one zstd frame follows, its content size recorded
};

struct Encoding {
  int level = 3;                  // zstd's compression level
  std::uint64_t min_bytes = 64;   // shorter values are stored as is
};

// The stored form of `value`: a zstd frame when that is shorter than the
// value, else the value as is. Either way at most value.size() + 1 bytes.
std::string encode_value(std::string_view value, const Encoding& encoding);

// The value `stored` holds. A value this layer did not write (no or an
// unknown header byte, a damaged frame, a frame claiming more than
// `max_value_bytes`) throws Error(corruption) naming `key`.
std::string decode_value(std::string_view key, std::string_view stored, std::uint64_t max_value_bytes);

}  // namespace bytestore::layers::compress
