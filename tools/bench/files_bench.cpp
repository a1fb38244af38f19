// The files backend against the same work written by hand in POSIX: each
// value to a temporary file in its directory, renamed over the key's file
// (and, with sync: full, fdatasync of the file and fsync of each directory
// a batch touched); each read one open, fstat, read, close. Both hold the
// 4 KiB key set of workload.h (16,384 keys in 100 directories):
//   BM_Files_<Op>/ByteStore/<params>/sync:<mode>  then  .../Raw/...
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <list>
#include <set>
#include <stdexcept>
#include <string>

#include "suite.h"

namespace bytestore::bench {
namespace {

constexpr ValueSize kSizes[] = {ValueSize::medium};

[[noreturn]] void fail(const char* what, const std::string& path) {
  throw std::runtime_error(std::string(what) + " " + path + ": " + std::strerror(errno));
}

class RawFiles {
 public:
  RawFiles(const std::filesystem::path& root, bool sync) : root_(root), sync_(sync) {
    std::filesystem::create_directories(root);
    root_fd_ = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd_ < 0) fail("open", root);
  }
  ~RawFiles() { ::close(root_fd_); }
  RawFiles(const RawFiles&) = delete;
  RawFiles& operator=(const RawFiles&) = delete;

  Values mget(int, std::span<const std::string> keys) {
    Values values(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const int fd = ::openat(root_fd_, keys[i].c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) {
        if (errno == ENOENT) continue;
        fail("open", keys[i]);
      }
      struct stat st;
      if (::fstat(fd, &st) != 0) fail("fstat", keys[i]);
      std::string value(static_cast<std::size_t>(st.st_size), '\0');
      std::size_t done = 0;
      while (done < value.size()) {
        const ssize_t n = ::pread(fd, value.data() + done, value.size() - done, static_cast<off_t>(done));
        if (n <= 0) fail("read", keys[i]);
        done += static_cast<std::size_t>(n);
      }
      ::close(fd);
      values[i] = std::move(value);
    }
    return values;
  }

  void mset(int, std::span<const KeyValue> pairs) {
    std::set<std::string> dirs;
    for (const auto& [key, value] : pairs) {
      const std::string dir = key.substr(0, key.rfind('/'));
      const std::string temp = dir + "/.tmp." + std::to_string(::getpid()) + "." + std::to_string(counter_++);
      int fd = ::openat(root_fd_, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd < 0 && errno == ENOENT) {
        if (::mkdirat(root_fd_, dir.c_str(), 0777) != 0 && errno != EEXIST) fail("mkdir", dir);
        fd = ::openat(root_fd_, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      }
      if (fd < 0) fail("create", temp);
      if (::write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) fail("write", temp);
      if (sync_ && ::fdatasync(fd) != 0) fail("fdatasync", temp);
      ::close(fd);
      if (::renameat(root_fd_, temp.c_str(), root_fd_, key.c_str()) != 0) fail("rename", key);
      if (sync_) dirs.insert(dir);
    }
    for (const std::string& dir : dirs) {
      const int fd = ::openat(root_fd_, dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0 || ::fsync(fd) != 0) fail("fsync", dir);
      ::close(fd);
    }
  }

  std::size_t count_keys(int, std::string_view) { return 0; }  // listing is not compared here

 private:
  std::filesystem::path root_;
  bool sync_;
  int root_fd_ = -1;
  std::atomic<unsigned long> counter_{0};
};

std::function<void(ByteStoreEngine&)> fill_store() {
  return [](ByteStoreEngine& engine) { prefill([&](const SetBatch& pairs) { engine.mset(0, pairs); }, kSizes); };
}

std::function<void(RawFiles&)> fill_raw() {
  return [](RawFiles& engine) { prefill([&](const SetBatch& pairs) { engine.mset(0, pairs); }, kSizes); };
}

// The engines, opened on first use; lists keep them in place.
std::list<SharedEngine<ByteStoreEngine>>& stores() {
  static std::list<SharedEngine<ByteStoreEngine>> all;
  return all;
}
std::list<SharedEngine<RawFiles>>& raws() {
  static std::list<SharedEngine<RawFiles>> all;
  return all;
}

const bool registered = [] {
  for (const char* sync : {"none", "full"}) {
    const std::string mode = sync;
    auto* full = &stores().emplace_back(
        [mode] {
          const std::string yaml = "default: bench\nstores:\n  bench: { backend: files, root: '" +
                                   (scratch_directory() / ("bytestore-files-" + mode)).string() +
                                   "', sync: " + mode + " }\n";
          return std::make_unique<ByteStoreEngine>(open_yaml(yaml));
        },
        fill_store());
    auto* raw = &raws().emplace_back(
        [mode] { return std::make_unique<RawFiles>(scratch_directory() / ("raw-files-" + mode), mode == "full"); },
        fill_raw());
    for (std::size_t batch : {std::size_t{100}, std::size_t{1000}}) {
      const std::string tail = params(ValueSize::medium, batch) + "/sync:" + mode;
      if (mode == "none") {
        benchmark::RegisterBenchmark(("BM_Files_Mget/ByteStore/" + tail + "/hit:100").c_str(),
                                     [full, batch](benchmark::State& s) { run_mget(s, *full, ValueSize::medium, batch, 100); })
            ->UseRealTime();
        benchmark::RegisterBenchmark(("BM_Files_Mget/Raw/" + tail + "/hit:100").c_str(),
                                     [raw, batch](benchmark::State& s) { run_mget(s, *raw, ValueSize::medium, batch, 100); })
            ->UseRealTime();
      }
      benchmark::RegisterBenchmark(("BM_Files_Mset/ByteStore/" + tail).c_str(),
                                   [full, batch](benchmark::State& s) { run_mset(s, *full, ValueSize::medium, batch); })
          ->UseRealTime();
      benchmark::RegisterBenchmark(("BM_Files_Mset/Raw/" + tail).c_str(),
                                   [raw, batch](benchmark::State& s) { run_mset(s, *raw, ValueSize::medium, batch); })
          ->UseRealTime();
    }
  }
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
