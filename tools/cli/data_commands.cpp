// set, get, del, keys: the store's own operations from the shell.
#include <bytestore/bytestore.hpp>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "commands.h"
#include "config_locator.h"
#include "key_text.h"

namespace bytestore::cli {
namespace {

std::unique_ptr<ByteStore> open_store(const CommandLine& line) {
  const LocatedConfig located = locate_config(line.config);
  return cli::open_store(located, selected_store(located.config, line.store));
}

// For get and keys: a store whose data does not exist is an error, not a
// new empty store.
std::unique_ptr<ByteStore> open_store_to_read(const CommandLine& line) {
  const LocatedConfig located = locate_config(line.config);
  const std::string name = selected_store(located.config, line.store);
  require_existing_data(located, name);
  return cli::open_store(located, name);
}

std::string base64(std::string_view bytes) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::encoded_size(bytes.size()), '\0');
  out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

Bytes read_all(std::istream& in) {
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void expect_operands(const CommandLine& line, std::size_t min, std::size_t max,
                     const char* usage) {
  if (line.operands.size() < min || line.operands.size() > max)
    throw UsageError(std::string("usage: bytestore ") + usage);
}

}  // namespace

int run_set(const CommandLine& line) {
  expect_operands(line, 1, 2, "set KEY [VALUE | -] | set KEY --file PATH");
  const std::string& key = line.operands[0];
  check_command_line_key(key);
  Bytes value;
  if (auto file = line.flag("--file")) {
    if (line.operands.size() == 2) throw UsageError("give VALUE or --file, not both");
    std::ifstream in(*file, std::ios::binary);
    if (!in) throw Error(Errc::io, "cannot read " + *file);
    value = read_all(in);
  } else if (line.operands.size() == 2 && line.operands[1] != "-") {
    value = line.operands[1];
  } else {
    std::ios::sync_with_stdio(false);
    value = read_all(std::cin);  // binary-safe: no newline handling on POSIX
  }
  open_store(line)->mset({{key, std::move(value)}});
  return kOk;
}

int run_get(const CommandLine& line) {
  const bool json = line.has("--json");
  expect_operands(line, 1, json ? SIZE_MAX : 1, "get KEY | get --json KEY...");
  for (const std::string& key : line.operands) check_command_line_key(key);
  auto store = open_store_to_read(line);
  const auto values = store->mget(line.operands);
  if (json) {
    bool all_found = true;
    for (std::size_t i = 0; i < values.size(); ++i) {
      boost::json::object row;
      row["key"] = line.operands[i];
      if (values[i])
        row["value"] = base64(*values[i]);
      else
        row["value"] = nullptr;
      all_found = all_found && values[i].has_value();
      std::cout << boost::json::serialize(row) << '\n';
    }
    return all_found ? kOk : kNotFound;
  }
  if (!values[0]) {
    std::cerr << "not found: " << printable(line.operands[0]) << '\n';
    return kNotFound;
  }
  std::fwrite(values[0]->data(), 1, values[0]->size(), stdout);
  return std::fflush(stdout) == 0 ? kOk : kStoreError;
}

int run_del(const CommandLine& line) {
  expect_operands(line, 1, SIZE_MAX, "del KEY...");
  for (const std::string& key : line.operands) check_command_line_key(key);
  open_store(line)->mdelete(line.operands);
  return kOk;
}

int run_keys(const CommandLine& line) {
  expect_operands(line, 0, 0, "keys [--prefix P] [--count]");
  const std::string prefix = line.flag("--prefix").value_or("");
  check_command_line_prefix(prefix);
  auto store = open_store_to_read(line);
  std::uint64_t count = 0;
  const bool count_only = line.has("--count");
  for (const std::string& key : store->yield_keys(prefix)) {  // one page in memory
    ++count;
    if (!count_only) {
      std::fwrite(key.data(), 1, key.size(), stdout);
      std::fputc('\n', stdout);
    }
  }
  if (count_only) std::printf("%llu\n", static_cast<unsigned long long>(count));
  return std::fflush(stdout) == 0 ? kOk : kStoreError;
}

}  // namespace bytestore::cli
