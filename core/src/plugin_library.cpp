#include "plugin_library.h"

#include <bytestore/error.hpp>
#include <bytestore/version.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace bytestore::internal {
namespace fs = std::filesystem;
namespace {

// Members a v1 table must have at least: everything up to cursor_close.
constexpr std::size_t kMinimumTableSize =
    offsetof(bytestore_plugin, cursor_close) + sizeof(bytestore_plugin::cursor_close);

bool valid_backend_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string text_or_empty(const char* s) { return s ? s : ""; }

OptionSchema schema_of(const bytestore_option_spec& spec) {
  OptionSchema s;
  s.name = text_or_empty(spec.name);
  s.alias = text_or_empty(spec.alias);
  s.type = static_cast<OptionType>(spec.type);
  if (spec.default_value) s.default_value = spec.default_value;
  s.doc = text_or_empty(spec.doc);
  s.required = spec.flags & BYTESTORE_OPTION_REQUIRED;
  s.secret = spec.flags & BYTESTORE_OPTION_SECRET;
  s.path = spec.flags & BYTESTORE_OPTION_PATH;
  s.store = spec.flags & BYTESTORE_OPTION_STORE;
  for (std::size_t i = 0; i < spec.enum_count; ++i) s.choices.emplace_back(spec.enum_values[i]);
  return s;
}

// The directory of libbytestore itself, found through one of its symbols,
// so an installed tree finds its plugins wherever it was installed.
fs::path library_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&plugin_file_name), &info) == 0 || !info.dli_fname)
    return {};
  std::error_code ec;
  fs::path path = fs::canonical(info.dli_fname, ec);
  return ec ? fs::path(info.dli_fname).parent_path() : path.parent_path();
}

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<fs::path, std::shared_ptr<const PluginLibrary>>& registry() {
  static auto* loaded = new std::map<fs::path, std::shared_ptr<const PluginLibrary>>();
  return *loaded;  // never destroyed: plugin code may run during exit
}

}  // namespace

std::string plugin_file_name(std::string_view backend) {
  return "bytestore-" + std::string(backend) + ".so";
}

Capabilities from_c(const bytestore_capabilities& c) {
  Capabilities caps;
  caps.max_key_bytes = c.max_key_bytes;
  caps.max_value_bytes = c.max_value_bytes;
  caps.atomic_batch = c.flags & BYTESTORE_CAP_ATOMIC_BATCH;
  caps.ordered_keys = c.flags & BYTESTORE_CAP_ORDERED_KEYS;
  caps.persistent = c.flags & BYTESTORE_CAP_PERSISTENT;
  caps.native_async = c.flags & BYTESTORE_CAP_NATIVE_ASYNC;
  caps.may_expire = c.flags & BYTESTORE_CAP_MAY_EXPIRE;
  return caps;
}

std::shared_ptr<const PluginLibrary> PluginLibrary::load(const fs::path& file) {
  std::lock_guard lock(registry_mutex());
  if (auto it = registry().find(file); it != registry().end()) return it->second;

  const std::string where = "plugin " + file.string();
  void* opened = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!opened) {
    const char* why = dlerror();
    throw Error(Errc::plugin, "cannot load " + where + ": " + (why ? why : "unknown error"));
  }
  // Closed again if any check below throws; released once it is trusted.
  std::unique_ptr<void, int (*)(void*)> handle(opened, &dlclose);
  auto entry = reinterpret_cast<bytestore_plugin_entry_fn>(
      dlsym(handle.get(), BYTESTORE_PLUGIN_ENTRY_SYMBOL));
  if (!entry) {
    throw Error(Errc::plugin, where + " does not export the entry symbol '" +
                                  BYTESTORE_PLUGIN_ENTRY_SYMBOL +
                                  "'; it is not a bytestore plugin");
  }
  const bytestore_plugin* table = entry();
  if (!table) {
    throw Error(Errc::plugin, where + ": " + BYTESTORE_PLUGIN_ENTRY_SYMBOL + "() returned null");
  }
  // The table's layout is known only for our ABI version, so the backend
  // is named from the file ("bytestore-NAME.so") until that is checked.
  std::string backend = file.stem().string();
  backend = " (backend '" + (backend.starts_with("bytestore-") ? backend.substr(10) : backend) + "')";
  if (table->abi_version != BYTESTORE_ABI_VERSION) {
    throw Error(Errc::plugin,
                where + backend + " was built for plugin ABI version " +
                    std::to_string(table->abi_version) + ", but bytestore " BYTESTORE_VERSION
                    " speaks plugin ABI version " +
                    std::to_string(BYTESTORE_ABI_VERSION) +
                    "; rebuild the plugin against this bytestore");
  }
  // A layer opens over an inner store (open_layer) instead of with `open`.
  const bool layer = table_has(*table, offsetof(bytestore_plugin, open_layer)) && table->open_layer;
  if (table->struct_size < kMinimumTableSize || !table->name || (!table->open && !layer) ||
      !table->close || !table->capabilities || !table->mget || !table->mset ||
      !table->mdelete || !table->cursor_open || !table->cursor_next || !table->cursor_close) {
    throw Error(Errc::plugin, where + backend + " has an incomplete function table");
  }
  const std::string expected = file.filename().string();
  if (expected != plugin_file_name(table->name)) {
    throw Error(Errc::plugin, where + " declares backend '" + table->name + "', but its file is named " +
                                  expected + " (expected " + plugin_file_name(table->name) + ")");
  }

  PluginInfo info;
  info.backend = table->name;
  info.version = text_or_empty(table->version);
  info.description = text_or_empty(table->description);
  info.file = file;
  info.capabilities = from_c(table->default_capabilities);
  info.layer = layer && !table->open;
  for (std::size_t i = 0; i < table->option_count; ++i)
    info.options.push_back(schema_of(table->options[i]));

  std::shared_ptr<const PluginLibrary> library(new PluginLibrary(table, std::move(info)));
  registry().emplace(file, library);
  handle.release();  // stays open for the life of the process
  return library;
}

