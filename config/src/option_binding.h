// Binding a store's raw options to its plugin's schema: the typed,
// validated values a plugin receives.
#pragma once

#include <bytestore/plugins.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config_document.h"

namespace bytestore::config {

// What `config show` prints in place of a secret value; refused as the
// value of a secret option, so a shown config never loads it unnoticed.
inline constexpr const char* kRedacted = "<redacted>";

// (name, canonical text) for every option of the schema that has a value:
// the store's own, else the schema default.
using BoundOptions = std::vector<std::pair<std::string, std::string>>;

// Interpolates, type-checks and completes `store`'s options against
// `schema` (the plugin of `store.backend`). Throws Error(Errc::config)
// naming source:line:column, the store and the option; a secret option's
// value never appears in a message.
// `allow_redacted` lets a secret be kRedacted (for showing a shown config).
BoundOptions bind_options(const ConfigDocument& doc, const StoreEntry& store,
                          const std::vector<OptionSchema>& schema, const EnvLookup& env,
                          bool allow_redacted = false);

// A path option's value as a plugin receives it: "~" and "~/..." expand to
// $HOME (from `env`); a relative path is taken against `base` when there is
// one. Empty values and values starting with ':' (":memory:") pass as they
// are. Throws std::invalid_argument when "~" needs an unset HOME.
std::string resolve_path(const std::string& text, const std::optional<std::filesystem::path>& base,
                         const EnvLookup& env);

// `text` (an option value as written, after interpolation) in the
// canonical form of `type`. Throws std::invalid_argument saying why not.
std::string canonical_value(const OptionSchema& option, const std::string& text);

}  // namespace bytestore::config
