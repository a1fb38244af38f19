// The C++ SDK for writing a bytestore backend plugin. Header-only: a plugin
// includes this, links Boost::headers, and never links libbytestore.
//
// A backend is an ordinary class:
//
//   struct MyOptions {
//     std::string path;
//     bytestore::sdk::ByteSize map_size{1 << 30};
//     static constexpr std::array docs{
//         bytestore::sdk::OptionDoc{"path", "Where the data lives.", bytestore::sdk::kRequired},
//         bytestore::sdk::OptionDoc{"map_size", "Initial map size."}};
//   };
//   BOOST_DESCRIBE_STRUCT(MyOptions, (), (path, map_size))
//
//   class MyBackend {
//    public:
//     using Options = MyOptions;
//     static constexpr const char* kName = "mine";        // `backend: mine`
//     static constexpr const char* kVersion = "1.0.0";
//     static constexpr const char* kDescription = "One line for `bytestore backends`.";
//     static constexpr bytestore::Capabilities kDefaultCapabilities{...};
//     explicit MyBackend(const Options& options);
//     bytestore::Capabilities capabilities() const;
//     void mget(std::span<const std::string_view> keys, const bytestore::sdk::ValueSink& sink);
//     void mset(std::span<const bytestore::sdk::KeyValueView> pairs);
//     void mdelete(std::span<const std::string_view> keys);
//     std::unique_ptr<bytestore::sdk::Cursor> scan(std::string_view prefix);
//   };
//
// Rules on option values beyond their types go in an optional
//     static void check_options(const Options& options);  // throws Error(config)
// run before every open and by `bytestore config check` (see ChecksOptions).
//
// A backend with its own asynchronous I/O also defines submit_mget,
// submit_mset and submit_mdelete (see NativeAsyncBackend) and claims
// native_async in its capabilities.
//   BYTESTORE_PLUGIN(MyBackend)
//
// The SDK derives the option schema from the Described struct (names, types,
// defaults from a default-constructed Options, docs and flags from `docs`),
// parses option values into Options, and turns every exception into an
// error code and message: none crosses the C boundary. Methods throw
// bytestore::Error with the code that fits; the message needs no backend
// name prefix (the host adds it).
#pragma once

#include <bytestore/capabilities.hpp>
#include <bytestore/error.hpp>
#include <bytestore/plugin_abi.h>

#include <boost/describe.hpp>
#include <boost/mp11.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace bytestore::sdk {

// An option measured in bytes; config accepts units ("512MiB", "1GB").
struct ByteSize {
  std::uint64_t bytes = 0;
};

// An option measured in time; config accepts units ("250ms", "30s").
using Duration = std::chrono::milliseconds;

inline constexpr std::uint32_t kRequired = BYTESTORE_OPTION_REQUIRED;
inline constexpr std::uint32_t kSecret = BYTESTORE_OPTION_SECRET;
inline constexpr std::uint32_t kPath = BYTESTORE_OPTION_PATH;
inline constexpr std::uint32_t kStore = BYTESTORE_OPTION_STORE;

struct OptionDoc {
  const char* name;
  const char* doc;
  std::uint32_t flags = 0;
  const char* alias = nullptr;
};

using KeyValueView = std::pair<std::string_view, std::string_view>;

// Hands found values back to the host, which copies them.
class ValueSink {
 public:
  ValueSink(bytestore_value_sink fn, void* context) : fn_(fn), context_(context) {}
  void operator()(std::size_t index, std::string_view value) const {
    fn_(context_, index, value.data(), value.size());
  }

 private:
  bytestore_value_sink fn_;
  void* context_;
};

// Hands listed keys back to the host, which copies them.
class KeySink {
 public:
  KeySink(bytestore_key_sink fn, void* context) : fn_(fn), context_(context) {}
  void operator()(std::string_view key) const { fn_(context_, key.data(), key.size()); }

 private:
  bytestore_key_sink fn_;
  void* context_;
};

// A listing in progress. next() emits one page of keys (a bounded number)
// and returns false once nothing follows.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool next(const KeySink& sink) = 0;
};