std::vector<std::shared_ptr<const PluginLibrary>> PluginLibrary::loaded() {
  std::lock_guard lock(registry_mutex());
  std::vector<std::shared_ptr<const PluginLibrary>> libraries;
  for (const auto& [file, library] : registry()) libraries.push_back(library);
  return libraries;
}

std::shared_ptr<const PluginLibrary> PluginLibrary::find(std::string_view backend,
                                                         const std::vector<fs::path>& extra_dirs) {
  if (!valid_backend_name(backend))
    throw Error(Errc::plugin, "invalid backend name '" + std::string(backend) +
                                  "': use lowercase letters, digits, '_' and '-'");
  const std::vector<fs::path> dirs = plugin_search_path(extra_dirs);
  const std::string file = plugin_file_name(backend);
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (fs::is_regular_file(dir / file, ec)) return load(fs::absolute(dir / file));
  }
  std::string searched;
  for (const fs::path& dir : dirs) searched += (searched.empty() ? "" : ", ") + dir.string();
  std::string known;
  for (const PluginInfo& p : list_plugins(extra_dirs)) known += (known.empty() ? "" : ", ") + p.backend;
  throw Error(Errc::plugin, "no plugin for backend '" + std::string(backend) + "': " + file +
                                " not found in " + (searched.empty() ? "(no directories)" : searched) +
                                "; available backends: " + (known.empty() ? "none" : known) +
                                "; add a directory with plugin_dirs or BYTESTORE_PLUGIN_PATH");
}

}  // namespace bytestore::internal

namespace bytestore {
namespace fs = std::filesystem;

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& extra_dirs) {
  std::vector<fs::path> dirs(extra_dirs.begin(), extra_dirs.end());
  if (const char* env = std::getenv("BYTESTORE_PLUGIN_PATH")) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view entry = rest.substr(0, colon);
      if (!entry.empty()) dirs.emplace_back(entry);  // never "" (the current directory)
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  if (fs::path lib = internal::library_directory(); !lib.empty())
    dirs.push_back(lib / "bytestore" / "plugins");
  return dirs;
}

std::vector<PluginInfo> list_plugins(const std::vector<fs::path>& extra_dirs) {
  std::vector<PluginInfo> found;
  std::set<std::string> seen;
  for (const fs::path& dir : plugin_search_path(extra_dirs)) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.starts_with("bytestore-") && name.ends_with(".so")) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string backend = file.filename().string().substr(10, file.filename().string().size() - 13);
      if (!seen.insert(backend).second) continue;
      try {
        found.push_back(internal::PluginLibrary::load(fs::absolute(file))->info());
      } catch (const Error&) {
        // Not loadable: find_plugin() reports why when it is asked for.
      }
    }
  }
  return found;
}

PluginInfo find_plugin(std::string_view backend, const std::vector<fs::path>& extra_dirs) {
  return internal::PluginLibrary::find(backend, extra_dirs)->info();
}

}  // namespace bytestore
