// A config printed back as YAML, secrets redacted.
#pragma once

#include <bytestore/plugins.hpp>

#include <functional>
#include <string>
#include <vector>

#include "config_document.h"
#include "option_binding.h"

namespace bytestore::config {

// The schema of a backend, or nullptr when its plugin cannot be loaded.
using SchemaLookup = std::function<const std::vector<OptionSchema>*(const std::string& backend)>;

// `doc` as YAML that loads again to the same stores: each store's options
// bound as open() binds them (${VAR}s resolved, paths made absolute,
// defaults filled in), sizes and durations with units, literal '$'s
// doubled. Throws the Error open() would for a store whose options do not
// bind (an unset ${VAR}, a wrong type). A secret option written as ${VAR}
// references only is shown as written; any other secret value as
// "<redacted>", which bind_options() refuses so it never loads unnoticed
// (showing it again shows it so, and the output is the same).
// A store whose schema is unknown shows every option value redacted,
// since any of them might be secret.
std::string render_config(const ConfigDocument& doc, const SchemaLookup& schema_of,
                          const EnvLookup& env);

}  // namespace bytestore::config