// Ends one asynchronous call, exactly once, from any thread.
class Completion {
 public:
  Completion(bytestore_completion fn, void* context) : fn_(fn), context_(context) {}
  void succeed() const { fn_(context_, BYTESTORE_OK, nullptr, 0); }
  void fail(Errc code, std::string_view message) const {
    fn_(context_, static_cast<int>(code), message.data(), message.size());
  }
  // Fails with whatever `error` holds, mapped as for synchronous calls.
  void fail(std::exception_ptr error) const;

 private:
  bytestore_completion fn_;
  void* context_;
};

// The store a layer wraps: the next layer down, or the backend. Calls
// throw bytestore::Error with the inner store's code and message (which
// already names the store), so a layer lets them pass. Thread-safe.
class InnerStore {
 public:
  explicit InnerStore(const bytestore_inner_store* table) : t_(table) {}

  Capabilities capabilities() const {
    const bytestore_capabilities& c = t_->capabilities;
    return {c.max_key_bytes, c.max_value_bytes, (c.flags & BYTESTORE_CAP_ATOMIC_BATCH) != 0,
            (c.flags & BYTESTORE_CAP_ORDERED_KEYS) != 0, (c.flags & BYTESTORE_CAP_PERSISTENT) != 0,
            false, (c.flags & BYTESTORE_CAP_MAY_EXPIRE) != 0};
  }

  // Calls found(index, value) for each key that has a value; `value` is
  // valid during the call only.
  template <class Found>
  void mget(std::span<const std::string_view> keys, Found&& found) const {
    std::vector<bytestore_slice> k = slices(keys);
    // The sink runs inside the store beneath, perhaps under its lock: it
    // only copies each value out, and `found` (a layer's real work, such
    // as decrypting) runs after that store's call has returned.
    struct Copies {
      std::vector<std::pair<std::size_t, std::string>> values;
      bool failed = false;  // out of memory: nothing may be thrown from the sink
    } copies;
    auto sink = [](void* self, std::size_t index, const char* data, std::size_t size) {
      auto& out = *static_cast<Copies*>(self);
      if (out.failed) return;
      try {
        out.values.emplace_back(index, std::string(data, size));
      } catch (...) {
        out.failed = true;
      }
    };
    Failure error;
    check(t_->mget(t_->context, k.data(), k.size(), sink, &copies, &error.c), error);
    if (copies.failed) throw Error(Errc::internal, "out of memory copying values from the store beneath");
    for (const auto& [index, value] : copies.values) found(index, std::string_view(value));
  }
  // mget for a layer that hands each value straight on unchanged (prefix,
  // metrics): `found` runs inside the store beneath, as the host's own
  // sink would over the bare store, so the values are never copied twice.
  // What `found` throws is kept and thrown after that store returns.
  template <class Found>
  void mget_forwarded(std::span<const std::string_view> keys, Found&& found) const {
    std::vector<bytestore_slice> k = slices(keys);
    struct Sink {
      std::remove_reference_t<Found>& found;
      std::exception_ptr failure;
    } state{found, nullptr};
    auto sink = [](void* self, std::size_t index, const char* data, std::size_t size) {
      auto& s = *static_cast<Sink*>(self);
      if (s.failure) return;
      try {
        s.found(index, std::string_view(data, size));
      } catch (...) {
        s.failure = std::current_exception();
      }
    };
    Failure error;
    const int code = t_->mget(t_->context, k.data(), k.size(), sink, &state, &error.c);
    if (state.failure) std::rethrow_exception(state.failure);
    check(code, error);
  }
  void mset(std::span<const KeyValueView> pairs) const {
    std::vector<bytestore_slice> keys, values;
    keys.reserve(pairs.size());
    values.reserve(pairs.size());
    for (const auto& [key, value] : pairs) {
      keys.push_back({key.data(), key.size()});
      values.push_back({value.data(), value.size()});
    }
    Failure error;
    check(t_->mset(t_->context, keys.data(), values.data(), pairs.size(), &error.c), error);
  }
  // mset of each pair's key with stored_value(key, value) as its value:
  // what a layer that changes values (compresses, encrypts) writes.
  template <class StoredValue>
  void mset_values(std::span<const KeyValueView> pairs, StoredValue&& stored_value) const {
    std::vector<std::string> stored;
    stored.reserve(pairs.size());
    for (const auto& [key, value] : pairs) stored.push_back(stored_value(key, value));
    std::vector<KeyValueView> written;
    written.reserve(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) written.emplace_back(pairs[i].first, stored[i]);
    mset(written);
  }
  void mdelete(std::span<const std::string_view> keys) const {
    std::vector<bytestore_slice> k = slices(keys);
    Failure error;
    check(t_->mdelete(t_->context, k.data(), k.size(), &error.c), error);
  }
  // The store's name in config.
  std::string_view store_name() const {
    return t_->struct_size >= offsetof(bytestore_inner_store, store_name) + sizeof(bytestore_slice)
               ? std::string_view(t_->store_name.data, t_->store_name.size)
               : std::string_view();
  }

