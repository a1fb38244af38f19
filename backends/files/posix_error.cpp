#include "posix_error.h"

#include <cerrno>
#include <cstring>

namespace bytestore::files {

[[noreturn]] void throw_posix(std::string_view what, const std::string& path, int err) {
  if (err == ELOOP)
    throw Error(Errc::io, "'" + path +
                              "' is or passes through a symbolic link; a files store never follows "
                              "links, so nothing outside its root is reached (remove the link)");
  std::string message = std::string(what) + " '" + path + "' failed: " + std::strerror(err);
  if (err == EACCES || err == EPERM || err == EROFS) message += "; check the permissions of the root";
  if (err == ENOSPC || err == EDQUOT) message += "; free some space";
  throw Error(Errc::io, message);
}

}  // namespace bytestore::files
