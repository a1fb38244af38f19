// A parsed YAML config: its stores, validated against their plugins.
#pragma once

#include <bytestore/byte_store.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bytestore {

// An immutable, parsed config. Cheap to copy. Parsing checks the file's
// shape (YAML syntax, top-level keys, `${VAR}` references); check() and
// open() also bind each store's options against its plugin's schema.
// Every error is a bytestore::Error (code `config`, or `plugin` when a
// backend cannot be loaded); one about a place in the file starts with
// file:line:column, one about the whole file with its name.
// Where a store keeps its data, as `bytestore info` shows it.
struct StoreLocation {
  enum class Data { absent, present, unknown };
  std::string where;                  // absolute path, or URL and collection; empty if unknown
  Data data = Data::unknown;          // unknown: telling would take a connection
};

class Config {
 public:
  static Config load_file(const std::filesystem::path& path);
  // `source_name` stands for the file name in error messages.
  static Config parse(std::string_view yaml, std::string source_name = "<yaml>");

  // The file name, or the source name given to parse().
  const std::string& source() const;
  // The `default` store's name; empty when the config names none.
  const std::string& default_store() const;
  // Store names in file order.
  std::vector<std::string> store_names() const;
  // The backend of `store`; throws if there is no such store.
  const std::string& backend(std::string_view store) const;
  // The `plugin_dirs` entries, made absolute against the file's directory.
  const std::vector<std::filesystem::path>& plugin_dirs() const;

  // Loads the plugin of every store and validates its options. Every bad
  // store is reported: the Error's message has one located line for each.
  void check() const;
  // The config as YAML with `${VAR}` resolved, defaults filled in, and
  // every secret option shown as "<redacted>".
  std::string show() const;
  // Opens `store` (empty: the default store).
  std::unique_ptr<ByteStore> open(std::string_view store = {}) const;
  // Where `store` (empty: the default) keeps its data, from its options
  // alone: nothing is created or contacted.
  StoreLocation locate(std::string_view store = {}) const;

  struct Impl;

 private:
  explicit Config(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace bytestore
