// bytestore::Config and open(): a parsed config, bound to plugins.
#include <bytestore/config.hpp>
#include <bytestore/error.hpp>
#include <bytestore/open.hpp>

#include <algorithm>

#include "config_document.h"
#include "config_render.h"
#include "executor.h"
#include "open_stores.h"
#include "nearest_name.h"
#include "option_binding.h"
#include "plugin_library.h"
#include "plugin_store.h"

namespace bytestore {
namespace fs = std::filesystem;

struct Config::Impl {
  config::ConfigDocument doc;

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const config::StoreEntry& s : doc.stores) out.push_back(s.name);
    return out;
  }

  std::string name_list() const {
    std::string out;
    for (const std::string& n : names()) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  // The entry for `name` (empty: the default store).
  const config::StoreEntry& store(std::string_view name) const {
    if (name.empty()) {
      if (!doc.default_store.empty()) return *doc.find(doc.default_store);
      if (doc.stores.size() == 1) return doc.stores.front();
      config::fail(doc.source, {},
                   "no store named, and the config has no 'default'; its stores: " + name_list());
    }
    if (const config::StoreEntry* entry = doc.find(name)) return *entry;
    config::fail(doc.source, {},
                 "no store '" + std::string(name) + "'" + config::did_you_mean(name, names()) +
                     "; its stores: " + name_list());
  }

  // The plugin of `store` (a backend), or of one of its layers; errors
  // carry the location of its `backend:` or `layer:`.
  std::shared_ptr<const internal::PluginLibrary> plugin(const config::StoreEntry& store,
                                                        bool layer = false) const {
    std::shared_ptr<const internal::PluginLibrary> found;
    try {
      found = internal::PluginLibrary::find(store.backend, doc.plugin_dirs);
    } catch (const Error& e) {
      config::fail(doc.source, store.backend_mark, "store '" + store.name + "': " + e.what(),
                   e.code());
    }
    if (found->info().layer != layer)
      config::fail(doc.source, store.backend_mark,
                   "store '" + store.name + "': '" + store.backend + "' is " +
                       (layer ? "a backend, not a layer; layers go under 'layers:' as { layer: NAME }"
                              : "a layer, not a backend; put it under 'layers:' as { layer: " +
                                    store.backend + " }"),
                   Errc::config);
    return found;
  }

  internal::OptionValues bind(const config::StoreEntry& store,
                              const internal::PluginLibrary& plugin) const {
    return config::bind_options(doc, store, plugin.info().options, config::process_env());
  }

  // The stores the options of `layer` (bound by `plugin`) name, with the
  // option's name; each checked to exist and not to be `layer`'s own store.
  std::vector<std::pair<std::string, std::string>> named_stores(
      const config::StoreEntry& layer, const internal::PluginLibrary& plugin,
      const internal::OptionValues& options) const {
    std::vector<std::pair<std::string, std::string>> named;
    for (const OptionSchema& schema : plugin.info().options) {
      if (!schema.store) continue;
      for (const auto& [name, value] : options) {
        if (name != schema.name || value.empty()) continue;
        config::SourceMark mark = layer.mark;
        for (const config::RawOption& raw : layer.options)
          if (raw.name == schema.name || raw.name == schema.alias) mark = raw.value_mark;
        if (!doc.find(value))
          config::fail(doc.source, mark,
                       "store '" + layer.name + "': option '" + name + "': no store '" + value + "'" +
                           config::did_you_mean(value, names()) + "; its stores: " + name_list());
        if (value == layer.name)
          config::fail(doc.source, mark,
                       "store '" + layer.name + "': option '" + name + "' names the store itself");
        named.emplace_back(name, value);
      }
    }
    return named;
  }

  // Throws when following the stores that layers name from `store` comes
  // back to a store on `path` (a cycle would open forever).
  void check_no_cycle(const config::StoreEntry& store, std::vector<std::string>& path) const {
    path.push_back(store.name);
    for (const config::StoreEntry& layer : store.layers) {
      std::shared_ptr<const internal::PluginLibrary> library = plugin(layer, true);
      for (const auto& [option, named] : named_stores(layer, *library, bind(layer, *library))) {
        if (std::find(path.begin(), path.end(), named) != path.end()) {
          std::string cycle;
          for (const std::string& p : path) cycle += p + " -> ";
          config::fail(doc.source, layer.mark,
                       "store '" + store.name + "': layer '" + layer.backend + "' option '" + option +
                           "' makes a cycle: " + cycle + named);
        }
        check_no_cycle(*doc.find(named), path);
      }
    }
    path.pop_back();
  }
};

Config Config::load_file(const fs::path& path) {
  auto impl = std::make_shared<Impl>();
  impl->doc = config::load_config(path, config::process_env());
  return Config(std::move(impl));
}

Config Config::parse(std::string_view yaml, std::string source_name) {
  auto impl = std::make_shared<Impl>();
  impl->doc = config::parse_config(yaml, std::move(source_name), fs::current_path(),
                                   config::process_env());
  return Config(std::move(impl));
}

