// Opening stores from YAML config (see docs/CONFIG.md).
#pragma once

#include <bytestore/byte_store.hpp>

#include <filesystem>
#include <memory>
#include <string_view>

namespace bytestore {

// Opens store `store` of the config file at `config_path`; an empty name
// means the config's `default` store. Relative paths in the file's options
// are taken as given (relative to the current directory); `plugin_dirs`
// entries are relative to the file's directory.
std::unique_ptr<ByteStore> open(const std::filesystem::path& config_path,
                                std::string_view store = {});

// The same for config given as YAML text (named "<yaml>" in errors).
std::unique_ptr<ByteStore> open_yaml(std::string_view yaml, std::string_view store = {});

}  // namespace bytestore
