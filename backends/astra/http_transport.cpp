#include "http_transport.h"

#include <bytestore/error.hpp>

#include <algorithm>
#include <mutex>

namespace bytestore::astra {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpTransport::HttpTransport(Settings settings) : settings_(std::move(settings)) {
  global_init();
  multi_ = curl_multi_init();
  if (!multi_) throw Error(Errc::internal, "curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(settings_.concurrency));
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(settings_.concurrency));
  for (const std::string& h : settings_.headers) headers_ = curl_slist_append(headers_, h.c_str());
  loop_ = std::thread([this] { run(); });
}

HttpTransport::~HttpTransport() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_);
  loop_.join();
  for (CURL* easy : idle_handles_) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi_);
  curl_slist_free_all(headers_);
}

void HttpTransport::post(std::string url, std::string body, Callback done,
                         Clock::time_point not_before) {
  {
    std::lock_guard lock(mutex_);
    queue_.push(Pending{not_before, next_order_++, std::move(url), std::move(body), std::move(done)});
  }
  curl_multi_wakeup(multi_);
}

void HttpTransport::start(Pending request) {
  CURL* easy;
  if (!idle_handles_.empty()) {
    easy = idle_handles_.back();
    idle_handles_.pop_back();
    curl_easy_reset(easy);
  } else {
    easy = curl_easy_init();
  }
  InFlight& flight = in_flight_[easy];
  flight.request = std::move(request);
  curl_easy_setopt(easy, CURLOPT_URL, flight.request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, flight.request.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(flight.request.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &flight.response.body);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, flight.error);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing over a new connection
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  // Verification stays on (curl's default); a CA file only adds trust, or
  // with system_ca false replaces the system store (bundle and directory).
  if (!settings_.ca_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.system_ca) curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
  }
  curl_easy_setopt(easy, CURLOPT_PRIVATE, nullptr);
  curl_multi_add_handle(multi_, easy);
}

void HttpTransport::finish(CURL* easy, CURLcode result) {
  auto node = in_flight_.extract(easy);
  InFlight& flight = node.mapped();
  curl_multi_remove_handle(multi_, easy);
  flight.response.transfer = result;
  if (result != CURLE_OK)
    flight.response.transfer_error = flight.error[0] ? flight.error : curl_easy_strerror(result);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &flight.response.status);
  idle_handles_.push_back(easy);
  flight.request.done(std::move(flight.response));
}

void HttpTransport::run() {
  for (;;) {
    std::vector<Pending> ready;
    int wait_ms = 1000;
    bool stopping;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
      const auto now = Clock::now();
      while (!queue_.empty() && in_flight_.size() + ready.size() < settings_.concurrency &&
             queue_.top().not_before <= now) {
        ready.push_back(std::move(const_cast<Pending&>(queue_.top())));
        queue_.pop();
      }
      if (!queue_.empty() && queue_.top().not_before > now)
        wait_ms = static_cast<int>(std::clamp<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(queue_.top().not_before - now)
                    .count() + 1,
            1, 1000));
    }
    if (stopping) break;
    for (Pending& p : ready) start(std::move(p));

    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left))
      if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result);
    curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
  }
  // Answer whatever is left, so no caller waits forever.
  std::vector<CURL*> unfinished;
  for (auto& [easy, flight] : in_flight_) unfinished.push_back(easy);
  for (CURL* easy : unfinished) finish(easy, CURLE_ABORTED_BY_CALLBACK);
  std::unique_lock lock(mutex_);
  while (!queue_.empty()) {
    Pending p = std::move(const_cast<Pending&>(queue_.top()));
    queue_.pop();
    lock.unlock();
    HttpResponse closed;
    closed.transfer = CURLE_ABORTED_BY_CALLBACK;
    closed.transfer_error = "the store was closed";
    p.done(std::move(closed));
    lock.lock();
  }
}

}  // namespace bytestore::astra
