// The options of a `files` store, as config spells them.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bytestore::files {

// When a write reaches the disk.
//   full: the file and its directory are fsynced before the call returns;
//         an acknowledged write survives power loss.
//   none: left to the OS; a killed process loses nothing, an OS crash may
//         lose recent writes (never tear a value: renames stay atomic).
enum class SyncMode { full, none };
BOOST_DESCRIBE_ENUM(SyncMode, full, none)

struct FilesOptions {
  std::string root;
  std::string file_mode;  // octal, "" = 0666 less the umask
  std::string dir_mode;   // octal, "" = 0777 less the umask
  bool update_atime = false;
  SyncMode sync = SyncMode::full;
  std::uint64_t page_size = 1000;

  static constexpr std::array docs{
      sdk::OptionDoc{"root",
                     "The directory holding one file per key, created (with its parents) if "
                     "missing. Relative to the config file.",
                     sdk::kRequired | sdk::kPath},
      sdk::OptionDoc{"file_mode",
                     "Permissions of the files written, an octal string such as \"0600\" "
                     "(LangChain's chmod_file); default 0666 less the umask."},
      sdk::OptionDoc{"dir_mode",
                     "Permissions of the directories created, an octal string such as \"0700\" "
                     "(LangChain's chmod_dir); default 0777 less the umask."},
      sdk::OptionDoc{"update_atime",
                     "A read sets the file's access time, keeping its modification time, so "
                     "age-based cleanup works where the file system does not track reads."},
      sdk::OptionDoc{"sync",
                     "full: fsync each file and its directory before a write returns; none: "
                     "leave it to the OS."},
      sdk::OptionDoc{"page_size", "Keys per page when listing."},
  };
};
BOOST_DESCRIBE_STRUCT(FilesOptions, (), (root, file_mode, dir_mode, update_atime, sync, page_size))

// The mode an octal option names ("0600", "755"), nullopt when unset;
// throws Error(Errc::config) naming `option` when `text` is not one.
inline std::optional<mode_t> parse_mode(std::string_view option, std::string_view text) {
  if (text.empty()) return std::nullopt;
  mode_t mode = 0;
  bool valid = text.size() <= 4;
  for (char c : text) {
    if (c < '0' || c > '7') valid = false;
    mode = mode * 8 + static_cast<mode_t>(c - '0');
  }
  if (!valid)
    throw Error(Errc::config, "option '" + std::string(option) + "' must be an octal mode such as \"0600\", not '" +
                                  std::string(text) + "'");
  return mode;
}

}  // namespace bytestore::files
