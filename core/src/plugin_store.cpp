#include "plugin_store.h"

#include <bytestore/error.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <type_traits>

#include "executor.h"
#include "plugin_call_scope.h"
#include "request_checks.h"

namespace bytestore::internal {
namespace {

// Collects the message a plugin reports through bytestore_error.
struct ErrorCapture {
  std::string message;
  bytestore_error c{this, [](void* self, const char* text, std::size_t size) {
                      static_cast<ErrorCapture*>(self)->message.assign(text, size);
                    }};
};

bytestore_slice slice(std::string_view s) { return {s.data(), s.size()}; }

// The slices of one request. Up to kInline of them live in the object,
// so small batches (every single-key call) allocate nothing here.
class SliceArray {
 public:
  explicit SliceArray(std::size_t size)
      : heap_(size > kInline ? std::make_unique_for_overwrite<bytestore_slice[]>(size) : nullptr),
        data_(heap_ ? heap_.get() : inline_) {}
  explicit SliceArray(std::span<const std::string> keys) : SliceArray(keys.size()) {
    for (std::size_t i = 0; i < keys.size(); ++i) data_[i] = slice(keys[i]);
  }
  SliceArray(const SliceArray&) = delete;
  SliceArray& operator=(const SliceArray&) = delete;

  bytestore_slice& operator[](std::size_t i) { return data_[i]; }
  const bytestore_slice* data() const { return data_; }

 private:
  static constexpr std::size_t kInline = 16;
  bytestore_slice inline_[kInline];
  std::unique_ptr<bytestore_slice[]> heap_;
  bytestore_slice* data_;
};

// Sink state: a callback must not throw into plugin frames, so a failure is
// kept and rethrown after the plugin returns.
struct ValuesSink {
  std::vector<std::optional<Bytes>>* values;
  std::exception_ptr failure;

  static void call(void* self, std::size_t index, const char* data, std::size_t size) {
    auto& sink = *static_cast<ValuesSink*>(self);
    if (sink.failure) return;
    try {
      if (index >= sink.values->size())
        throw Error(Errc::internal, "plugin answered for key index " + std::to_string(index) +
                                        " of a " + std::to_string(sink.values->size()) +
                                        "-key request");
      (*sink.values)[index].emplace(data, size);
    } catch (...) {
      sink.failure = std::current_exception();
    }
  }
};

struct KeysSink {
  std::vector<std::string>* keys;
  std::exception_ptr failure;

