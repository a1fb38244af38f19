#include "config_document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "nearest_name.h"

namespace bytestore::config {
namespace fs = std::filesystem;
namespace {

// Where `node` starts; the start of the text for a node without a place
// (an empty document).
SourceMark mark_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return {1, 1};
  return {m.line + 1, m.column + 1};  // yaml-cpp counts from 0
}

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "scalar";
    case YAML::NodeType::Sequence: return "sequence";
    case YAML::NodeType::Map: return "mapping";
    default: return "null";
  }
}

class DocumentParser {
 public:
  DocumentParser(std::string source, fs::path base_dir, const EnvLookup& env)
      : base_dir_(std::move(base_dir)), env_(env) {
    doc_.source = std::move(source);
  }

  ConfigDocument parse(std::string_view yaml) {
    if (yaml.size() > kMaxConfigBytes)
      fail(doc_.source, {1, 1}, "config is " + std::to_string(yaml.size()) + " bytes; the limit is " +
                                std::to_string(kMaxConfigBytes));
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      const std::string error = "YAML syntax error: " + e.msg;
      if (const std::optional<YamlTrap> trap = find_yaml_trap(yaml))
        fail(doc_.source, trap->mark, error + "; " + trap->hint);
      fail(doc_.source, {e.mark.line + 1, e.mark.column + 1}, error);
    }
    if (!root.IsMap())
      fail(doc_.source, mark_of(root),
           "a config is a YAML mapping with 'stores' (and optionally 'default', 'plugin_dirs'), "
           "not a " + kind_of(root));
    std::optional<YAML::Node> stores;  // a handle: iteration yields temporaries
    for_each_entry(root, "config", {"default", "plugin_dirs", "stores"},
                   [&](const std::string& key, SourceMark, const YAML::Node& value) {
                     if (key == "default") read_default(value);
                     if (key == "plugin_dirs") read_plugin_dirs(value);
                     if (key == "stores") stores.emplace(value);
                   });
    if (!stores) fail(doc_.source, mark_of(root), "config has no 'stores' mapping");
    read_stores(*stores);
    if (!doc_.default_store.empty() && !doc_.find(doc_.default_store)) {
      std::vector<std::string> names;
      for (const StoreEntry& s : doc_.stores) names.push_back(s.name);
      fail(doc_.source, doc_.default_mark,
           "default store '" + doc_.default_store + "' is not defined under 'stores'" +
               did_you_mean(doc_.default_store, names));
    }
    return std::move(doc_);
  }

 private:
  // Calls `visit` for each key of the mapping `map`, refusing duplicate and
  // (when `allowed` is not empty) unknown keys.
  template <class Visit>
  void for_each_entry(const YAML::Node& map, const std::string& where,
                      const std::vector<std::string>& allowed, Visit visit) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar())
        fail(doc_.source, mark_of(it->first), where + ": keys must be plain names");
      const std::string key = it->first.Scalar();
      if (!seen.insert(key).second)
        fail(doc_.source, mark_of(it->first), where + ": '" + key + "' is given twice");
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(doc_.source, mark_of(it->first),
             where + ": unknown key '" + key + "'" + did_you_mean(key, allowed));
      visit(key, mark_of(it->first), it->second);
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar())
      fail(doc_.source, mark_of(node), what + " must be a string, not a " + kind_of(node));
    try {
      return interpolate(node.Scalar(), env_);
    } catch (const std::invalid_argument& e) {
      fail(doc_.source, mark_of(node), what + ": " + e.what());
    }
  }

  void read_default(const YAML::Node& value) {
    doc_.default_store = scalar(value, "'default'");
    doc_.default_mark = mark_of(value);
  }

  void read_plugin_dirs(const YAML::Node& value) {
    if (value.IsScalar()) {
      add_plugin_dir(value);
      return;
    }
    if (!value.IsSequence())
      fail(doc_.source, mark_of(value),
           "'plugin_dirs' must be a list of directories, not a " + kind_of(value));
    for (const YAML::Node& entry : value) add_plugin_dir(entry);
  }

  void add_plugin_dir(const YAML::Node& node) {
    const std::string dir = scalar(node, "plugin_dirs entry");
    if (dir.empty()) fail(doc_.source, mark_of(node), "plugin_dirs entry is empty");
    doc_.plugin_dirs.push_back((base_dir_ / dir).lexically_normal());
  }

  void read_stores(const YAML::Node& stores) {
    if (!stores.IsMap())
      fail(doc_.source, mark_of(stores),
           "'stores' must map store names to their settings, not be a " + kind_of(stores));
    if (stores.size() == 0) fail(doc_.source, mark_of(stores), "'stores' is empty");
    for_each_entry(stores, "stores", {}, [&](const std::string& name, SourceMark name_mark, const YAML::Node& body) {
      StoreEntry store;
      store.name = name;
      store.mark = name_mark;
      const std::string where = "store '" + name + "'";
      if (name.empty()) fail(doc_.source, store.mark, "a store name is empty");
      if (!body.IsMap())
        fail(doc_.source, mark_of(body),
             where + " must be a mapping with at least 'backend', not a " + kind_of(body));
      for_each_entry(body, where, {}, [&](const std::string& key, SourceMark key_mark, const YAML::Node& value) {
        if (key == "backend") {
          store.backend = scalar(value, where + ": 'backend'");
          store.backend_mark = mark_of(value);
          return;
        }
        if (key == "layers") {
          store.layers_mark = key_mark;
          read_layers(store, value);
          return;
        }
        store.options.push_back(raw_option(key, key_mark, value));
      });
      if (store.backend.empty())
        fail(doc_.source, store.mark, where + " has no 'backend' (e.g. backend: sqlite)");
      doc_.stores.push_back(std::move(store));
    });
  }

  static RawOption raw_option(const std::string& key, SourceMark key_mark, const YAML::Node& value) {
    RawOption option;
    option.name = key;
    option.name_mark = key_mark;
    option.value = value.IsScalar() ? value.Scalar() : std::string();
    option.value_mark = mark_of(value);
    option.kind = kind_of(value);
    return option;
  }

  // layers: [ { layer: NAME, option: value, ... }, ... ]
  void read_layers(StoreEntry& store, const YAML::Node& value) {
    const std::string where = "store '" + store.name + "': 'layers'";
    if (!value.IsSequence())
      fail(doc_.source, mark_of(value),
           where + " must be a list of { layer: NAME, ... } entries, not a " + kind_of(value));
    for (const YAML::Node& item : value) {
      if (!item.IsMap())
        fail(doc_.source, mark_of(item),
             where + ": each entry is a mapping { layer: NAME, ... }, not a " + kind_of(item));
      StoreEntry layer;
      layer.is_layer = true;
      layer.name = store.name;
      layer.mark = mark_of(item);
      for_each_entry(item, where, {}, [&](const std::string& key, SourceMark key_mark, const YAML::Node& v) {
        if (key == "layer") {
          layer.backend = scalar(v, where + ": 'layer'");
          layer.backend_mark = mark_of(v);
          return;
        }
        layer.options.push_back(raw_option(key, key_mark, v));
      });
      if (layer.backend.empty())
        fail(doc_.source, layer.mark, where + ": an entry has no 'layer' (e.g. layer: prefix)");
      store.layers.push_back(std::move(layer));
    }
  }

  ConfigDocument doc_;
  fs::path base_dir_;
  const EnvLookup& env_;
};

}  // namespace

