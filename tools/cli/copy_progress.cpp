#include "copy_progress.h"

#include <cstdio>

namespace bytestore::cli {

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return buf;
}

double CopyProgress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void CopyProgress::add(std::uint64_t keys, std::uint64_t bytes, std::uint64_t vanished) {
  keys_ += keys;
  bytes_ += bytes;
  vanished_ += vanished;
  if (total_ && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100)) draw();
}

void CopyProgress::draw() {
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = seconds();
  const double rate = elapsed > 0 ? keys_ / elapsed : 0;
  const std::uint64_t done = keys_ + vanished_;
  const double percent = *total_ ? 100.0 * done / *total_ : 100.0;
  const double eta = rate > 0 && *total_ > done ? (*total_ - done) / rate : 0;
  std::fprintf(stderr, "\r\033[K%5.1f%%  %llu/%llu keys  %s  %.0f keys/s  ETA %.0fs", percent,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(*total_),
               human_bytes(static_cast<double>(bytes_)).c_str(), rate, eta);
}

void CopyProgress::end_line() {
  if (!total_) return;
  draw();
  std::fputc('\n', stderr);
}

void CopyProgress::finish(const std::string& from, const std::string& to) {
  if (total_) {
    draw();
    std::fputc('\n', stderr);
  }
  std::fprintf(stderr, "copied %llu keys (%s) from '%s' to '%s' in %.2fs",
               static_cast<unsigned long long>(keys_), human_bytes(static_cast<double>(bytes_)).c_str(),
               from.c_str(), to.c_str(), seconds());
  if (vanished_)
    std::fprintf(stderr, "; %llu keys were deleted while copying and skipped",
                 static_cast<unsigned long long>(vanished_));
  std::fputc('\n', stderr);
}

}  // namespace bytestore::cli
