#include "config_render.h"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <stdexcept>

#include "option_binding.h"
#include "units.h"

namespace bytestore::config {
namespace {

// `text` as config text that interpolates back to `text`: every '$' doubled.
std::string literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '$') out += '$';
  }
  return out;
}

// True when `text` is nothing but ${NAME} references: a secret given that
// way is shown as written, which reveals only the variables' names.
bool only_references(const std::string& text) {
  static const std::regex references(R"((\$\{[A-Za-z_][A-Za-z0-9_]*\})+)");
  return std::regex_match(text, references);
}

// The text shown for a bound (interpolated, resolved, canonical) value.
std::string shown(const OptionSchema& option, const std::string& canonical) {
  switch (option.type) {
    case OptionType::size: return format_size(std::stoull(canonical));
    case OptionType::duration: return format_duration_ms(std::stoull(canonical));
    case OptionType::string: return literal(canonical);
    default: return canonical;
  }
}

// The options of `entry` (a store or a layer) as they are bound: errors
// exactly as check() and open() give them (an unset ${VAR}, a value of the
// wrong type, an unknown option), but a redacted secret (from a shown
// config) is shown redacted again: open() refuses it.
void render_options(YAML::Emitter& out, const ConfigDocument& doc, const StoreEntry& entry,
                    const std::vector<OptionSchema>& schema, const EnvLookup& env) {
  const BoundOptions bound = bind_options(doc, entry, schema, env, /*allow_redacted=*/true);
  for (const OptionSchema& option : schema) {
    const std::string* value = nullptr;
    for (const auto& [name, text] : bound)
      if (name == option.name) value = &text;
    if (!value) continue;  // neither given nor defaulted
    const RawOption* raw = nullptr;
    for (const RawOption& r : entry.options)
      if (r.name == option.name || (!option.alias.empty() && r.name == option.alias)) raw = &r;
    out << YAML::Key << option.name << YAML::Value;
    if (!option.secret)
      out << shown(option, *value);
    else if (raw && only_references(raw->value))
      out << raw->value;
    else if (value->empty())
      out << std::string();
    else
      out << kRedacted;
  }
}

// An entry whose plugin was not found: names only.
void render_hidden(YAML::Emitter& out, const StoreEntry& entry) {
  out << YAML::Comment("plugin not found: option values hidden");
  for (const RawOption& raw : entry.options) out << YAML::Key << raw.name << YAML::Value << kRedacted;
}

}  // namespace

std::string render_config(const ConfigDocument& doc, const SchemaLookup& schema_of,
                          const EnvLookup& env) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!doc.default_store.empty())
    out << YAML::Key << "default" << YAML::Value << literal(doc.default_store);
  if (!doc.plugin_dirs.empty()) {
    out << YAML::Key << "plugin_dirs" << YAML::Value << YAML::BeginSeq;
    for (const auto& dir : doc.plugin_dirs) out << literal(dir.string());
    out << YAML::EndSeq;
  }
  out << YAML::Key << "stores" << YAML::Value << YAML::BeginMap;
  for (const StoreEntry& store : doc.stores) {
    out << YAML::Key << store.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "backend" << YAML::Value << literal(store.backend);
    if (const std::vector<OptionSchema>* schema = schema_of(store.backend))
      render_options(out, doc, store, *schema, env);
    else
      render_hidden(out, store);
    if (!store.layers.empty()) {
      out << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
      for (const StoreEntry& layer : store.layers) {
        out << YAML::BeginMap << YAML::Key << "layer" << YAML::Value << literal(layer.backend);
        if (const std::vector<OptionSchema>* schema = schema_of(layer.backend))
          render_options(out, doc, layer, *schema, env);
        else
          render_hidden(out, layer);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace bytestore::config
