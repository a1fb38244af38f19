// The TLS settings of a store's connections (rediss://), loaded once and
// shared by every client of the store: the CA to trust, and a client
// certificate if one is given.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>

#include "redis_options.h"
#include "server_address.h"

namespace bytestore::redis {

// Null without TLS. Throws Error(Errc::config) naming the option whose
// file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> tls_context(const ServerSettings& server, const RedisOptions& options);

}  // namespace bytestore::redis