  // The store named by this layer's option `option` (flagged kStore), if
  // the config set it.
  std::optional<InnerStore> store_for(std::string_view option) const {
    if (t_->struct_size < offsetof(bytestore_inner_store, option_store_count) + sizeof(std::size_t))
      return std::nullopt;
    for (std::size_t i = 0; i < t_->option_store_count; ++i) {
      const bytestore_named_store& named = t_->option_stores[i];
      if (std::string_view(named.option.data, named.option.size) == option) return InnerStore(named.store);
    }
    return std::nullopt;
  }

  // True when the store gave space back.
  bool compact() const {
    int compacted = 0;
    Failure error;
    check(t_->compact(t_->context, &compacted, &error.c), error);
    return compacted != 0;
  }

  // The inner store's listing of `prefix`, a page at a time.
  class Listing {
   public:
    ~Listing() {
      if (cursor_) table_->cursor_close(cursor_);
    }
    Listing(Listing&& other) noexcept
        : table_(other.table_), cursor_(std::exchange(other.cursor_, nullptr)) {}
    Listing(const Listing&) = delete;
    Listing& operator=(const Listing&) = delete;
    // Calls each(key) for the next page's keys; false once nothing follows.
    template <class Each>
    bool next(Each&& each) {
      struct Sink {
        std::remove_reference_t<Each>& each;
        std::exception_ptr failure;
      } state{each, nullptr};
      auto sink = [](void* self, const char* data, std::size_t size) {
        auto& s = *static_cast<Sink*>(self);
        if (s.failure) return;
        try {
          s.each(std::string_view(data, size));
        } catch (...) {
          s.failure = std::current_exception();
        }
      };
      int has_more = 0;
      Failure error;
      const int code = table_->cursor_next(cursor_, sink, &state, &has_more, &error.c);
      if (state.failure) std::rethrow_exception(state.failure);
      check(code, error);
      return has_more != 0;
    }

   private:
    friend class InnerStore;
    Listing(const bytestore_inner_store* table, bytestore_inner_cursor* cursor)
        : table_(table), cursor_(cursor) {}
    const bytestore_inner_store* table_;
    bytestore_inner_cursor* cursor_;
  };
  Listing scan(std::string_view prefix) const {
    bytestore_inner_cursor* cursor = nullptr;
    Failure error;
    check(t_->cursor_open(t_->context, {prefix.data(), prefix.size()}, &cursor, &error.c), error);
    return Listing(t_, cursor);
  }

 private:
  struct Failure {
    std::string message;
    bytestore_error c{this, [](void* self, const char* text, std::size_t size) {
                        static_cast<Failure*>(self)->message.assign(text, size);
                      }};
  };
  static void check(int code, const Failure& error) {
    if (code != BYTESTORE_OK)
      throw Error(code >= BYTESTORE_INVALID_ARGUMENT && code <= BYTESTORE_INTERNAL ? static_cast<Errc>(code)
                                                                                 : Errc::internal,
                  error.message);
  }
  static std::vector<bytestore_slice> slices(std::span<const std::string_view> keys) {
    std::vector<bytestore_slice> out;
    out.reserve(keys.size());
    for (std::string_view k : keys) out.push_back({k.data(), k.size()});
    return out;
  }

  const bytestore_inner_store* t_;
};

