#include "units.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace bytestore::config {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "12.5 MiB" into 12.5 and the factor of its unit; the result must
// be below `limit`.
std::uint64_t scaled(std::string_view text, std::initializer_list<Unit> units,
                     bool unit_required, std::string_view what, std::string_view examples,
                     double limit) {
  text = trim(text);
  std::size_t split = 0;
  while (split < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.' ||
          text[split] == '-' || text[split] == '+'))
    ++split;
  const std::string_view number = text.substr(0, split);
  const std::string unit = lower(trim(text.substr(split)));
  double value = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size())
    throw std::invalid_argument("'" + std::string(text) + "' is not a " + std::string(what) +
                                " (examples: " + std::string(examples) + ")");
  if (value < 0) throw std::invalid_argument(std::string(what) + " cannot be negative");
  double factor = 0;
  for (const Unit& u : units)
    if (unit == u.name) factor = u.factor;
  if (unit.empty() && !unit_required) factor = 1;
  if (unit.empty() && unit_required && value == 0) factor = 1;
  if (factor == 0) {
    std::string names;
    for (const Unit& u : units) names += (names.empty() ? "" : ", ") + std::string(u.name);
    throw std::invalid_argument(
        (unit.empty() ? "'" + std::string(text) + "' needs a unit"
                      : "unknown unit '" + std::string(text.substr(split)) + "'") +
        " (one of " + names + "; examples: " + std::string(examples) + ")");
  }
  if (number.find('.') == std::string_view::npos && number.front() != '+') {
    // A whole number is counted exactly (a double holds only 53 bits), so
    // every value format_size()/format_duration_ms() print reads back.
    std::uint64_t whole = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), whole);
    const auto exact_factor = static_cast<std::uint64_t>(factor);
    // The largest result below `limit` (2^64 or 2^63).
    const std::uint64_t largest = limit > 1e19 ? UINT64_MAX : static_cast<std::uint64_t>(limit) - 1;
    if (error == std::errc() && end == number.data() + number.size()) {
      if (whole > largest / exact_factor)
        throw std::invalid_argument("'" + std::string(text) + "' is too large");
      return whole * exact_factor;
    }
  }
  const double result = std::floor(value * factor);
  if (result >= limit) throw std::invalid_argument("'" + std::string(text) + "' is too large");
  // Where 0 means "none" or "no limit", a tiny value must not become it.
  if (result == 0 && value > 0)
    throw std::invalid_argument("'" + std::string(text) + "' rounds down to 0; the smallest " +
                                std::string(what) + " is 1" + std::string(units.begin()->name));
  return static_cast<std::uint64_t>(result);
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  constexpr double k = 1000, ki = 1024;
  return scaled(text,
                {{"b", 1}, {"kb", k}, {"mb", k * k}, {"gb", k * k * k}, {"tb", k * k * k * k},
                 {"kib", ki}, {"mib", ki * ki}, {"gib", ki * ki * ki}, {"tib", ki * ki * ki * ki}},
                false, "size", "4096, 512MiB, 1GB", 18446744073709551616.0 /* 2^64 */);
}

std::uint64_t parse_duration_ms(std::string_view text) {
  // Plugins hold durations as std::chrono::milliseconds, a signed 64-bit count.
  return scaled(text, {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}, true, "duration",
                "250ms, 30s, 5m", 9223372036854775808.0 /* 2^63 */);
}

namespace {

// `value` as a count of the largest of `units` (largest first) dividing it.
std::string with_unit(std::uint64_t value, std::initializer_list<std::pair<const char*, std::uint64_t>> units,
                      const char* smallest) {
  for (const auto& [name, factor] : units)
    if (value != 0 && value % factor == 0) return std::to_string(value / factor) + name;
  return std::to_string(value) + smallest;
}

}  // namespace

std::string format_size(std::uint64_t bytes) {
  constexpr std::uint64_t k = 1000, ki = 1024;
  return with_unit(bytes,
                   {{"TiB", ki * ki * ki * ki}, {"GiB", ki * ki * ki}, {"MiB", ki * ki}, {"KiB", ki},
                    {"TB", k * k * k * k}, {"GB", k * k * k}, {"MB", k * k}, {"KB", k}},
                   "B");
}

std::string format_duration_ms(std::uint64_t ms) {
  return with_unit(ms, {{"h", 3'600'000}, {"m", 60'000}, {"s", 1000}}, "ms");
}

}  // namespace bytestore::config
