#include "open_stores.h"

#include <algorithm>
#include <mutex>

namespace bytestore::internal {
namespace {

struct OpenStore {
  std::weak_ptr<const PluginInstance> instance;
  const PluginLibrary* library;
  std::string label;
  std::vector<std::string> paths;
};

std::mutex g_mutex;
std::vector<OpenStore>& open_stores() {
  static auto* stores = new std::vector<OpenStore>;  // never destroyed: used until exit
  return *stores;
}

}  // namespace

std::vector<std::string> path_values(const PluginLibrary& library, const OptionValues& options) {
  std::vector<std::string> paths;
  for (const OptionSchema& schema : library.info().options) {
    if (!schema.path) continue;
    for (const auto& [name, value] : options)
      if (name == schema.name && !value.empty() && value.front() != ':') paths.push_back(value);
  }
  return paths;
}

void remember_open_store(const std::shared_ptr<const PluginInstance>& instance,
                         std::vector<std::string> paths) {
  if (paths.empty()) return;
  std::lock_guard lock(g_mutex);
  auto& stores = open_stores();
  std::erase_if(stores, [](const OpenStore& s) { return s.instance.expired(); });
  stores.push_back({instance, &instance->library(), instance->label(), std::move(paths)});
}

std::vector<std::string> open_stores_using(const PluginLibrary& library,
                                           const std::vector<std::string>& paths) {
  std::vector<std::string> labels;
  std::lock_guard lock(g_mutex);
  for (const OpenStore& s : open_stores()) {
    if (s.library != &library || s.instance.expired()) continue;
    const bool shares = std::any_of(s.paths.begin(), s.paths.end(), [&](const std::string& p) {
      return std::find(paths.begin(), paths.end(), p) != paths.end();
    });
    if (shares && std::find(labels.begin(), labels.end(), s.label) == labels.end())
      labels.push_back(s.label);
  }
  return labels;
}

}  // namespace bytestore::internal
