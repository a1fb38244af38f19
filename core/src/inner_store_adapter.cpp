#include "inner_store_adapter.h"

#include <bytestore/error.hpp>

#include <exception>
#include <string>
#include <vector>

#include "plugin_store.h"

namespace bytestore::internal {
namespace {

void report(bytestore_error* error, const std::string& message) noexcept {
  if (error && error->set_message) error->set_message(error->context, message.data(), message.size());
}

// Runs `body`; an exception becomes its code and message.
template <class Body>
int guarded(bytestore_error* error, Body&& body) noexcept {
  try {
    body();
    return BYTESTORE_OK;
  } catch (const Error& e) {
    report(error, e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    report(error, std::string("unexpected exception: ") + e.what());
    return BYTESTORE_INTERNAL;
  } catch (...) {
    report(error, "unexpected exception of unknown type");
    return BYTESTORE_INTERNAL;
  }
}

ByteStore& store_of(void* context) { return static_cast<InnerStoreAdapter*>(context)->store(); }
const PluginInstance* plugin_of(void* context) { return static_cast<InnerStoreAdapter*>(context)->plugin(); }

std::vector<std::string> strings(const bytestore_slice* slices, std::size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.emplace_back(slices[i].data, slices[i].size);
  return out;
}

// A listing of the inner store, handed to the layer as an opaque cursor.
struct InnerCursor {
  std::unique_ptr<KeyCursor> cursor;
  std::vector<std::string> page;
};

}  // namespace

InnerStoreAdapter::InnerStoreAdapter(std::shared_ptr<ByteStore> store, std::string store_name)
    : store_(std::move(store)), store_name_(std::move(store_name)) {
  if (const auto* plugin_store = dynamic_cast<const PluginStore*>(store_.get()))
    plugin_ = plugin_store->instance();
  const Capabilities caps = store_->capabilities();
  table_.struct_size = sizeof(bytestore_inner_store);
  table_.store_name = {store_name_.data(), store_name_.size()};
  table_.option_stores = nullptr;
  table_.option_store_count = 0;
  table_.context = this;
  table_.capabilities = {caps.max_key_bytes, caps.max_value_bytes,
                         (caps.atomic_batch ? BYTESTORE_CAP_ATOMIC_BATCH : 0u) |
                             (caps.ordered_keys ? BYTESTORE_CAP_ORDERED_KEYS : 0u) |
                             (caps.persistent ? BYTESTORE_CAP_PERSISTENT : 0u) |
                             (caps.may_expire ? BYTESTORE_CAP_MAY_EXPIRE : 0u)};
  table_.mget = [](void* context, const bytestore_slice* keys, std::size_t count,
                   bytestore_value_sink sink, void* sink_context, bytestore_error* error) {
    return guarded(error, [&] {
      if (const PluginInstance* plugin = plugin_of(context)) {
        plugin->mget({keys, count}, sink, sink_context);
        return;
      }
      const auto values = store_of(context).mget(strings(keys, count));
      for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i]) sink(sink_context, i, values[i]->data(), values[i]->size());
    });
  };
  table_.mset = [](void* context, const bytestore_slice* keys, const bytestore_slice* values,
                   std::size_t count, bytestore_error* error) {
    return guarded(error, [&] {
      if (const PluginInstance* plugin = plugin_of(context)) {
        plugin->mset({keys, count}, {values, count});
        return;
      }
      std::vector<KeyValue> pairs;
      pairs.reserve(count);
      for (std::size_t i = 0; i < count; ++i)
        pairs.emplace_back(std::string(keys[i].data, keys[i].size),
                           Bytes(values[i].data, values[i].size));
      store_of(context).mset(pairs);
    });
  };
  table_.mdelete = [](void* context, const bytestore_slice* keys, std::size_t count,
                      bytestore_error* error) {
    return guarded(error, [&] {
      if (const PluginInstance* plugin = plugin_of(context)) {
        plugin->mdelete({keys, count});
        return;
      }
      store_of(context).mdelete(strings(keys, count));
    });
  };
  table_.cursor_open = [](void* context, bytestore_slice prefix, bytestore_inner_cursor** out,
                          bytestore_error* error) {
    return guarded(error, [&] {
      auto cursor = std::make_unique<InnerCursor>();
      cursor->cursor = store_of(context).scan(std::string_view(prefix.data, prefix.size));
      *out = reinterpret_cast<bytestore_inner_cursor*>(cursor.release());
    });
  };
  table_.cursor_next = [](bytestore_inner_cursor* handle, bytestore_key_sink sink, void* sink_context,
                          int* has_more, bytestore_error* error) {
    return guarded(error, [&] {
      auto& cursor = *reinterpret_cast<InnerCursor*>(handle);
      *has_more = cursor.cursor->next_page(cursor.page) ? 1 : 0;
      for (const std::string& key : cursor.page) sink(sink_context, key.data(), key.size());
    });
  };
  table_.cursor_close = [](bytestore_inner_cursor* handle) {
    delete reinterpret_cast<InnerCursor*>(handle);
  };
  table_.compact = [](void* context, int* compacted, bytestore_error* error) {
    return guarded(error, [&] { *compacted = store_of(context).compact() ? 1 : 0; });
  };
}

void InnerStoreAdapter::add_option_store(std::string option, std::shared_ptr<InnerStoreAdapter> store) {
  option_stores_.emplace_back(std::move(option), std::move(store));
  named_.clear();
  for (const auto& [name, adapter] : option_stores_)
    named_.push_back({{name.data(), name.size()}, adapter->table()});
  table_.option_stores = named_.data();
  table_.option_store_count = named_.size();
}

}  // namespace bytestore::internal
