// ${VAR} and ${VAR:-default} in config values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bytestore::config {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment.
EnvLookup process_env();

// Replaces every ${NAME} by the variable's value and ${NAME:-fallback} by
// the value, or `fallback` when it is unset or empty; "$$" is a literal
// "$". Throws std::invalid_argument naming the variable when one is unset
// with no fallback, or when a reference is malformed. `interpolated` (if
// given) is set when anything was replaced.
std::string interpolate(std::string_view text, const EnvLookup& env, bool* interpolated = nullptr);

}  // namespace bytestore::config