const std::string& Config::source() const { return impl_->doc.source; }
const std::string& Config::default_store() const { return impl_->doc.default_store; }
std::vector<std::string> Config::store_names() const { return impl_->names(); }
const std::string& Config::backend(std::string_view store) const {
  return impl_->store(store).backend;
}
const std::vector<fs::path>& Config::plugin_dirs() const { return impl_->doc.plugin_dirs; }

void Config::check() const {
  config::check_every_store(impl_->doc, [&](const config::StoreEntry& store) {
    auto check_one = [&](const config::StoreEntry& entry, bool layer) {
      std::shared_ptr<const internal::PluginLibrary> plugin = impl_->plugin(entry, layer);
      const internal::OptionValues options = impl_->bind(entry, *plugin);
      try {
        internal::check_plugin_options(*plugin, options,
                                       internal::store_label(entry.name, entry.backend));
      } catch (const Error& e) {
        config::fail(impl_->doc.source, entry.mark, e.what(), e.code());
      }
    };
    check_one(store, false);
    for (const config::StoreEntry& layer : store.layers) check_one(layer, true);
    std::vector<std::string> path;
    impl_->check_no_cycle(store, path);
  });
}

std::string Config::show() const {
  std::vector<std::shared_ptr<const internal::PluginLibrary>> loaded;
  return config::render_config(
      impl_->doc,
      [&](const std::string& backend) -> const std::vector<OptionSchema>* {
        try {
          loaded.push_back(internal::PluginLibrary::find(backend, impl_->doc.plugin_dirs));
          return &loaded.back()->info().options;
        } catch (const Error&) {
          return nullptr;
        }
      },
      config::process_env());
}

std::unique_ptr<ByteStore> Config::open(std::string_view name) const {
  (void)internal::Executor::configured_size();  // a bad BYTESTORE_ASYNC_THREADS fails here
  const config::StoreEntry& store = impl_->store(name);
  std::shared_ptr<const internal::PluginLibrary> plugin = impl_->plugin(store);
  const internal::OptionValues options = impl_->bind(store, *plugin);
  std::vector<std::string> paths = internal::path_values(*plugin, options);
  std::shared_ptr<const internal::PluginInstance> instance;
  try {
    instance = std::make_shared<const internal::PluginInstance>(
        plugin, options, internal::store_label(store.name, store.backend));
    internal::remember_open_store(instance, std::move(paths));
  } catch (const Error& e) {
    // A plugin that refuses a path this process already has open says so;
    // only core knows which stores those are.
    std::string message = e.what();
    if (message.find("already open in this process") != std::string::npos)
      for (const std::string& other : internal::open_stores_using(*plugin, paths))
        message += "; " + other + " has it open";
    config::fail(impl_->doc.source, store.mark, message, e.code());
  }
  // Layers from the innermost out: each opens over the store built so far.
  for (auto layer = store.layers.rbegin(); layer != store.layers.rend(); ++layer) {
    std::shared_ptr<const internal::PluginLibrary> library = impl_->plugin(*layer, true);
    const internal::OptionValues layer_options = impl_->bind(*layer, *library);
    auto inner = std::make_shared<internal::InnerStoreAdapter>(
        std::make_shared<internal::PluginStore>(std::move(instance)), store.name);
    for (const auto& [option, named] : impl_->named_stores(*layer, *library, layer_options)) {
      std::vector<std::string> path;
      impl_->check_no_cycle(*impl_->doc.find(named), path = {store.name});
      inner->add_option_store(
          option, std::make_shared<internal::InnerStoreAdapter>(std::shared_ptr<ByteStore>(open(named)), named));
    }
    try {
      instance = std::make_shared<const internal::PluginInstance>(
          library, layer_options, internal::store_label(store.name, layer->backend), std::move(inner));
    } catch (const Error& e) {
      config::fail(impl_->doc.source, layer->mark, e.what(), e.code());
    }
  }
  return std::make_unique<internal::PluginStore>(std::move(instance));
}

StoreLocation Config::locate(std::string_view name) const {
  const config::StoreEntry& store = impl_->store(name);
  std::shared_ptr<const internal::PluginLibrary> plugin = impl_->plugin(store);
  const internal::OptionValues options = impl_->bind(store, *plugin);
  try {
    return internal::locate_plugin_data(*plugin, options,
                                        internal::store_label(store.name, store.backend));
  } catch (const Error& e) {
    config::fail(impl_->doc.source, store.mark, e.what(), e.code());
  }
}

std::unique_ptr<ByteStore> open(const fs::path& config_path, std::string_view store) {
  return Config::load_file(config_path).open(store);
}

std::unique_ptr<ByteStore> open_yaml(std::string_view yaml, std::string_view store) {
  return Config::parse(yaml).open(store);
}

}  // namespace bytestore
