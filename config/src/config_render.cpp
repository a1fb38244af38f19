#include "config_render.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

namespace bytestore::config {

std::string render_config(const ConfigDocument& doc, const SchemaLookup& schema_of,
                          const EnvLookup& env) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!doc.default_store.empty()) out << YAML::Key << "default" << YAML::Value << doc.default_store;
  if (!doc.plugin_dirs.empty()) {
    out << YAML::Key << "plugin_dirs" << YAML::Value << YAML::BeginSeq;
    for (const auto& dir : doc.plugin_dirs) out << dir.string();
    out << YAML::EndSeq;
  }
  out << YAML::Key << "stores" << YAML::Value << YAML::BeginMap;
  for (const StoreEntry& store : doc.stores) {
    const std::vector<OptionSchema>* schema = schema_of(store.backend);
    out << YAML::Key << store.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "backend" << YAML::Value << store.backend;
    if (!schema) out << YAML::Comment("plugin not found: option values hidden");
    auto shown = [&](const RawOption& raw) -> std::string {
      try {
        return interpolate(raw.value, env);
      } catch (const std::invalid_argument&) {
        return raw.value;  // an unresolved ${VAR}: shown as written
      }
    };
    if (!schema) {
      for (const RawOption& raw : store.options)
        out << YAML::Key << raw.name << YAML::Value << kRedacted;
    } else {
      for (const OptionSchema& option : *schema) {
        const RawOption* raw = nullptr;
        for (const RawOption& r : store.options)
          if (r.name == option.name || (!option.alias.empty() && r.name == option.alias)) raw = &r;
        if (!raw && !option.default_value) continue;
        out << YAML::Key << option.name << YAML::Value;
        if (option.secret)
          out << kRedacted;
        else if (raw)
          out << shown(*raw);
        else
          out << *option.default_value;
      }
      for (const RawOption& raw : store.options) {  // unknown ones, values hidden
        bool known = false;
        for (const OptionSchema& option : *schema)
          known = known || raw.name == option.name || (!option.alias.empty() && raw.name == option.alias);
        if (!known) out << YAML::Key << raw.name << YAML::Value << kRedacted;
      }
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace bytestore::config
