/* The bytestore plugin ABI, version 1: plain C, stable across compilers.
 *
 * A plugin is a shared library `bytestore-NAME.so` exporting one symbol:
 *
 *   const bytestore_plugin* bytestore_plugin_entry(void);
 *
 * The returned table is static and lives as long as the library is loaded.
 * Rules of the boundary:
 *  - Keys and values cross as (pointer, length); nothing is NUL-terminated
 *    unless said so. Input buffers belong to the host and are valid only
 *    during the call.
 *  - Results are handed to host callbacks, which copy them.
 *  - Every fallible function returns a bytestore_code; on failure it may
 *    report a message through the bytestore_error it was given. No C++
 *    exception ever crosses the boundary.
 *  - The table only grows: members are appended and `struct_size` tells the
 *    host which ones a plugin has. A change that is not an append bumps
 *    BYTESTORE_ABI_VERSION, and the host refuses other versions.
 *  - All instance functions may be called from many threads at once.
 */
#ifndef BYTESTORE_PLUGIN_ABI_H_
#define BYTESTORE_PLUGIN_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BYTESTORE_ABI_VERSION 1u
#define BYTESTORE_PLUGIN_ENTRY_SYMBOL "bytestore_plugin_entry"

/* Mirrors bytestore::Errc. */
typedef enum bytestore_code {
  BYTESTORE_OK = 0,
  BYTESTORE_INVALID_ARGUMENT = 1,
  BYTESTORE_CONFIG = 2,
  BYTESTORE_PLUGIN = 3,
  BYTESTORE_LIMIT_EXCEEDED = 4,
  BYTESTORE_UNAVAILABLE = 5,
  BYTESTORE_UNAUTHORIZED = 6,
  BYTESTORE_IO = 7,
  BYTESTORE_CORRUPTION = 8,
  BYTESTORE_INTERNAL = 9
} bytestore_code;

typedef struct bytestore_slice {
  const char* data;
  size_t size;
} bytestore_slice;

/* Where a plugin reports a failure's message; the host copies it. */
typedef struct bytestore_error {
  void* context;
  void (*set_message)(void* context, const char* message, size_t size);
} bytestore_error;

/* Receives the value of the key at `index` of a get request. Not called
 * for missing keys. */
typedef void (*bytestore_value_sink)(void* context, size_t index, const char* value,
                                     size_t size);
/* Receives one key of a listing. */
typedef void (*bytestore_key_sink)(void* context, const char* key, size_t size);
/* Ends an asynchronous operation; `message` is only meaningful on failure. */
typedef void (*bytestore_completion)(void* context, int code, const char* message,
                                     size_t size);

typedef enum bytestore_option_type {
  BYTESTORE_OPTION_STRING = 0,
  BYTESTORE_OPTION_BOOL = 1,     /* canonical text: "true" | "false" */
  BYTESTORE_OPTION_INT = 2,      /* decimal int64 */
  BYTESTORE_OPTION_UINT = 3,     /* decimal uint64 */
  BYTESTORE_OPTION_DOUBLE = 4,   /* decimal */
  BYTESTORE_OPTION_SIZE = 5,     /* decimal bytes; config accepts units */
  BYTESTORE_OPTION_DURATION = 6, /* decimal milliseconds; config accepts units */
  BYTESTORE_OPTION_ENUM = 7      /* one of enum_values */
} bytestore_option_type;

#define BYTESTORE_OPTION_REQUIRED 1u
#define BYTESTORE_OPTION_SECRET 2u
/* A file-system path: the host expands "~" and takes a relative value from
   the config file's directory. Values starting with ':' are names, not
   paths, and pass unchanged. */
#define BYTESTORE_OPTION_PATH 4u
/* Names another store of the same config (a layer's `store: NAME`): the
   host checks that it exists and makes no cycle, opens it, and hands it to
   the layer beside its inner store (bytestore_inner_store.option_stores). */
#define BYTESTORE_OPTION_STORE 8u

