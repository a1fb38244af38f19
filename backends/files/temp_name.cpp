#include "temp_name.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <functional>

namespace bytestore::files {
namespace {

// Eight hex digits of the host name: enough to tell hosts apart in a name.
const std::string& host_tag() {
  static const std::string tag = [] {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    char text[9];
    std::snprintf(text, sizeof text, "%08x",
                  static_cast<unsigned>(std::hash<std::string_view>{}(host) & 0xFFFFFFFFu));
    return std::string(text);
  }();
  return tag;
}

}  // namespace

std::string make_temp_name() {
  static std::atomic<unsigned long long> counter{0};
  return std::string(kTempPrefix) + std::to_string(::getpid()) + "." + host_tag() + "." +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

bool is_abandoned_temp(std::string_view name) {
  if (!is_temp_name(name)) return false;
  name.remove_prefix(kTempPrefix.size());
  long pid = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc() || pid <= 0) return false;
  std::string_view rest(end, name.data() + name.size() - end);
  if (!rest.starts_with('.') || !rest.substr(1).starts_with(host_tag())) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace bytestore::files
