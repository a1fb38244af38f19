// The clients synchronous calls run on: each caller takes one of its own,
// drives its event loop on the calling thread for the call, and gives it
// back, so a call costs no hand-off between threads. At most `size`
// clients (each with one connection per node) are made, when first
// needed; more callers wait for one.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "client.h"

namespace bytestore::redis {

class ClientPool {
 public:
  ClientPool(ServerSettings server, RedisOptions options, std::shared_ptr<boost::asio::ssl::context> tls,
             std::size_t size);

  // Runs call(client) on a client of the caller's own.
  template <class Call>
  auto with(Call call) {
    std::unique_ptr<Client> client = acquire();
    struct Release {
      ClientPool* pool;
      std::unique_ptr<Client>& client;
      ~Release() { pool->release(std::move(client)); }
    } release{this, client};
    return call(*client);
  }

 private:
  std::unique_ptr<Client> acquire();
  void release(std::unique_ptr<Client> client);

  const ServerSettings server_;
  RedisOptions options_;
  const std::shared_ptr<boost::asio::ssl::context> tls_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Client>> idle_;
  std::size_t made_ = 0;
};

}  // namespace bytestore::redis
