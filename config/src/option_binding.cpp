#include "option_binding.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "nearest_name.h"
#include "units.h"

namespace bytestore::config {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <class T>
std::string integer(const std::string& text, std::string_view what) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range)
    throw std::invalid_argument("'" + text + "' is out of range for " + std::string(what));
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    if (std::is_unsigned_v<T> && !text.empty() && text[0] == '-')
      throw std::invalid_argument("must not be negative, got '" + text + "'");
    throw std::invalid_argument("expected " + std::string(what) + ", got '" + text + "'");
  }
  return std::to_string(value);
}

}  // namespace

std::string canonical_value(const OptionSchema& option, const std::string& text) {
  switch (option.type) {
    case OptionType::string:
      return text;
    case OptionType::boolean: {
      const std::string v = lower(text);
      if (v == "true" || v == "yes" || v == "on") return "true";
      if (v == "false" || v == "no" || v == "off") return "false";
      throw std::invalid_argument("expected true or false, got '" + text + "'");
    }
    case OptionType::integer:
      return integer<std::int64_t>(text, "an integer");
    case OptionType::unsigned_integer:
      return integer<std::uint64_t>(text, "a non-negative integer");
    case OptionType::number: {
      double value = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
        throw std::invalid_argument("expected a number, got '" + text + "'");
      return text;
    }
    case OptionType::size:
      return std::to_string(parse_size(text));
    case OptionType::duration:
      return std::to_string(parse_duration_ms(text));
    case OptionType::enumeration: {
      if (std::find(option.choices.begin(), option.choices.end(), text) != option.choices.end())
        return text;
      std::string choices;
      for (const std::string& c : option.choices) choices += (choices.empty() ? "" : ", ") + c;
      throw std::invalid_argument("'" + text + "' is not one of " + choices +
                                  did_you_mean(text, option.choices));
    }
  }
  throw std::invalid_argument("unsupported option type");
}

std::string resolve_path(const std::string& text, const std::optional<std::filesystem::path>& base,
                         const EnvLookup& env) {
  if (text.empty() || text.front() == ':') return text;  // ":memory:" and the like are names
  std::filesystem::path path(text);
  if (text == "~" || text.starts_with("~/")) {
    const std::optional<std::string> home = env("HOME");
    if (!home || home->empty()) throw std::invalid_argument("cannot expand '~': HOME is not set");
    path = text == "~" ? std::filesystem::path(*home) : std::filesystem::path(*home) / text.substr(2);
  }
  if (path.is_relative() && base) path = *base / path;
  return path.lexically_normal().string();
}

BoundOptions bind_options(const ConfigDocument& doc, const StoreEntry& store,
                          const std::vector<OptionSchema>& schema, const EnvLookup& env,
                          bool allow_redacted) {
  const std::string where = "store '" + store.name + "'";
  std::vector<std::string> known;
  for (const OptionSchema& o : schema) {
    known.push_back(o.name);
    if (!o.alias.empty()) known.push_back(o.alias);
  }
  auto schema_of = [&](const std::string& name) -> const OptionSchema* {
    for (const OptionSchema& o : schema)
      if (o.name == name || (!o.alias.empty() && o.alias == name)) return &o;
    return nullptr;
  };

  std::vector<const RawOption*> given(schema.size(), nullptr);
  for (const RawOption& raw : store.options) {
    const OptionSchema* option = schema_of(raw.name);
    if (!option) {
      known.push_back("backend");
      fail(doc.source, raw.name_mark,
           where + ": unknown option '" + raw.name + "' for " + (store.is_layer ? "layer '" : "backend '") + store.backend + "'" +
               did_you_mean(raw.name, known));
    }
    const std::size_t index = static_cast<std::size_t>(option - schema.data());
    if (given[index])
      fail(doc.source, raw.name_mark,
           where + ": option '" + option->name + "' is given twice (as '" + given[index]->name +
               "' and '" + raw.name + "')");
    given[index] = &raw;
  }

  BoundOptions bound;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    const OptionSchema& option = schema[i];
    const RawOption* raw = given[i];
    if (!raw) {
      if (option.default_value) {
        bound.emplace_back(option.name, *option.default_value);
      } else if (option.required) {
        fail(doc.source, store.mark,
             where + ": missing required option '" + option.name + "' (" +
                 std::string(to_string(option.type)) + ": " + option.doc + ")");
      }
      continue;
    }
    const std::string what = where + ": option '" + raw->name + "'";
    if (raw->kind != "scalar")
      fail(doc.source, raw->value_mark,
           what + (raw->kind == "null" ? ": has no value" : ": got a " + raw->kind) +
               " (expected a " + std::string(to_string(option.type)) + ")");
    std::string text;
    try {
      text = interpolate(raw->value, env);
    } catch (const std::invalid_argument& e) {
      fail(doc.source, raw->value_mark, what + ": " + e.what());
    }
    if (option.secret && text == kRedacted && !allow_redacted)
      fail(doc.source, raw->value_mark,
           what + ": is " + kRedacted + ", which `config show` prints in place of a secret; "
                  "write the secret, or a ${VAR} holding it, instead");
    if (option.path) {
      try {
        text = resolve_path(text, doc.path_base, env);
      } catch (const std::invalid_argument& e) {
        fail(doc.source, raw->value_mark, what + ": " + e.what());
      }
    }
    try {
      bound.emplace_back(option.name, canonical_value(option, text));
    } catch (const std::invalid_argument& e) {
      fail(doc.source, raw->value_mark,
           what + ": " +
               (option.secret ? "invalid " + std::string(to_string(option.type)) +
                                    " (the value is secret and not shown)"
                              : std::string(e.what())));
    }
  }
  return bound;
}

}  // namespace bytestore::config

namespace bytestore {

std::string_view to_string(OptionType type) noexcept {
  switch (type) {
    case OptionType::string: return "string";
    case OptionType::boolean: return "bool";
    case OptionType::integer: return "integer";
    case OptionType::unsigned_integer: return "unsigned integer";
    case OptionType::number: return "number";
    case OptionType::size: return "size";
    case OptionType::duration: return "duration";
    case OptionType::enumeration: return "enum";
  }
  return "unknown";
}

}  // namespace bytestore