  static void call(void* self, const char* data, std::size_t size) {
    auto& sink = *static_cast<KeysSink*>(self);
    if (sink.failure) return;
    try {
      sink.keys->emplace_back(data, size);
    } catch (...) {
      sink.failure = std::current_exception();
    }
  }
};

Errc errc_of(int code) {
  return code >= BYTESTORE_INVALID_ARGUMENT && code <= BYTESTORE_INTERNAL ? static_cast<Errc>(code)
                                                                          : Errc::internal;
}

// Options as the C ABI takes them: views of `options`, valid while it lives.
std::vector<bytestore_option_value> option_slices(const OptionValues& options) {
  std::vector<bytestore_option_value> values;
  values.reserve(options.size());
  for (const auto& [name, value] : options) values.push_back({slice(name), slice(value)});
  return values;
}

// Throws the error a plugin call returned, after `label`. The plugin's text
// may quote keys: it is made printable.
void raise_plugin_error(const std::string& label, int code, const std::string& message) {
  // An error a layer passes on from the store beneath already names the
  // store: "store 'app' (sqlite): ..." under label "store 'app' (compress)".
  const std::string store_part = label.substr(0, label.find("' (") + 3);
  std::string text = message.starts_with(store_part) && store_part.size() > 3
                         ? printable(message)
                         : label + ": " + (message.empty() ? "failed without a message" : printable(message));
  if (errc_of(code) == Errc::internal && (code < BYTESTORE_INVALID_ARGUMENT || code > BYTESTORE_INTERNAL))
    text += " (unknown error code " + std::to_string(code) + ")";
  throw Error(errc_of(code), text);
}

// Runs core's checks of a request, naming the store in what they throw.
template <class Check>
void check_request(const std::string& label, Check&& check) {
  try {
    check();
  } catch (const Error& e) {
    throw Error(e.code(), label + ": " + e.what());
  }
}

}  // namespace

std::string store_label(std::string_view store, std::string_view backend) {
  return "store '" + printable(store) + "' (" + std::string(backend) + ")";
}

void check_plugin_options(const PluginLibrary& library, const OptionValues& options,
                          const std::string& label) {
  const bytestore_plugin& table = library.table();
  if (!table_has(table, offsetof(bytestore_plugin, check_options)) || !table.check_options) return;
  const std::vector<bytestore_option_value> values = option_slices(options);
  ErrorCapture error;
  const PluginCallScope scope(library.info().backend.c_str(), library.file_c_str(), "check_options");
  const int code = table.check_options(values.data(), values.size(), &error.c);
  if (code != BYTESTORE_OK) raise_plugin_error(label, code, error.message);
}

StoreLocation locate_plugin_data(const PluginLibrary& library, const OptionValues& options,
                                 const std::string& label) {
  const bytestore_plugin& table = library.table();
  StoreLocation location;
  if (!table_has(table, offsetof(bytestore_plugin, locate)) || !table.locate) return location;
  const std::vector<bytestore_option_value> values = option_slices(options);
  std::vector<std::string> where;
  KeysSink sink{&where, nullptr};
  int exists = BYTESTORE_DATA_UNKNOWN;
  ErrorCapture error;
  const PluginCallScope scope(library.info().backend.c_str(), library.file_c_str(), "locate");
  const int code = table.locate(values.data(), values.size(), &KeysSink::call, &sink, &exists, &error.c);
  if (sink.failure) std::rethrow_exception(sink.failure);
  if (code != BYTESTORE_OK) raise_plugin_error(label, code, error.message);
  if (!where.empty()) location.where = printable(where.front());
  location.data = exists == BYTESTORE_DATA_PRESENT  ? StoreLocation::Data::present
                  : exists == BYTESTORE_DATA_ABSENT ? StoreLocation::Data::absent
                                                    : StoreLocation::Data::unknown;
  return location;
}

PluginInstance::PluginInstance(std::shared_ptr<const PluginLibrary> library,
                               const OptionValues& options, std::string label,
                               std::shared_ptr<InnerStoreAdapter> inner)
    : library_(std::move(library)), inner_(std::move(inner)), label_(std::move(label)),
      table_(library_->table()) {
  const std::vector<bytestore_option_value> values = option_slices(options);
  ErrorCapture error;
  {
    const PluginCallScope scope = call_scope("open");
    const int code =
        inner_ ? table_.open_layer(values.data(), values.size(), inner_->table(), &handle_, &error.c)
               : table_.open(values.data(), values.size(), &handle_, &error.c);
    check(code, error.message);
  }
  if (!handle_) throw Error(Errc::internal, label_ + ": open succeeded but returned no instance");
  bytestore_capabilities caps{};
  const int code = [&] {
    const PluginCallScope scope = call_scope("capabilities");
    return table_.capabilities(handle_, &caps, &error.c);
  }();
  if (code != BYTESTORE_OK) {
    table_.close(handle_);
    check(code, error.message);
  }
  capabilities_ = from_c(caps);
  // Async always works: natively only when the plugin supplies the calls.
  capabilities_.native_async = capabilities_.native_async &&
                               table_has(table_, offsetof(bytestore_plugin, submit_mdelete)) &&
                               table_.submit_mget && table_.submit_mset && table_.submit_mdelete;
}

PluginInstance::~PluginInstance() {
  const PluginCallScope scope = call_scope("close");
  table_.close(handle_);
}

bool PluginInstance::compact() const {
  if (!table_has(table_, offsetof(bytestore_plugin, compact)) || !table_.compact)
    return inner_ && inner_->store().compact();  // a layer without its own: the store beneath
  ErrorCapture error;
  const PluginCallScope scope = call_scope("compact");
  check(table_.compact(handle_, &error.c), error.message);
  return true;
}

void PluginInstance::check(int code, const std::string& message) const {
  if (code != BYTESTORE_OK) raise_plugin_error(label_, code, message);
}

std::vector<std::optional<Bytes>> PluginInstance::mget(std::span<const std::string> keys) const {
  check_request(label_, [&] { check_keys(keys, capabilities_); });
  std::vector<std::optional<Bytes>> values(keys.size());
  if (keys.empty()) return values;
  const SliceArray k(keys);
  ValuesSink sink{&values, nullptr};
  ErrorCapture error;
  const PluginCallScope scope = call_scope("mget");
  const int code = table_.mget(handle_, k.data(), keys.size(), &ValuesSink::call, &sink, &error.c);
  if (sink.failure) std::rethrow_exception(sink.failure);
  check(code, error.message);
  return values;
}

void PluginInstance::mset(std::span<const KeyValue> pairs) const {
  check_request(label_, [&] { check_pairs(pairs, capabilities_); });
  if (pairs.empty()) return;
  SliceArray keys(pairs.size()), values(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    keys[i] = slice(pairs[i].first);
    values[i] = slice(pairs[i].second);
  }
  ErrorCapture error;
  const PluginCallScope scope = call_scope("mset");
  check(table_.mset(handle_, keys.data(), values.data(), pairs.size(), &error.c), error.message);
}

void PluginInstance::mdelete(std::span<const std::string> keys) const {
  check_request(label_, [&] { check_keys(keys, capabilities_); });
  if (keys.empty()) return;
  const SliceArray k(keys);
  ErrorCapture error;
  const PluginCallScope scope = call_scope("mdelete");
  check(table_.mdelete(handle_, k.data(), keys.size(), &error.c), error.message);
}

namespace {

std::string_view view(const bytestore_slice& s) { return {s.data, s.size}; }

}  // namespace

void PluginInstance::mget(std::span<const bytestore_slice> keys, bytestore_value_sink sink,
                          void* context) const {
  check_request(label_, [&] {
    for (const bytestore_slice& k : keys) check_key(view(k), capabilities_);
  });
  if (keys.empty()) return;
  ErrorCapture error;
  const PluginCallScope scope = call_scope("mget");
  check(table_.mget(handle_, keys.data(), keys.size(), sink, context, &error.c), error.message);
}

void PluginInstance::mset(std::span<const bytestore_slice> keys,
                          std::span<const bytestore_slice> values) const {
  check_request(label_, [&] {
    for (std::size_t i = 0; i < keys.size(); ++i) check_pair(view(keys[i]), values[i].size, capabilities_);
  });
  if (keys.empty()) return;
  ErrorCapture error;
  const PluginCallScope scope = call_scope("mset");
  check(table_.mset(handle_, keys.data(), values.data(), keys.size(), &error.c), error.message);
}

void PluginInstance::mdelete(std::span<const bytestore_slice> keys) const {
  check_request(label_, [&] {
    for (const bytestore_slice& k : keys) check_key(view(k), capabilities_);
  });
  if (keys.empty()) return;
  ErrorCapture error;
  const PluginCallScope scope = call_scope("mdelete");
  check(table_.mdelete(handle_, keys.data(), keys.size(), &error.c), error.message);
}

// A listing through the plugin's cursor; holds the instance open.
class PluginKeyCursor final : public KeyCursor {
 public:
  PluginKeyCursor(std::shared_ptr<const PluginInstance> instance, bytestore_cursor* cursor)
      : instance_(std::move(instance)), cursor_(cursor) {}
  ~PluginKeyCursor() override {
    const PluginCallScope scope = instance_->call_scope("cursor_close");
    instance_->table_.cursor_close(cursor_);
  }

