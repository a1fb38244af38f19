// Names of the temporary files and directories writes rename into place:
// "%~tmp.PID.HOST.N", so whoever finds one can tell whether its writer
// still runs.
#pragma once

#include <string>
#include <string_view>

#include "key_path.h"

namespace bytestore::files {

// A name no other writer, in this process or another, uses at once.
std::string make_temp_name();

inline bool is_temp_name(std::string_view name) { return name.starts_with(kTempPrefix); }

// Whether the temporary `name` was left by a writer that no longer runs:
// one of this host whose process is gone. A name from another host (a
// shared file system) is never judged abandoned.
bool is_abandoned_temp(std::string_view name);

}  // namespace bytestore::files