// A plugin that measures stores (the metrics layer) reports, for every
// store of the process, Prometheus text exposition for
// bytestore::metrics_text().
template <class B>
concept ReportsMetrics = requires {
  { B::report_metrics() } -> std::convertible_to<std::string>;
};

// A layer's listing that is the inner store's, key for key.
class ForwardingCursor final : public Cursor {
 public:
  explicit ForwardingCursor(InnerStore::Listing inner) : inner_(std::move(inner)) {}
  bool next(const KeySink& sink) override {
    return inner_.next([&](std::string_view key) { sink(key); });
  }

 private:
  InnerStore::Listing inner_;
};

// A layer wraps another store (LevelDB's EnvWrapper, SQLite's VFS shims):
// like a backend, but built from its options and the InnerStore beneath
// it. BYTESTORE_PLUGIN exports it; `layer: NAME` in config uses it.
template <class L>
concept LayerClass = std::constructible_from<L, const typename L::Options&, InnerStore>;

template <class B>
concept Backend = requires(B& b, const B& cb, std::span<const std::string_view> keys,
                           std::span<const KeyValueView> pairs, const ValueSink& sink) {
  typename B::Options;
  { B::kName } -> std::convertible_to<const char*>;
  { B::kVersion } -> std::convertible_to<const char*>;
  { B::kDescription } -> std::convertible_to<const char*>;
  { B::kDefaultCapabilities } -> std::convertible_to<Capabilities>;
  { cb.capabilities() } -> std::same_as<Capabilities>;
  b.mget(keys, sink);
  b.mset(pairs);
  b.mdelete(keys);
  { b.scan(std::string_view{}) } -> std::same_as<std::unique_ptr<Cursor>>;
};

// A backend whose options have rules beyond their types (a range, two
// options that exclude each other) states them in a static check_options,
// which throws Error(Errc::config). It runs before every open and for
// `config check`, so it must not touch files or the network.
template <class B>
concept ChecksOptions = requires(const typename B::Options& options) {
  B::check_options(options);
};

