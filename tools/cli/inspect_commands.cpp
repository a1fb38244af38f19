// backends, config check|show, info: what is installed and configured.
#include <bytestore/bytestore.hpp>
#include <bytestore/version.hpp>

#include <iostream>

#include "commands.h"
#include "config_locator.h"

namespace bytestore::cli {
namespace {

std::string flags_of(const Capabilities& caps) {
  std::string out = "max key " + std::to_string(caps.max_key_bytes) + " B, max value " +
                    std::to_string(caps.max_value_bytes) + " B";
  if (caps.atomic_batch) out += ", atomic batches";
  if (caps.ordered_keys) out += ", ordered keys";
  out += caps.persistent ? ", persistent" : ", not persistent";
  if (caps.native_async) out += ", native async";
  if (caps.may_expire) out += ", values may expire";
  return out;
}

}  // namespace

int run_backends(const CommandLine& line) {
  if (!line.operands.empty()) throw UsageError("usage: bytestore backends");
  std::vector<std::filesystem::path> dirs;
  if (line.config) dirs = Config::load_file(*line.config).plugin_dirs();
  const auto plugins = list_plugins(dirs);
  if (plugins.empty()) {
    std::string searched;
    for (const auto& d : plugin_search_path(dirs)) searched += " " + d.string();
    std::cout << "no plugins found in:" << searched << '\n';
    return kOk;
  }
  for (const PluginInfo& p : plugins) {
    std::cout << p.backend << ' ' << p.version << "  " << p.file.string() << '\n'
              << "  " << p.description << '\n';
    // A layer's limits and guarantees are those of the store it wraps.
    if (p.layer)
      std::cout << "  layer: use under a store's layers: as { layer: " << p.backend << " }\n";
    else
      std::cout << "  " << flags_of(p.capabilities) << '\n';
    for (const OptionSchema& o : p.options) {
      std::cout << "    " << o.name;
      if (!o.alias.empty()) std::cout << " (or " << o.alias << ")";
      std::cout << ": " << to_string(o.type);
      if (!o.choices.empty()) {
        std::string choices;
        for (const auto& c : o.choices) choices += (choices.empty() ? "" : "|") + c;
        std::cout << " " << choices;
      }
      if (o.required) std::cout << ", required";
      if (o.default_value && !o.default_value->empty())
        std::cout << ", default " << *o.default_value
                  << (o.type == OptionType::duration ? "ms" : o.type == OptionType::size ? " bytes" : "");
      if (o.secret) std::cout << ", secret";
      std::cout << "\n        " << o.doc << '\n';
    }
  }
  return kOk;
}

int run_config(const CommandLine& line) {
  const std::string sub = line.command.size() > 1 ? line.command[1] : "";
  if ((sub != "check" && sub != "show" && sub != "stores") || !line.operands.empty())
    throw UsageError("usage: bytestore config check | show | stores");
  const LocatedConfig located = locate_config(line.config);
  if (sub == "stores") {
    for (const std::string& name : located.config.store_names()) std::cout << name << '\n';
    return kOk;
  }
  if (sub == "show") {
    const std::string shown = located.config.show();  // nothing printed if it fails
    std::cout << "# " << located.origin << '\n' << shown;
    return kOk;
  }
  located.config.check();
  std::cout << located.origin << ": ok, " << located.config.store_names().size() << " store(s)\n";
  // Valid, but a store that was never written says so: a path taken from
  // the wrong place shows here, not as an empty store later.
  int exit_code = kOk;
  for (const std::string& name : located.config.store_names())
    if (const std::string missing = missing_data(located, name); !missing.empty()) {
      std::cerr << "bytestore: " << missing << '\n';
      exit_code = kStoreError;
    }
  return exit_code;
}

int run_info(const CommandLine& line) {
  if (!line.operands.empty()) throw UsageError("usage: bytestore info");
  const LocatedConfig located = locate_config(line.config);
  const std::string name = selected_store(located.config, line.store);
  const std::string& backend = located.config.backend(name);
  const StoreLocation location = located.config.locate(name);
  std::cout << "version: bytestore " << BYTESTORE_VERSION << '\n'
            << "config:  " << located.origin << '\n'
            << "store:   " << name << '\n'
            << "backend: " << backend << " (" << find_plugin(backend, located.config.plugin_dirs()).file.string()
            << ")\n"
            << "data:    " << (location.where.empty() ? "(the backend does not say)" : location.where)
            << (location.data == StoreLocation::Data::absent ? " (no data yet)" : "") << '\n';
  // Reading never creates: the capabilities need an open store.
  require_existing_data(located, name);
  std::cout << "capabilities: " << flags_of(cli::open_store(located, name)->capabilities()) << '\n';
  return kOk;
}

}  // namespace bytestore::cli
