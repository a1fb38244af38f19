// Turning LMDB return codes into bytestore::Error.
#pragma once

#include <string>
#include <string_view>

namespace bytestore::lmdb {

// Throws the bytestore::Error that `rc` (an MDB_* code or an errno value)
// means, with the message "ACTION PATH: <mdb_strerror text>[; advice]",
// e.g. action "cannot write to" and the environment's path.
[[noreturn]] void throw_lmdb_error(int rc, std::string_view action, const std::string& path);

}  // namespace bytestore::lmdb
