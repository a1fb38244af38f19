// Whether a host name or address is this machine's loopback: where a
// backend may send credentials without TLS. Header-only, for plugins.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace bytestore::sdk {

// "localhost" (any case, a final dot allowed), 127.0.0.0/8, or ::1 (with
// or without brackets). Names that merely start like one
// ("127.0.0.1.nip.io", "localhost.example.com") are not.
inline bool is_loopback_host(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);  // "localhost." is the same name
  std::string name(host);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "localhost") return true;
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, name.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace bytestore::sdk
