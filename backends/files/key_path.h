// Where a key lives under the root, and which key a path names.
//
// A key is split at '/' into segments; each segment becomes one directory
// entry name, or several when it is too long for one:
//   - a segment of LangChain's characters ([A-Za-z0-9_.-]), not empty,
//     not "." or "..", of at most 255 bytes, is its own name, so a
//     LangChain key is stored at exactly root/KEY;
//   - any other segment is escaped: '%', then the segment with every byte
//     outside [A-Za-z0-9_.-] written %XX (upper-case hex). "" is "%", ".."
//     is "%..", "a b" is "%a%20b";
//   - an escaped name longer than 255 bytes is cut into chunks: every chunk
//     but the last is a directory "%+BODY" that continues the same segment.
// Names holding '%' can never be LangChain keys, so the two never meet.
// Two more names are reserved (never decoded as keys): "%=" holds the value
// of a key whose name is also a directory (key "a" beside key "a/b"), and
// "%~tmp." starts the temporary files writes rename into place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bytestore::files {

inline constexpr std::size_t kMaxNameBytes = 255;  // NAME_MAX of Linux file systems
inline constexpr std::string_view kOwnValueName = "%=";
inline constexpr std::string_view kTempPrefix = "%~tmp.";

// Whether LangChain's LocalFileStore could store `key` at root/key.
bool is_langchain_key(std::string_view key);

// The names from the root to the key's file, outermost first.
std::vector<std::string> names_of(std::string_view key);

// What one directory entry name contributes to a key: its bytes, and
// whether the next name continues the same segment (no '/' between).
struct Fragment {
  std::string bytes;
  bool continues = false;
};

// The fragment `name` stands for, or nullopt when no key maps to a name
// like it (reserved names, temporary files, foreign files).
std::optional<Fragment> decode_name(std::string_view name);

}  // namespace bytestore::files