  bool next_page(std::vector<std::string>& page) override {
    page.clear();
    // A plugin may return empty pages before the end (e.g. a filtered scan).
    while (page.empty() && !exhausted_) {
      KeysSink sink{&page, nullptr};
      ErrorCapture error;
      int has_more = 0;
      const PluginCallScope scope = instance_->call_scope("yield_keys");
      const int code =
          instance_->table_.cursor_next(cursor_, &KeysSink::call, &sink, &has_more, &error.c);
      if (sink.failure) std::rethrow_exception(sink.failure);
      instance_->check(code, error.message);
      exhausted_ = has_more == 0;
    }
    return !page.empty();
  }

 private:
  std::shared_ptr<const PluginInstance> instance_;
  bytestore_cursor* cursor_;
  bool exhausted_ = false;
};

std::unique_ptr<KeyCursor> PluginInstance::scan(std::shared_ptr<const PluginInstance> self,
                                                std::string_view prefix) {
  if (!is_valid_utf8(prefix))
    throw Error(Errc::invalid_argument,
                self->label_ + ": prefix " + quote_key(prefix) + " is not valid UTF-8");
  bytestore_cursor* cursor = nullptr;
  ErrorCapture error;
  const PluginCallScope scope = self->call_scope("yield_keys");
  self->check(self->table_.cursor_open(self->handle_, slice(prefix), &cursor, &error.c),
              error.message);
  return std::make_unique<PluginKeyCursor>(std::move(self), cursor);
}

namespace {

// One native async call in flight: owns what the plugin reports into and
// the promise it completes. Freed by the completion callback.
template <class T>
struct PendingCall {
  std::shared_ptr<const PluginInstance> instance;
  std::promise<T> promise;
  std::vector<std::optional<Bytes>> values;  // gets only
  ValuesSink sink{&values, nullptr};

