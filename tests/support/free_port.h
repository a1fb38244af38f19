// Ports on 127.0.0.1 for servers a test starts.
#pragma once

namespace bytestore::testing {

// A port the kernel hands out as free now. Throws std::runtime_error.
int free_port();

// Whether a listening socket could take `port` now.
bool port_is_free(int port);

}  // namespace bytestore::testing
