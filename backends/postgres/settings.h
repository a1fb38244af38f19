// From a store's options to how it connects: the URL ($DATABASE_URL by
// default), the password, timeouts, and TLS required on the way to a
// host that is not this machine unless the URL says otherwise.
#pragma once

#include "connection.h"
#include "postgres_options.h"

namespace bytestore::postgres {

// Throws Error(Errc::config) for a URL libpq cannot parse (the message
// never holds the URL: it may hold a password).
ConnectSettings connect_settings(const PostgresOptions& options);

}  // namespace bytestore::postgres
