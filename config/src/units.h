// Sizes ("512MiB") and durations ("250ms") in config values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bytestore::config {

// Bytes in `text`: a number with an optional unit B, KB, MB, GB, TB
// (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024); case-insensitive
// units. Throws std::invalid_argument saying what is wrong.
std::uint64_t parse_size(std::string_view text);

// Milliseconds in `text`: a number with a unit ms, s, m or h ("0" needs
// none). Throws std::invalid_argument saying what is wrong.
std::uint64_t parse_duration_ms(std::string_view text);

// `bytes` with the largest unit that states it exactly, in a form
// parse_size() reads back to the same number: "1GiB", "64KB", "1000B".
std::string format_size(std::uint64_t bytes);

// `ms` with the largest unit that states it exactly, in a form
// parse_duration_ms() reads back: "5s", "250ms", "2h", "0ms".
std::string format_duration_ms(std::uint64_t ms);

}  // namespace bytestore::config
