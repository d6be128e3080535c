// A small HTTP/1.1 server on Boost.Beast/Asio: keep-alive, bounded bodies and headers, read/write
// timeouts, a pool of threads running one io_context. The router (a Handler) sees plain structs.
//
//   auto server = HttpServer::Start({.host = "127.0.0.1", .port = 0}, handler).value();
//   server->port();  // the bound port
//
// Thread-safe: `handler` is called concurrently from the pool's threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "licet/core/status.h"

namespace licet::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query
  std::string authorization;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

/// Delivers the response; may be called from any thread, exactly once per request.
using HttpResponder = std::function<void(HttpResponse)>;
/// Called on an I/O thread; must not block (answer later through the responder instead).
using HttpHandler = std::function<void(const HttpRequest&, HttpResponder)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";         // Default: loopback.
  std::uint16_t port = 8080;              // 0 picks a free port.
  int threads = 0;                        // Default (0): one per core (handlers never block).
  std::size_t max_body_bytes = 64 << 10;  // Larger bodies get 413.
  std::string tls_cert_file;  // PEM chain; with tls_key_file, serve HTTPS. Default: plain HTTP.
  std::string tls_key_file;   // PEM private key.
};

class HttpServer {
 public:
  /// Binds and starts serving. Errors: kIoError (cannot bind, with the address and reason).
  [[nodiscard]] static StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                                   HttpHandler handler);
  virtual ~HttpServer() = default;
  [[nodiscard]] virtual std::uint16_t port() const = 0;
  /// Blocks until Stop() is called (from a signal handler's thread, say).
  virtual void Wait() = 0;
  /// Stops accepting and stops the I/O threads (callable from any thread, more than once).
  virtual void Stop() = 0;
  /// Waits for the I/O threads to finish, after Stop(). The object stays valid, so responses still
  /// being delivered from other threads (the store's commit thread) land in a stopped loop, safely.
  virtual void Join() = 0;
};

}  // namespace licet::server
