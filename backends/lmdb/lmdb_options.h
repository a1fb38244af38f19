// The options of an `lmdb` store, as config spells them.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bytestore::lmdb {

// How a commit reaches the disk.
//   full:       data and meta pages are synced; a commit survives power loss.
//   nometasync: the meta page is not synced; a power loss may undo the last
//               commit, never tear the environment.
//   nosync:     nothing is synced; a killed process loses nothing, an OS
//               crash may lose recent commits or, on some file systems,
//               the environment.
enum class SyncMode { full, nometasync, nosync };
BOOST_DESCRIBE_ENUM(SyncMode, full, nometasync, nosync)

struct LmdbOptions {
  std::string path;
  bool subdir = true;
  sdk::ByteSize map_size{std::uint64_t{1} << 30};
  std::uint32_t max_readers = 126;
  SyncMode sync = SyncMode::full;
  bool read_only = false;
  std::uint64_t page_size = 1000;

  static constexpr std::array docs{
      sdk::OptionDoc{"path",
                     "The environment: a directory holding data.mdb and lock.mdb, created if "
                     "missing; with subdir: false, the data file itself (its lock file is "
                     "PATH-lock). Relative to the config file.",
                     sdk::kRequired | sdk::kPath},
      sdk::OptionDoc{"subdir", "Whether path names a directory (true) or the data file (false)."},
      sdk::OptionDoc{"map_size",
                     "Initial size of the memory map. The map grows by itself when full, so "
                     "this bounds nothing; a size near the data's avoids early regrowth."},
      sdk::OptionDoc{"max_readers",
                     "Reader slots of the environment, shared by every process using it. "
                     "Only a process opening it while no other has it open can enlarge the "
                     "table."},
      sdk::OptionDoc{"sync", "How commits reach the disk: full | nometasync | nosync."},
      sdk::OptionDoc{"read_only", "Open without write access; every write is refused."},
      sdk::OptionDoc{"page_size", "Keys per page when listing; each page is one short read."},
  };
};
BOOST_DESCRIBE_STRUCT(LmdbOptions, (),
                      (path, subdir, map_size, max_readers, sync, read_only, page_size))

}  // namespace bytestore::lmdb