typedef struct bytestore_option_spec {
  const char* name;
  const char* alias;         /* another accepted name, or NULL */
  uint32_t type;             /* bytestore_option_type */
  uint32_t flags;            /* BYTESTORE_OPTION_* */
  const char* default_value; /* canonical text, or NULL when required */
  const char* doc;
  const char* const* enum_values;
  size_t enum_count;
} bytestore_option_spec;

/* An option value as the host validated it, in canonical text. */
typedef struct bytestore_option_value {
  bytestore_slice name;
  bytestore_slice value;
} bytestore_option_value;

#define BYTESTORE_CAP_ATOMIC_BATCH 1u
#define BYTESTORE_CAP_ORDERED_KEYS 2u
#define BYTESTORE_CAP_PERSISTENT 4u
#define BYTESTORE_CAP_NATIVE_ASYNC 8u
#define BYTESTORE_CAP_MAY_EXPIRE 16u /* values may vanish on their own (a ttl) */

typedef struct bytestore_capabilities {
  uint64_t max_key_bytes;
  uint64_t max_value_bytes;
  uint32_t flags; /* BYTESTORE_CAP_* */
} bytestore_capabilities;

typedef struct bytestore_instance bytestore_instance; /* opaque, plugin-owned */
typedef struct bytestore_cursor bytestore_cursor;     /* opaque, plugin-owned */

/* The store a layer wraps, handed to open_layer by the host: the next
 * layer down, or the backend. It stays valid until the layer's instance is
 * closed, and may be called from many threads at once. Its calls report
 * errors as the plugin table's do; a layer passes on what it does not
 * handle. Keys reach it unchecked by the host: the layer's own keys. */
typedef struct bytestore_inner_store bytestore_inner_store;
/* A store a layer's option names, opened by the host. */
typedef struct bytestore_named_store {
  bytestore_slice option; /* the option's name */
  const bytestore_inner_store* store;
} bytestore_named_store;
typedef struct bytestore_inner_cursor bytestore_inner_cursor; /* opaque, host-owned */
struct bytestore_inner_store {
  uint32_t struct_size; /* sizeof(bytestore_inner_store) as the host was built */
  void* context;
  bytestore_capabilities capabilities;
  int (*mget)(void* context, const bytestore_slice* keys, size_t count,
              bytestore_value_sink sink, void* sink_context, bytestore_error* error);
  int (*mset)(void* context, const bytestore_slice* keys, const bytestore_slice* values,
              size_t count, bytestore_error* error);
  int (*mdelete)(void* context, const bytestore_slice* keys, size_t count,
                 bytestore_error* error);
  int (*cursor_open)(void* context, bytestore_slice prefix, bytestore_inner_cursor** out,
                     bytestore_error* error);
  /* As the plugin's cursor_next: a page of keys, *has_more 0 at the end. */
  int (*cursor_next)(bytestore_inner_cursor* cursor, bytestore_key_sink sink, void* sink_context,
                     int* has_more, bytestore_error* error);
  void (*cursor_close)(bytestore_inner_cursor* cursor);
  /* *compacted: 1 if the store gave space back, 0 if it has nothing to do. */
  int (*compact)(void* context, int* compacted, bytestore_error* error);
  /* The store's name in config, for what a layer reports about it. */
  bytestore_slice store_name;
  /* The stores the layer's BYTESTORE_OPTION_STORE options name (set ones
   * only), valid as long as this table. */
  const bytestore_named_store* option_stores;
  size_t option_store_count;
};

