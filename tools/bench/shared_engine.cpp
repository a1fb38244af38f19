#include "shared_engine.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <system_error>

namespace bytestore::bench {
namespace {

std::mutex g_close_mutex;
std::atomic<bool> g_scratch_made{false};
std::vector<std::function<void()>>& close_hooks() {
  static std::vector<std::function<void()>> hooks;
  return hooks;
}

}  // namespace

const std::filesystem::path& scratch_directory() {
  static const std::filesystem::path dir = [] {
    const char* chosen = std::getenv("BYTESTORE_BENCH_DIR");
    std::filesystem::path base = chosen && *chosen ? std::filesystem::path(chosen)
                                                   : std::filesystem::temp_directory_path();
    std::filesystem::path path = base / ("bytestore-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    g_scratch_made = true;
    return path;
  }();
  return dir;
}

void on_close(std::function<void()> close) {
  std::lock_guard lock(g_close_mutex);
  close_hooks().push_back(std::move(close));
}

void close_engines_and_scratch() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(g_close_mutex);
    hooks.swap(close_hooks());
  }
  // Stores close before their files go.
  for (auto& close : hooks) close();
  if (g_scratch_made) {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_directory(), ignored);
  }
}

}  // namespace bytestore::bench
