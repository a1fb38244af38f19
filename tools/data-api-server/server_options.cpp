#include "server_options.h"

#include <optional>
#include <string_view>

namespace bytestore::dataapi {

const char* const kUsage = R"(usage: bytestore-data-api-server [OPTIONS]

A local Astra DB Data API server for tests and benchmarks: binds 127.0.0.1,
prints "listening on 127.0.0.1:PORT" and serves until SIGTERM or SIGINT.

Options:
  --port N               port to bind (default 0: a free one)
  --token T              the accepted Token header (default test-token)
  --user U --password P  also accept Cassandra:base64(U):base64(P)
  --max-body-bytes N     request body limit, answered 413 beyond (default 20 MiB)
  --threads N            I/O threads; commands still run one at a time (default 2)
  --tls-cert FILE --tls-key FILE
                         serve HTTPS only, with this PEM certificate (chain) and key
  --latency-ms N         delay added to every Data API request (default 0)
  --fail-rate F          fraction 0..1 of requests failed transiently (default 0)
  --fail-modes LIST      failures drawn from: 429,502,503,504,timeout,reset,
                         reset_mid_body,truncated_json,errors_200,db_timeout,
                         db_timeout_applied,db_unavailable (default 429,503)
  --timeout-hold-ms N    how long a "timeout" holds a request (default 60000)
  --seed S               makes the failure draw deterministic
  --server-version 1.0.N behave as that release of the real server (default 1.0.51;
                         changes copied at 1.0.19, 22, 26, 34, 35, 41, 47)
  --legacy               the same as --server-version 1.0.18: old error shape and
                         codes, _id $in paged, no string ranges, pages of 20
  --max-insert-many N    documents per insertMany (default 100)
  --page-size N          documents per find page (default 50; 20 before 1.0.47)
  --max-in-values N      values per $in / $nin (default 100)
  --max-filter-expressions N  comparison expressions per filter (default 64)
  --max-delete-per-call N  documents per deleteMany / updateMany call (default 20)
  --max-count N          countDocuments limit (default 1000)
  --max-collections N    collections per database, 0 for no limit (default 5)
  --max-indexes N        indexes per database, 0 for no limit (default 100); each
                         collection uses 8, or none with indexing deny ["*"]
  --indexes-per-collection N  indexes a new collection needs free (default 10)
  --verbose              one line per request on stderr (never the token)
  -h, --help             this help
  --version              print "bytestore-data-api-server VERSION"

Test-only endpoints (no token): GET /_test/stats, POST /_test/reset-stats,
GET|POST /_test/config, POST /_test/reset-data. See README.md.
)";

namespace {

unsigned long long whole_number(const std::string& flag, const std::string& text, unsigned long long max) {
  try {
    std::size_t used = 0;
    const auto n = std::stoull(text, &used);
    if (used == text.size() && n <= max && text[0] != '-') return n;
  } catch (const std::exception&) {
  }
  throw UsageError(flag + " needs a whole number up to " + std::to_string(max) + ", not '" + text + "'");
}

}  // namespace

ServerOptions parse_server_options(int argc, char** argv) {
  ServerOptions options;
  std::optional<std::string> tls_cert, tls_key;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      options.help = true;
      continue;
    }
    if (flag == "--version") {
      options.version = true;
      continue;
    }
    if (!flag.starts_with("--")) throw UsageError("unexpected argument '" + flag + "'");
    // --name=value or --name value; switches take no value.
    std::string name = flag.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::string key = name;
    for (auto& c : key)
      if (c == '-') c = '_';
    const bool start_only = name == "port" || name == "token" || name == "user" || name == "password" ||
                            name == "max-body-bytes" || name == "threads" || name == "tls-cert" ||
                            name == "tls-key";
    if (!start_only && !is_knob(key)) throw UsageError("unknown option --" + name);
    const bool is_switch = name == "legacy" || name == "verbose";
    if (is_switch) {
      if (!value) value = "true";
    } else if (!value) {
      if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "port") {
      options.port = static_cast<unsigned short>(whole_number("--port", *value, 65535));
    } else if (name == "token") {
      options.access.token = *value;
    } else if (name == "user") {
      options.access.user = *value;
    } else if (name == "password") {
      options.access.password = *value;
    } else if (name == "max-body-bytes") {
      options.max_body_bytes = whole_number("--max-body-bytes", *value, 1ULL << 31);
    } else if (name == "threads") {
      options.threads = static_cast<unsigned>(whole_number("--threads", *value, 64));
      if (options.threads == 0) throw UsageError("--threads needs at least 1");
    } else if (name == "tls-cert") {
      tls_cert = *value;
    } else if (name == "tls-key") {
      tls_key = *value;
    } else {
      try {
        set_knob(options.knobs, key, boost::json::value(*value));
      } catch (const std::invalid_argument& e) {
        throw UsageError("--" + name + ": " + e.what());
      }
    }
  }
  if (options.access.user.has_value() != options.access.password.has_value())
    throw UsageError("--user and --password go together");
  if (tls_cert.has_value() != tls_key.has_value()) throw UsageError("--tls-cert and --tls-key go together");
  if (tls_cert) {
    if (tls_cert->empty() || tls_key->empty()) throw UsageError("--tls-cert and --tls-key need file names");
    options.tls = TlsFiles{*tls_cert, *tls_key};
  }
  return options;
}

}  // namespace bytestore::dataapi
