// bytestore-data-api-server: a local Astra DB Data API server for tests.
#include <iostream>

#include "data_api_service.h"
#include "http_server.h"
#include "server_options.h"

int main(int argc, char** argv) {
  using namespace bytestore::dataapi;
  ServerOptions options;
  try {
    options = parse_server_options(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "bytestore-data-api-server: " << e.what() << "\n\n" << kUsage;
    return 2;
  }
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  if (options.version) {
    std::cout << "bytestore-data-api-server " << BYTESTORE_VERSION << '\n';
    return 0;
  }
  try {
    DataApiService service(options.access, options.knobs);
    HttpServer server(service, options.max_body_bytes, options.threads, options.tls);
    const auto port = server.listen(options.port);
    std::cout << "listening on 127.0.0.1:" << port << std::endl;
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "bytestore-data-api-server: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
