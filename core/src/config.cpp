// bytestore::Config and open(): a parsed config, bound to plugins.
#include <bytestore/config.hpp>
#include <bytestore/error.hpp>
#include <bytestore/open.hpp>

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

  // The plugin of `store`; errors carry the location of its `backend`.
  std::shared_ptr<const internal::PluginLibrary> plugin(const config::StoreEntry& store) const {
    try {
      return internal::PluginLibrary::find(store.backend, doc.plugin_dirs);
    } catch (const Error& e) {
      config::fail(doc.source, store.backend_mark, "store '" + store.name + "': " + e.what(),
                   e.code());
    }
  }

  internal::OptionValues bind(const config::StoreEntry& store,
                              const internal::PluginLibrary& plugin) const {
    return config::bind_options(doc, store, plugin.info().options, config::process_env());
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
    std::shared_ptr<const internal::PluginLibrary> plugin = impl_->plugin(store);
    const internal::OptionValues options = impl_->bind(store, *plugin);
    try {
      internal::check_plugin_options(*plugin, options, internal::store_label(store.name, store.backend));
    } catch (const Error& e) {
      config::fail(impl_->doc.source, store.mark, e.what(), e.code());
    }
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
  try {
    auto instance = std::make_shared<const internal::PluginInstance>(
        plugin, options, internal::store_label(store.name, store.backend));
    internal::remember_open_store(instance, std::move(paths));
    return std::make_unique<internal::PluginStore>(std::move(instance));
  } catch (const Error& e) {
    // A plugin that refuses a path this process already has open says so;
    // only core knows which stores those are.
    std::string message = e.what();
    if (message.find("already open in this process") != std::string::npos)
      for (const std::string& other : internal::open_stores_using(*plugin, paths))
        message += "; " + other + " has it open";
    config::fail(impl_->doc.source, store.mark, message, e.code());
  }
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
