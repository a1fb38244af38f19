// HTTP POSTs over libcurl's multi interface, run by one event-loop thread
// per transport: connections are kept alive and reused (HTTP/2 multiplexed
// where the server offers it), at most `concurrency` requests are in
// flight, and delayed requests (retries) wait on the loop's own timers.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace bytestore::astra {

struct HttpResponse {
  CURLcode transfer = CURLE_OK;  // not CURLE_OK: no complete HTTP answer
  std::string transfer_error;    // curl's description of `transfer`
  long status = 0;
  std::string body;
};

class HttpTransport {
 public:
  using Clock = std::chrono::steady_clock;
  // Called on the loop thread; must not block.
  using Callback = std::function<void(HttpResponse)>;

  struct Settings {
    std::vector<std::string> headers;  // "Name: value"
    std::chrono::milliseconds timeout{30'000};
    std::size_t concurrency = 20;
    std::string ca_file;    // extra trusted CAs (PEM); empty: the system store only
    bool system_ca = true;  // false: only ca_file
  };

  explicit HttpTransport(Settings settings);
  // Stops the loop; requests not yet answered get CURLE_ABORTED_BY_CALLBACK.
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Queues a POST of `body` to `url`, started no earlier than `not_before`.
  void post(std::string url, std::string body, Callback done, Clock::time_point not_before = {});

 private:
  struct Pending {
    Clock::time_point not_before;
    std::uint64_t order;
    std::string url;
    std::string body;
    Callback done;
    bool operator>(const Pending& other) const {
      return std::tie(not_before, order) > std::tie(other.not_before, other.order);
    }
  };
  struct InFlight {
    Pending request;
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {};
  };

  void run();
  void start(Pending request);
  void finish(CURL* easy, CURLcode result);

  Settings settings_;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::vector<CURL*> idle_handles_;  // reused: they keep their connection state warm
  std::map<CURL*, InFlight> in_flight_;

  std::mutex mutex_;  // guards the queue and stopping_
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue_;
  std::uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::thread loop_;
};

}  // namespace bytestore::astra