  static void done(void* self, int code, const char* message, std::size_t size) {
    std::unique_ptr<PendingCall> call(static_cast<PendingCall*>(self));
    try {
      if (call->sink.failure) std::rethrow_exception(call->sink.failure);
      call->instance->check(code, std::string(message ? message : "", message ? size : 0));
      if constexpr (std::is_void_v<T>)
        call->promise.set_value();
      else
        call->promise.set_value(std::move(call->values));
    } catch (...) {
      call->promise.set_exception(std::current_exception());
    }
    // This runs on the plugin's own thread; if the store is gone, the
    // instance must not be closed from here (a plugin joins that thread
    // when it closes), so the last reference is dropped on the executor.
    Executor::shared().post([instance = std::move(call->instance)] {});
  }
};

template <class T>
std::future<T> failed_future(std::exception_ptr error) {
  std::promise<T> promise;
  promise.set_exception(error);
  return promise.get_future();
}

}  // namespace

std::future<std::vector<std::optional<Bytes>>> PluginInstance::submit_mget(
    std::shared_ptr<const PluginInstance> self, std::vector<std::string> keys) {
  using Values = std::vector<std::optional<Bytes>>;
  try {
    check_request(self->label_, [&] { check_keys(keys, self->capabilities_); });
  } catch (...) {
    return failed_future<Values>(std::current_exception());
  }
  auto call = std::make_unique<PendingCall<Values>>();
  call->instance = self;
  call->values.resize(keys.size());
  std::future<Values> result = call->promise.get_future();
  if (keys.empty()) {
    call->promise.set_value({});
    return result;
  }
  const SliceArray k(keys);
  PendingCall<Values>* raw = call.release();  // the plugin calls done() exactly once
  const PluginCallScope scope = self->call_scope("amget");
  self->table_.submit_mget(self->handle_, k.data(), keys.size(), &ValuesSink::call, &raw->sink,
                           &PendingCall<Values>::done, raw);
  return result;
}

std::future<void> PluginInstance::submit_mset(std::shared_ptr<const PluginInstance> self,
                                              std::vector<KeyValue> pairs) {
  try {
    check_request(self->label_, [&] { check_pairs(pairs, self->capabilities_); });
  } catch (...) {
    return failed_future<void>(std::current_exception());
  }
  auto call = std::make_unique<PendingCall<void>>();
  call->instance = self;
  std::future<void> result = call->promise.get_future();
  if (pairs.empty()) {
    call->promise.set_value();
    return result;
  }
  SliceArray keys(pairs.size()), values(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    keys[i] = slice(pairs[i].first);
    values[i] = slice(pairs[i].second);
  }
  PendingCall<void>* raw = call.release();
  const PluginCallScope scope = self->call_scope("amset");
  self->table_.submit_mset(self->handle_, keys.data(), values.data(), pairs.size(),
                           &PendingCall<void>::done, raw);
  return result;
}

std::future<void> PluginInstance::submit_mdelete(std::shared_ptr<const PluginInstance> self,
                                                 std::vector<std::string> keys) {
  try {
    check_request(self->label_, [&] { check_keys(keys, self->capabilities_); });
  } catch (...) {
    return failed_future<void>(std::current_exception());
  }
  auto call = std::make_unique<PendingCall<void>>();
  call->instance = self;
  std::future<void> result = call->promise.get_future();
  if (keys.empty()) {
    call->promise.set_value();
    return result;
  }
  const SliceArray k(keys);
  PendingCall<void>* raw = call.release();
  const PluginCallScope scope = self->call_scope("amdelete");
  self->table_.submit_mdelete(self->handle_, k.data(), keys.size(), &PendingCall<void>::done, raw);
  return result;
}

std::vector<std::optional<Bytes>> PluginStore::mget(std::span<const std::string> keys) {
  return instance_->mget(keys);
}

void PluginStore::mset(std::span<const KeyValue> pairs) {
  instance_->mset(pairs);
}

void PluginStore::mdelete(std::span<const std::string> keys) {
  instance_->mdelete(keys);
}

std::unique_ptr<KeyCursor> PluginStore::scan(std::string_view prefix) {
  return PluginInstance::scan(instance_, prefix);
}

std::future<std::vector<std::optional<Bytes>>> PluginStore::amget(std::vector<std::string> keys) {
  if (instance_->capabilities().native_async)
    return PluginInstance::submit_mget(instance_, std::move(keys));
  return Executor::shared().submit(
      [instance = instance_, keys = std::move(keys)] { return instance->mget(keys); });
}

std::future<void> PluginStore::amset(std::vector<KeyValue> pairs) {
  if (instance_->capabilities().native_async)
    return PluginInstance::submit_mset(instance_, std::move(pairs));
  return Executor::shared().submit(
      [instance = instance_, pairs = std::move(pairs)] { instance->mset(pairs); });
}

std::future<void> PluginStore::amdelete(std::vector<std::string> keys) {
  if (instance_->capabilities().native_async)
    return PluginInstance::submit_mdelete(instance_, std::move(keys));
  return Executor::shared().submit(
      [instance = instance_, keys = std::move(keys)] { instance->mdelete(keys); });
}

}  // namespace bytestore::internal