const StoreEntry* ConfigDocument::find(std::string_view name) const {
  for (const StoreEntry& store : stores)
    if (store.name == name) return &store;
  return nullptr;
}

ConfigDocument parse_config(std::string_view yaml, std::string source, const fs::path& base_dir,
                            const EnvLookup& env) {
  return DocumentParser(std::move(source), base_dir, env).parse(yaml);
}

ConfigDocument load_config(const fs::path& path, const EnvLookup& env) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail(path.string(), {}, "is a directory, not a config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string(), {}, "cannot read config file: " + std::string(std::strerror(errno)));
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  fs::path base = path.parent_path();
  if (base.empty()) base = ".";
  ConfigDocument doc = parse_config(text, path.string(), fs::absolute(base, ec), env);
  doc.path_base = fs::absolute(base, ec).lexically_normal();
  return doc;
}

}  // namespace bytestore::config

namespace bytestore::config {

std::optional<YamlTrap> find_yaml_trap(std::string_view yaml) {
  int line = 1;
  std::size_t line_start = 0;
  int depth = 0;        // of { } and [ ] flow collections
  char quote = 0;       // the open quote, if inside a quoted scalar
  bool indent = true;   // still in the line's leading whitespace
  char previous = ' ';  // the last character outside whitespace on the line, or ' '
  for (std::size_t i = 0; i < yaml.size(); ++i) {
    const char c = yaml[i];
    const int column = static_cast<int>(i - line_start) + 1;
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      indent = true;
      previous = ' ';
      continue;
    }
    if (quote) {
      if (c == quote) {
        if (quote == '\'' && i + 1 < yaml.size() && yaml[i + 1] == '\'')
          ++i;  // '' is a quote inside a single-quoted scalar
        else
          quote = 0;
      } else if (c == '\\' && quote == '"') {
        ++i;
      }
      continue;
    }
    if (indent && c == '\t')
      return YamlTrap{{line, column},
                      "line " + std::to_string(line) +
                          " is indented with a tab; YAML indents with spaces only, so replace the tab "
                          "with spaces"};
    if (c == ' ' || c == '\t') continue;
    if (indent && c == '-' && i + 1 < yaml.size() && yaml[i + 1] == ' ') {
      previous = '-';
      continue;  // a sequence entry: the indentation goes on
    }
    indent = false;
    if (c == '#' && (i == 0 || yaml[i - 1] == ' ' || yaml[i - 1] == '\t')) {  // a comment
      while (i + 1 < yaml.size() && yaml[i + 1] != '\n') ++i;
      continue;
    }
    const bool starts_scalar = previous == ' ' || previous == ':' || previous == ',' ||
                               previous == '[' || previous == '{' || previous == '-' ||
                               previous == '?';
    if ((c == '\'' || c == '"') && starts_scalar) {
      quote = c;
      previous = c;
      continue;
    }
    if (c == '$' && depth > 0 && i + 1 < yaml.size() && yaml[i + 1] == '{') {
      // The value as it should be written: up to the next ',', '}' or ']'
      // outside its ${...} references.
      std::string value;
      for (std::size_t j = i; j < yaml.size() && yaml[j] != '\n';) {
        if (yaml[j] == '$' && j + 1 < yaml.size() && yaml[j + 1] == '{') {
          const std::size_t close = yaml.find('}', j);
          const std::size_t end = close == std::string_view::npos ? yaml.size() : close + 1;
          value.append(yaml.substr(j, end - j));
          j = end;
          continue;
        }
        if (yaml[j] == ',' || yaml[j] == '}' || yaml[j] == ']' || yaml[j] == ' ') break;
        value += yaml[j++];
      }
      return YamlTrap{{line, column},
                      "an unquoted ${...} inside { } or [ ] is cut at its '{', which opens a "
                      "mapping; quote the value: \"" + value + "\""};
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && depth > 0) --depth;
    previous = c;
  }
  return std::nullopt;
}

}  // namespace bytestore::config

namespace bytestore::config {

void check_every_store(const ConfigDocument& doc,
                       const std::function<void(const StoreEntry&)>& check_one) {
  std::optional<Errc> first;
  std::string lines;
  for (const StoreEntry& store : doc.stores) {
    try {
      check_one(store);
    } catch (const Error& e) {
      if (!first) first = e.code();
      lines += (lines.empty() ? "" : "\n") + std::string(e.what());
    }
  }
  if (first) throw Error(*first, lines);
}

}  // namespace bytestore::config
