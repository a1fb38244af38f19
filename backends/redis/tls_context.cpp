#include "tls_context.h"

#include <bytestore/error.hpp>

namespace bytestore::redis {

std::shared_ptr<boost::asio::ssl::context> tls_context(const ServerSettings& server, const RedisOptions& options) {
  namespace ssl = boost::asio::ssl;
  if (!server.tls) return nullptr;
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  auto load = [&](const char* option, const std::string& file, auto&& use) {
    try {
      use();
    } catch (const boost::system::system_error& e) {
      throw Error(Errc::config, std::string("option '") + option + "': cannot load " + file + " (" +
                                    e.code().message() + ")");
    }
  };
  tls->set_verify_mode(ssl::verify_peer);
  if (options.ca_file.empty())
    tls->set_default_verify_paths();
  else
    load("ca_file", options.ca_file, [&] { tls->load_verify_file(options.ca_file); });
  if (!options.cert_file.empty())
    load("cert_file", options.cert_file, [&] { tls->use_certificate_chain_file(options.cert_file); });
  if (!options.key_file.empty())
    load("key_file", options.key_file, [&] { tls->use_private_key_file(options.key_file, ssl::context::pem); });
  return tls;
}

}  // namespace bytestore::redis
