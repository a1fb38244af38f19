// The stores this process has open, by the paths they use: so an open a
// plugin refuses because a path is already in use here can say which
// store has it ("store 'a' (lmdb) has it open").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugin_store.h"

namespace bytestore::internal {

// The values of `options` that are path options of `library` (absolute
// after binding), skipping names such as ":memory:".
std::vector<std::string> path_values(const PluginLibrary& library, const OptionValues& options);

// Records `instance`, open with `paths`; forgotten when it closes.
void remember_open_store(const std::shared_ptr<const PluginInstance>& instance,
                         std::vector<std::string> paths);

// The labels of open stores of `library` that use one of `paths`.
std::vector<std::string> open_stores_using(const PluginLibrary& library,
                                           const std::vector<std::string>& paths);

}  // namespace bytestore::internal