typedef struct bytestore_plugin {
  uint32_t abi_version; /* BYTESTORE_ABI_VERSION; always the first member */
  uint32_t struct_size; /* sizeof(bytestore_plugin) as the plugin was built */
  const char* name;     /* the backend name used in config */
  const char* version;
  const char* description;
  const bytestore_option_spec* options;
  size_t option_count;
  bytestore_capabilities default_capabilities;

  /* Options arrive validated against `options`, defaults filled in. */
  int (*open)(const bytestore_option_value* options, size_t count, bytestore_instance** out,
              bytestore_error* error);
  void (*close)(bytestore_instance* instance);
  int (*capabilities)(bytestore_instance* instance, bytestore_capabilities* out,
                      bytestore_error* error);

  int (*mget)(bytestore_instance* instance, const bytestore_slice* keys, size_t count,
              bytestore_value_sink sink, void* sink_context, bytestore_error* error);
  /* keys[i] gets values[i]; a repeated key ends with its last value. */
  int (*mset)(bytestore_instance* instance, const bytestore_slice* keys,
              const bytestore_slice* values, size_t count, bytestore_error* error);
  int (*mdelete)(bytestore_instance* instance, const bytestore_slice* keys, size_t count,
                 bytestore_error* error);

  int (*cursor_open)(bytestore_instance* instance, bytestore_slice prefix,
                     bytestore_cursor** out, bytestore_error* error);
  /* Emits the next page of keys (possibly none) and sets *has_more to 0
   * once the listing is exhausted. */
  int (*cursor_next)(bytestore_cursor* cursor, bytestore_key_sink sink, void* sink_context,
                     int* has_more, bytestore_error* error);
  void (*cursor_close)(bytestore_cursor* cursor);

  /* Native async, all NULL unless BYTESTORE_CAP_NATIVE_ASYNC. Each returns
   * at once; the sink and then `done` are called exactly once from any
   * thread. Buffers passed in are copied by the plugin before returning.
   * The host never calls `close` from inside `sink` or `done`. */
  void (*submit_mget)(bytestore_instance* instance, const bytestore_slice* keys, size_t count,
                      bytestore_value_sink sink, void* sink_context, bytestore_completion done,
                      void* done_context);
  void (*submit_mset)(bytestore_instance* instance, const bytestore_slice* keys,
                      const bytestore_slice* values, size_t count, bytestore_completion done,
                      void* done_context);
  void (*submit_mdelete)(bytestore_instance* instance, const bytestore_slice* keys,
                         size_t count, bytestore_completion done, void* done_context);

  /* Optional (NULL, or absent from a shorter table): validates options as
   * `open` would, without opening anything: no files, no network. Lets
   * `config check` report a bad value before a store is ever opened. */
  int (*check_options)(const bytestore_option_value* options, size_t count,
                       bytestore_error* error);

  /* Optional: where a store with these options keeps its data (an absolute
   * path, or a URL and collection), passed once to `sink`, and whether data
   * is there: *exists is BYTESTORE_DATA_PRESENT, _ABSENT or _UNKNOWN (when
   * telling would take a connection). Creates and contacts nothing. */
  int (*locate)(const bytestore_option_value* options, size_t count, bytestore_key_sink sink,
                void* sink_context, int* exists, bytestore_error* error);
  /* Optional: gives the space of deleted data back to the file system.
   * Keys and values are unchanged; may take long and block other calls. */
  int (*compact)(bytestore_instance* instance, bytestore_error* error);

  /* A layer (`layer: NAME` in config) sets this and leaves `open` NULL: it
   * opens over `inner` instead of over an engine, and its instance then
   * serves the calls above like a backend's. */
  int (*open_layer)(const bytestore_option_value* options, size_t count,
                    const bytestore_inner_store* inner, bytestore_instance** out,
                    bytestore_error* error);

  /* Optional: what the plugin measured of every store of this process, as
   * Prometheus text exposition (the metrics layer), passed once to `sink`;
   * bytestore::metrics_text() joins every plugin's. */
  int (*report_metrics)(bytestore_key_sink sink, void* sink_context, bytestore_error* error);
} bytestore_plugin;

#define BYTESTORE_DATA_ABSENT 0
#define BYTESTORE_DATA_PRESENT 1
#define BYTESTORE_DATA_UNKNOWN 2

typedef const bytestore_plugin* (*bytestore_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BYTESTORE_PLUGIN_ABI_H_ */
