#include "client_pool.h"

namespace bytestore::redis {

ClientPool::ClientPool(ServerSettings server, RedisOptions options, std::shared_ptr<boost::asio::ssl::context> tls,
                       std::size_t size)
    : server_(std::move(server)), options_(std::move(options)), tls_(std::move(tls)), size_(size) {
  // One caller at a time per client: its requests are pipelined on one
  // connection per node.
  options_.connections = 1;
}

std::unique_ptr<Client> ClientPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty() || made_ < size_; });
    if (!idle_.empty()) {
      std::unique_ptr<Client> client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
    ++made_;
  }
  try {
    auto client = std::make_unique<Client>(server_, options_, Client::Driver::caller, tls_);
    if (client->cluster()) client->discover_slots();
    return client;
  } catch (...) {
    std::lock_guard lock(mutex_);
    --made_;
    freed_.notify_one();
    throw;
  }
}

void ClientPool::release(std::unique_ptr<Client> client) {
  if (!client) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(client));
  freed_.notify_one();
}

}  // namespace bytestore::redis
