// Errors of system calls on the tree, as bytestore errors naming the path.
#pragma once

#include <bytestore/error.hpp>

#include <string>
#include <string_view>

namespace bytestore::files {

// Error(Errc::io) saying `what` failed on `path` and why (errno `err`);
// a symbolic link gets its own message, since no link is ever followed.
[[noreturn]] void throw_posix(std::string_view what, const std::string& path, int err);

}  // namespace bytestore::files
