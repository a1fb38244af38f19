// What `cp` reports: a live line on a terminal (keys, bytes, rate, ETA),
// one summary line otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bytestore::cli {

class CopyProgress {
 public:
  // `total` is set when progress is drawn live (on a terminal).
  explicit CopyProgress(std::optional<std::uint64_t> total) : total_(total) {}

  void set_total(std::uint64_t total) { total_ = total; }
  void add(std::uint64_t keys, std::uint64_t bytes, std::uint64_t vanished);
  // Keys copied so far.
  std::uint64_t keys() const { return keys_; }
  // Ends the live line (on a terminal), so a message can follow.
  void end_line();
  // Prints the summary line to stderr.
  void finish(const std::string& from, const std::string& to);

 private:
  double seconds() const;
  void draw();

  std::optional<std::uint64_t> total_;
  std::uint64_t keys_ = 0, bytes_ = 0, vanished_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

// "1.5 MiB"
std::string human_bytes(double bytes);

}  // namespace bytestore::cli