// The smallest byte string greater than every string starting with
// `prefix`, or nullopt when there is none (prefix empty or all 0xFF): in
// byte order, the keys with a prefix are [prefix, prefix_end(prefix)).
inline std::optional<std::string> prefix_end(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (bound.empty()) return std::nullopt;
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

// Where a store keeps its data, and whether any is there yet.
struct Location {
  enum class Data { absent, present, unknown };
  std::string where;  // absolute path, or URL and collection
  Data data = Data::unknown;
};

// A backend that can tell, from its options alone, where its data lives
// (for `bytestore info`, and so commands that only read can refuse a store
// that does not exist instead of creating it). Creates and contacts nothing.
template <class B>
concept Locates = requires(const typename B::Options& options) {
  { B::locate(options) } -> std::same_as<Location>;
};

// A backend that can give back the space of deleted data (`bytestore
// compact`).
template <class B>
concept Compacts = requires(B& b) { b.compact(); };

// A backend with its own asynchronous I/O (capability native_async). Each
// submit_* copies what it needs from its arguments before returning and
// later calls `sink` (gets only) and then `done`, exactly once.
template <class B>
concept NativeAsyncBackend =
    Backend<B> && requires(B& b, std::span<const std::string_view> keys,
                           std::span<const KeyValueView> pairs, ValueSink sink, Completion done) {
      b.submit_mget(keys, sink, done);
      b.submit_mset(pairs, done);
      b.submit_mdelete(keys, done);
    };

namespace detail {

// How one option type is described, parsed and rendered.
template <class T, class = void>
struct OptionTraits;

template <>
struct OptionTraits<std::string> {
  static constexpr bytestore_option_type kType = BYTESTORE_OPTION_STRING;
  static bool parse(std::string_view text, std::string& out) {
    out.assign(text);
    return true;
  }
  static std::string render(const std::string& value) { return value; }
};

template <>
struct OptionTraits<bool> {
  static constexpr bytestore_option_type kType = BYTESTORE_OPTION_BOOL;
  static bool parse(std::string_view text, bool& out) {
    if (text == "true") return out = true, true;
    if (text == "false") return out = false, true;
    return false;
  }
  static std::string render(bool value) { return value ? "true" : "false"; }
};

template <class T>
bool parse_number(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

template <class T>
struct OptionTraits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static constexpr bytestore_option_type kType =
      std::is_signed_v<T> ? BYTESTORE_OPTION_INT : BYTESTORE_OPTION_UINT;
  static bool parse(std::string_view text, T& out) { return parse_number(text, out); }
  static std::string render(T value) { return std::to_string(value); }
};

template <>
struct OptionTraits<double> {
  static constexpr bytestore_option_type kType = BYTESTORE_OPTION_DOUBLE;
  static bool parse(std::string_view text, double& out) { return parse_number(text, out); }
  static std::string render(double value) {
    char buf[32];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, ptr);
  }
};

template <>
struct OptionTraits<ByteSize> {
  static constexpr bytestore_option_type kType = BYTESTORE_OPTION_SIZE;
  static bool parse(std::string_view text, ByteSize& out) { return parse_number(text, out.bytes); }
  static std::string render(ByteSize value) { return std::to_string(value.bytes); }
};

template <>
struct OptionTraits<Duration> {
  static constexpr bytestore_option_type kType = BYTESTORE_OPTION_DURATION;
  static bool parse(std::string_view text, Duration& out) {
    Duration::rep ms = 0;
    if (!parse_number(text, ms) || ms < 0) return false;
    out = Duration(ms);
    return true;
  }
  static std::string render(Duration value) { return std::to_string(value.count()); }
};

template <class E>
struct OptionTraits<E, std::enable_if_t<boost::describe::has_describe_enumerators<E>::value>> {
  static constexpr bytestore_option_type kType = BYTESTORE_OPTION_ENUM;
  static bool parse(std::string_view text, E& out) {
    bool found = false;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
      if (!found && text == d.name) {
        out = d.value;
        found = true;
      }
    });
    return found;
  }
  static std::string render(E value) {
    std::string name;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
      if (d.value == value) name = d.name;
    });
    return name;
  }
  static const std::vector<const char*>& names() {
    static const std::vector<const char*> names = [] {
      std::vector<const char*> v;
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
          [&](auto d) { v.push_back(d.name); });
      return v;
    }();
    return names;
  }
};

template <class Options>
using OptionMembers = boost::describe::describe_members<Options, boost::describe::mod_public>;

// The option name of a member: its name without a trailing '_', so a
// member can be called `namespace_` for the option `namespace`.
constexpr std::string_view option_name(const char* member) {
  std::string_view name(member);
  if (name.size() > 1 && name.back() == '_') name.remove_suffix(1);
  return name;
}

// True when `docs` documents exactly the described members, in any order.
template <class Options>
constexpr bool docs_match_members() {
  bool ok = Options::docs.size() == boost::mp11::mp_size<OptionMembers<Options>>::value;
  boost::mp11::mp_for_each<OptionMembers<Options>>([&](auto d) {
    bool found = false;
    for (const OptionDoc& doc : Options::docs)
      found = found || std::string_view(doc.name) == option_name(d.name);
    ok = ok && found;
  });
  return ok;
}

template <class Options>
const OptionDoc& doc_of(const char* member) {
  for (const OptionDoc& doc : Options::docs)
    if (std::string_view(doc.name) == option_name(member)) return doc;
  throw Error(Errc::internal, "undocumented option");  // unreachable: checked at compile time
}

// The option schema of Options, built once and kept for the library's life.
template <class Options>
struct Schema {
  std::vector<std::string> names;
  std::vector<std::string> defaults;
  std::vector<bytestore_option_spec> specs;

