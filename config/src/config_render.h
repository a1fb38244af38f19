// A config printed back as YAML, secrets redacted.
#pragma once

#include <bytestore/plugins.hpp>

#include <functional>
#include <string>
#include <vector>

#include "config_document.h"

namespace bytestore::config {

inline constexpr const char* kRedacted = "<redacted>";

// The schema of a backend, or nullptr when its plugin cannot be loaded.
using SchemaLookup = std::function<const std::vector<OptionSchema>*(const std::string& backend)>;

// `doc` as YAML: ${VAR}s resolved where they can be, absent options shown
// with their defaults, secret options as "<redacted>". A store whose
// schema is unknown shows every option value redacted, since any of them
// might be secret.
std::string render_config(const ConfigDocument& doc, const SchemaLookup& schema_of,
                          const EnvLookup& env);

}  // namespace bytestore::config
