// The `files` backend: one file per key under a root directory, in the
// layout of LangChain's LocalFileStore, so a Python pipeline and a C++
// program share one cache directory. Unlike that store it takes any key,
// never shows a torn value, lists by exact prefix and never reaches
// outside its root.
#include <bytestore/plugin_sdk.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "batch_lock.h"
#include "files_options.h"
#include "key_cursor.h"
#include "key_path.h"
#include "tree.h"

namespace bytestore::files {

class FilesBackend {
 public:
  using Options = FilesOptions;
  static constexpr const char* kName = "files";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Files: one file per key in LangChain's LocalFileStore layout; atomic writes, any key.";
  // Keys are bounded by the depth and size of the path they become, not by
  // a file name: 1 KiB keeps a listing of the deepest key within 512 open
  // directories. Values are files; 1 TiB is far inside every Linux file
  // system's file size.
  static constexpr std::uint64_t kMaxKeyBytes = 1024;
  static constexpr std::uint64_t kMaxValueBytes = std::uint64_t{1} << 40;
  static constexpr Capabilities kDefaultCapabilities{kMaxKeyBytes, kMaxValueBytes, false, false, true, false};

  static void check_options(const Options& options) {
    if (options.root.empty()) throw Error(Errc::config, "option 'root' must not be empty");
    if (options.page_size == 0) throw Error(Errc::config, "page_size must be at least 1");
    parse_mode("file_mode", options.file_mode);
    parse_mode("dir_mode", options.dir_mode);
  }

  static sdk::Location locate(const Options& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path root = fs::absolute(options.root, ec).lexically_normal();
    return {root.string(), fs::is_directory(root, ec) ? sdk::Location::Data::present : sdk::Location::Data::absent};
  }

  explicit FilesBackend(const Options& options)
      : tree_(std::make_shared<const Tree>(
            options.root, TreeSettings{parse_mode("file_mode", options.file_mode),
                                       parse_mode("dir_mode", options.dir_mode), options.update_atime,
                                       options.sync == SyncMode::full})),
        page_size_(options.page_size) {}

  Capabilities capabilities() const { return kDefaultCapabilities; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    std::string value;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (tree_->read(names_of(keys[i]), value)) sink(i, value);
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    BatchLock lock(tree_->root_fd(), tree_->root(), BatchLock::Mode::shared);
    DirSync sync(tree_->settings().sync);
    // In request order, so a repeated key ends with its last value.
    for (const auto& [key, value] : pairs) {
      const std::vector<std::string> names = names_of(key);
      if (tree_->write(names, value, lock.exclusive(), sync)) continue;
      lock.make_exclusive();  // another key's file is in the way: it becomes a directory
      tree_->write(names, value, true, sync);
    }
    sync.flush();
  }

  void mdelete(std::span<const std::string_view> keys) {
    BatchLock lock(tree_->root_fd(), tree_->root(), BatchLock::Mode::shared);
    DirSync sync(tree_->settings().sync);
    for (std::string_view key : keys) tree_->remove(names_of(key), sync);
    sync.flush();
  }

  // Removes what killed writers left and the directories nothing needs.
  void compact() {
    BatchLock lock(tree_->root_fd(), tree_->root(), BatchLock::Mode::exclusive);
    tree_->tidy();
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<KeyCursor>(tree_, std::string(prefix), page_size_);
  }

 private:
  std::shared_ptr<const Tree> tree_;
  std::uint64_t page_size_;
};

}  // namespace bytestore::files

BYTESTORE_PLUGIN(bytestore::files::FilesBackend)
