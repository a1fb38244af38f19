// Commands in the wire format, formatted by hiredis, one after another so
// a whole pipeline goes out in one write. Small commands are gathered in
// one block; a large one (a big value) stays in the memory hiredis
// formatted it in, so it is never copied on its way to the socket. Any
// subset of the commands can be taken out as a buffer of its own, sharing
// the memory: a cluster call sends each node its share, and retries just
// the commands that were redirected.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bytestore::redis {

class CommandBuffer {
 public:
  // Bytes shared by every buffer (and connection) holding them.
  struct Piece {
    std::shared_ptr<const char> data;
    std::size_t size = 0;
  };

  void add(std::span<const std::string_view> arguments);
  void add(std::initializer_list<std::string_view> arguments) { add({arguments.begin(), arguments.size()}); }
  void append(const CommandBuffer& other);

  std::size_t count() const { return commands_.size(); }
  // The commands at `indexes`, in that order.
  CommandBuffer slice(std::span<const std::size_t> indexes) const;
  // Appends the bytes, in order, to `out`.
  void pieces(std::vector<Piece>& out) const;

 private:
  struct Command {
    std::size_t piece;  // index into pieces_ (the open block's, once sealed)
    std::size_t offset;
    std::size_t size;
  };

  void seal() const;  // moves the open block into pieces_

  mutable std::vector<Piece> pieces_;
  mutable std::string open_;  // small commands not yet in a piece
  std::vector<Command> commands_;
};

}  // namespace bytestore::redis
