#include "lmdb_error.h"

#include <bytestore/error.hpp>

#include <lmdb.h>

#include <cerrno>

namespace bytestore::lmdb {
namespace {

struct Mapping {
  Errc code;
  const char* advice;  // appended to the message; may be empty
};

Mapping mapping_of(int rc) {
  switch (rc) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
      return {Errc::corruption, "the environment is damaged; restore it from a copy"};
    case MDB_INVALID:
      return {Errc::corruption, "this is not an LMDB environment, or it is damaged"};
    case MDB_VERSION_MISMATCH:
      return {Errc::corruption, "the environment was made by an incompatible LMDB version"};
    case MDB_READERS_FULL:
      return {Errc::unavailable,
              "every reader slot is taken; raise the store's max_readers option (it takes "
              "effect when no process has the environment open)"};
    case MDB_BAD_VALSIZE:
    case MDB_TXN_FULL:
      return {Errc::limit_exceeded, "split the batch or shorten the key"};
    case MDB_MAP_FULL:
      return {Errc::io, "the memory map could not be grown enough"};
    case MDB_PANIC:
      return {Errc::io, "the environment had a fatal error; close and reopen the store"};
    case EACCES:
    case EPERM:
      return {Errc::io, "check the permissions of the path"};
    case EROFS:
      return {Errc::io, "the file system is read-only; open with read_only: true"};
    case ENOSPC:
    case EDQUOT:
      return {Errc::io, "the disk is full"};
    case ENOMEM:
      return {Errc::io, "not enough address space or memory for the map"};
    case EAGAIN:
    case EBUSY:
      return {Errc::unavailable, ""};
    default:
      // Other errno values are the system's; other MDB_* codes are misuse.
      return {rc > 0 ? Errc::io : Errc::internal, ""};
  }
}

}  // namespace

void throw_lmdb_error(int rc, std::string_view action, const std::string& path) {
  const Mapping m = mapping_of(rc);
  std::string message(action);
  message += ' ';
  message += path;
  message += ": ";
  message += mdb_strerror(rc);
  if (*m.advice) {
    message += "; ";
    message += m.advice;
  }
  throw Error(m.code, message);
}

}  // namespace bytestore::lmdb
