// The command line of bytestore-data-api-server.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "data_api_service.h"
#include "http_server.h"
#include "knobs.h"

namespace bytestore::dataapi {

// A usage mistake; main() prints it and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ServerOptions {
  unsigned short port = 0;  // 0: a free port
  AccessOptions access;
  std::size_t max_body_bytes = 20 * 1024 * 1024;
  unsigned threads = 2;
  std::optional<TlsFiles> tls;  // --tls-cert and --tls-key: serve HTTPS
  Knobs knobs;
  bool help = false;
  bool version = false;
};

// Throws UsageError.
ServerOptions parse_server_options(int argc, char** argv);

extern const char* const kUsage;

}  // namespace bytestore::dataapi