  Schema() {
    const Options initial{};
    boost::mp11::mp_for_each<OptionMembers<Options>>([&](auto d) {
      using T = std::remove_cvref_t<decltype(initial.*d.pointer)>;
      names.emplace_back(option_name(d.name));
      defaults.push_back(OptionTraits<T>::render(initial.*d.pointer));
    });
    std::size_t i = 0;
    boost::mp11::mp_for_each<OptionMembers<Options>>([&](auto d) {
      using T = std::remove_cvref_t<decltype(initial.*d.pointer)>;
      const OptionDoc& doc = doc_of<Options>(d.name);
      bytestore_option_spec spec{};
      spec.name = names[i].c_str();
      spec.alias = doc.alias;
      spec.type = OptionTraits<T>::kType;
      spec.flags = doc.flags;
      spec.default_value = (doc.flags & kRequired) ? nullptr : defaults[i].c_str();
      spec.doc = doc.doc;
      if constexpr (OptionTraits<T>::kType == BYTESTORE_OPTION_ENUM) {
        spec.enum_values = OptionTraits<T>::names().data();
        spec.enum_count = OptionTraits<T>::names().size();
      }
      specs.push_back(spec);
      ++i;
    });
  }
};

inline std::string_view view(bytestore_slice s) { return {s.data, s.size}; }

// Parses validated option values into Options; absent options keep the
// defaults of a default-constructed Options.
template <class Options>
Options parse_options(const bytestore_option_value* values, std::size_t count) {
  Options options{};
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view name = view(values[i].name);
    const std::string_view text = view(values[i].value);
    bool known = false;
    boost::mp11::mp_for_each<OptionMembers<Options>>([&](auto d) {
      if (known || name != option_name(d.name)) return;
      known = true;
      using T = std::remove_cvref_t<decltype(options.*d.pointer)>;
      if (!OptionTraits<T>::parse(text, options.*d.pointer)) {
        const bool secret = doc_of<Options>(d.name).flags & kSecret;
        throw Error(Errc::config, "option '" + std::string(name) + "': invalid value" +
                                      (secret ? std::string() : " '" + std::string(text) + "'"));
      }
    });
    if (!known) throw Error(Errc::config, "unknown option '" + std::string(name) + "'");
  }
  return options;
}

inline void report(bytestore_error* error, std::string_view message) noexcept {
  if (error && error->set_message) error->set_message(error->context, message.data(), message.size());
}

// The code and message that stand for `error` at the boundary.
inline std::pair<int, std::string> describe(std::exception_ptr error) noexcept {
  try {
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      return {static_cast<int>(e.code()), e.what()};
    } catch (const std::bad_alloc&) {
      return {BYTESTORE_INTERNAL, "out of memory"};
    } catch (const std::exception& e) {
      return {BYTESTORE_INTERNAL, std::string("unexpected exception: ") + e.what()};
    } catch (...) {
      return {BYTESTORE_INTERNAL, "unexpected exception of unknown type"};
    }
  } catch (...) {  // building the message itself failed
    return {BYTESTORE_INTERNAL, {}};
  }
}

// Runs `body`, turning any exception into a code and a message.
template <class F>
int guarded(bytestore_error* error, F&& body) noexcept {
  try {
    body();
    return BYTESTORE_OK;
  } catch (...) {
    const auto [code, message] = describe(std::current_exception());
    report(error, message);
    return code;
  }
}

constexpr bytestore_capabilities to_c(const Capabilities& c) {
  return {c.max_key_bytes, c.max_value_bytes,
          (c.atomic_batch ? BYTESTORE_CAP_ATOMIC_BATCH : 0u) |
              (c.ordered_keys ? BYTESTORE_CAP_ORDERED_KEYS : 0u) |
              (c.persistent ? BYTESTORE_CAP_PERSISTENT : 0u) |
              (c.native_async ? BYTESTORE_CAP_NATIVE_ASYNC : 0u) |
              (c.may_expire ? BYTESTORE_CAP_MAY_EXPIRE : 0u)};
}

// A request's keys or pairs as the backend sees them. Up to kInline
// elements live in the object, so small batches (every single-key call)
// allocate nothing on their way to the backend. Elements are views: the
// storage is left raw until each is constructed, and never destroyed.
template <class T>
class RequestArray {
  static_assert(std::is_trivially_destructible_v<T>);

 public:
  // Element i is make(i).
  template <class Make>
  RequestArray(std::size_t size, Make&& make)
      : heap_(size > kInline ? std::make_unique_for_overwrite<std::byte[]>(size * sizeof(T))
                             : nullptr),
        data_(reinterpret_cast<T*>(heap_ ? heap_.get() : inline_)),
        size_(size) {
    for (std::size_t i = 0; i < size; ++i) std::construct_at(data_ + i, make(i));
  }
  RequestArray(const RequestArray&) = delete;
  RequestArray& operator=(const RequestArray&) = delete;

  std::span<const T> span() const { return {data_, size_}; }

 private:
  static constexpr std::size_t kInline = 16;
  alignas(T) std::byte inline_[kInline * sizeof(T)];
  std::unique_ptr<std::byte[]> heap_;  // new[] aligns for any T of fundamental alignment
  T* data_;
  std::size_t size_;
};

// The options as B gets them: parsed, then held to B's own rules.
template <Backend B>
typename B::Options checked_options(const bytestore_option_value* options, std::size_t count) {
  typename B::Options parsed = parse_options<typename B::Options>(options, count);
  if constexpr (ChecksOptions<B>) B::check_options(parsed);
  return parsed;
}

template <Backend B>
B& backend(bytestore_instance* instance) {
  return *reinterpret_cast<B*>(instance);
}

// The C function table of backend B.
template <Backend B>
const bytestore_plugin* plugin_table() {
  using Options = typename B::Options;
  static_assert(docs_match_members<Options>(),
                "Options::docs must document every described member exactly once");
  static const Schema<Options> schema;
  static const bytestore_plugin table = [] {
    bytestore_plugin t{};
    t.abi_version = BYTESTORE_ABI_VERSION;
    t.struct_size = sizeof(bytestore_plugin);
    t.name = B::kName;
    t.version = B::kVersion;
    t.description = B::kDescription;
    t.options = schema.specs.data();
    t.option_count = schema.specs.size();
    t.default_capabilities = to_c(B::kDefaultCapabilities);
    if constexpr (LayerClass<B>) {
      t.open_layer = [](const bytestore_option_value* options, std::size_t count,
                        const bytestore_inner_store* inner, bytestore_instance** out,
                        bytestore_error* error) {
        return guarded(error, [&] {
          auto instance = std::make_unique<B>(checked_options<B>(options, count), InnerStore(inner));
          *out = reinterpret_cast<bytestore_instance*>(instance.release());
        });
      };
    } else {
      t.open = [](const bytestore_option_value* options, std::size_t count,
                  bytestore_instance** out, bytestore_error* error) {
        return guarded(error, [&] {
          auto instance = std::make_unique<B>(checked_options<B>(options, count));
          *out = reinterpret_cast<bytestore_instance*>(instance.release());
        });
      };
    }
    t.check_options = [](const bytestore_option_value* options, std::size_t count,
                         bytestore_error* error) {
      return guarded(error, [&] { (void)checked_options<B>(options, count); });
    };
    if constexpr (Locates<B>) {
      t.locate = [](const bytestore_option_value* options, std::size_t count, bytestore_key_sink sink,
                    void* context, int* exists, bytestore_error* error) {
        return guarded(error, [&] {
          const Location location = B::locate(checked_options<B>(options, count));
          sink(context, location.where.data(), location.where.size());
          *exists = location.data == Location::Data::present  ? BYTESTORE_DATA_PRESENT
                    : location.data == Location::Data::absent ? BYTESTORE_DATA_ABSENT
                                                              : BYTESTORE_DATA_UNKNOWN;
        });
      };
    }
    if constexpr (ReportsMetrics<B>) {
      t.report_metrics = [](bytestore_key_sink sink, void* context, bytestore_error* error) {
        return guarded(error, [&] {
          const std::string text = B::report_metrics();
          sink(context, text.data(), text.size());
        });
      };
    }
    if constexpr (Compacts<B>) {
      t.compact = [](bytestore_instance* instance, bytestore_error* error) {
        return guarded(error, [&] { backend<B>(instance).compact(); });
      };
    }
    t.close = [](bytestore_instance* instance) {
      guarded(nullptr, [&] { delete &backend<B>(instance); });
    };
    t.capabilities = [](bytestore_instance* instance, bytestore_capabilities* out,
                        bytestore_error* error) {
      return guarded(error, [&] { *out = to_c(backend<B>(instance).capabilities()); });
    };
    t.mget = [](bytestore_instance* instance, const bytestore_slice* keys, std::size_t count,
                bytestore_value_sink sink, void* context, bytestore_error* error) {
      return guarded(error, [&] {
        const RequestArray<std::string_view> k(count, [&](std::size_t i) { return view(keys[i]); });
        backend<B>(instance).mget(k.span(), ValueSink(sink, context));
      });
    };
    t.mset = [](bytestore_instance* instance, const bytestore_slice* keys,
                const bytestore_slice* values, std::size_t count, bytestore_error* error) {
      return guarded(error, [&] {
        const RequestArray<KeyValueView> pairs(
            count, [&](std::size_t i) { return KeyValueView(view(keys[i]), view(values[i])); });
        backend<B>(instance).mset(pairs.span());
      });
    };
    t.mdelete = [](bytestore_instance* instance, const bytestore_slice* keys, std::size_t count,
                   bytestore_error* error) {
      return guarded(error, [&] {
        const RequestArray<std::string_view> k(count, [&](std::size_t i) { return view(keys[i]); });
        backend<B>(instance).mdelete(k.span());
      });
    };
    t.cursor_open = [](bytestore_instance* instance, bytestore_slice prefix,
                       bytestore_cursor** out, bytestore_error* error) {
      return guarded(error, [&] {
        *out = reinterpret_cast<bytestore_cursor*>(backend<B>(instance).scan(view(prefix)).release());
      });
    };
    t.cursor_next = [](bytestore_cursor* cursor, bytestore_key_sink sink, void* context,
                       int* has_more, bytestore_error* error) {
      return guarded(error, [&] {
        *has_more = reinterpret_cast<Cursor*>(cursor)->next(KeySink(sink, context)) ? 1 : 0;
      });
    };
    t.cursor_close = [](bytestore_cursor* cursor) {
      guarded(nullptr, [&] { delete reinterpret_cast<Cursor*>(cursor); });
    };
    if constexpr (NativeAsyncBackend<B>) {
      t.submit_mget = [](bytestore_instance* instance, const bytestore_slice* keys,
                         std::size_t count, bytestore_value_sink sink, void* sink_context,
                         bytestore_completion done, void* done_context) {
        const Completion completion(done, done_context);
        try {
          const RequestArray<std::string_view> k(count,
                                                 [&](std::size_t i) { return view(keys[i]); });
          backend<B>(instance).submit_mget(k.span(), ValueSink(sink, sink_context), completion);
        } catch (...) {
          completion.fail(std::current_exception());
        }
      };
      t.submit_mset = [](bytestore_instance* instance, const bytestore_slice* keys,
                         const bytestore_slice* values, std::size_t count,
                         bytestore_completion done, void* done_context) {
        const Completion completion(done, done_context);
        try {
          const RequestArray<KeyValueView> pairs(
              count, [&](std::size_t i) { return KeyValueView(view(keys[i]), view(values[i])); });
          backend<B>(instance).submit_mset(pairs.span(), completion);
        } catch (...) {
          completion.fail(std::current_exception());
        }
      };
      t.submit_mdelete = [](bytestore_instance* instance, const bytestore_slice* keys,
                            std::size_t count, bytestore_completion done, void* done_context) {
        const Completion completion(done, done_context);
        try {
          const RequestArray<std::string_view> k(count,
                                                 [&](std::size_t i) { return view(keys[i]); });
          backend<B>(instance).submit_mdelete(k.span(), completion);
        } catch (...) {
          completion.fail(std::current_exception());
        }
      };
    }
    return t;
  }();
  return &table;
}

}  // namespace detail

inline void Completion::fail(std::exception_ptr error) const {
  const auto [code, message] = detail::describe(error);
  fail(static_cast<Errc>(code), message);
}

}  // namespace bytestore::sdk

// Exports backend B as a plugin: defines the one entry symbol.
#define BYTESTORE_PLUGIN(B)                                                          \
  extern "C" __attribute__((visibility("default"))) const bytestore_plugin*          \
  bytestore_plugin_entry(void) {                                                     \
    return ::bytestore::sdk::detail::plugin_table<B>();                              \
  }
