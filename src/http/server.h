// The HTTP/1.1 server: accepts connections (optionally TLS), parses requests with size limits
// and deadlines, runs the application on a worker pool, writes responses with the security
// headers, logs one access line per request, records metrics, and shuts down gracefully.
// Beast and Asio stay in server.cc (pimpl), so including this header is cheap.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/request.h"

namespace tamkine::http {

class Metrics;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port (see Server::port())
  int io_threads = 1;
  int worker_threads = 4;
  size_t max_header_bytes = 8192;  // request line + headers; more → 431
  // From the first byte of a request to its last body byte; exceeded → 408 and close.
  std::chrono::seconds read_timeout{15};
  // How long a connection may wait for the first byte of its next request; then it is closed
  // silently. Also bounds the TLS handshake and each response write.
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{10};  // how long in-flight requests may finish
  // Connections beyond this many are closed as soon as they are accepted (counted as
  // tamkine_http_errors_total{kind="too_many_connections"}); keep it below the fd limit.
  size_t max_connections = 1000;
  std::string tls_cert_file, tls_key_file;  // both set = HTTPS only (PEM; cert may be a chain)
  std::string static_dir;                   // web/dist; empty = none (used by the app)
  bool handle_signals = false;              // Run() shuts down on SIGINT/SIGTERM
};

// The application: called on a worker thread, once per request; may block (database calls).
// Should not throw; if it does, the client gets a 500 JSON error and the server carries on.
using App = std::function<Response(Request&)>;

// Asked on an I/O thread after the request head is read and before the body is, with the method
// and the decoded path; returns the largest body accepted (larger → 413). Must be quick and must
// not block (a router lookup: Router::BodyLimit). When unset, every request gets 1 MiB.
using BodyLimitFn = std::function<size_t(std::string_view method, std::string_view path)>;

inline constexpr size_t kDefaultBodyLimit = 1 << 20;

// Usage:
//   Server server(options, [&](Request& r) { return api.Handle(r); }, &metrics);
//   server.set_body_limit([&](auto m, auto p) { return api.BodyLimit(m, p); });
//   RETURN_IF_ERROR(server.Listen());
//   server.Run();  // blocks until Shutdown() (or a signal with handle_signals)
//
// Thread safety: set_body_limit, Listen and Run are called from one thread, in that order, and
// Run at most once. Shutdown and port may be called from any thread at any time, any number of
// times. The destructor must not run concurrently with Run; it waits for application calls
// still running on the worker pool (a handler that outlived the grace period).
class Server {
 public:
  // `metrics` may be null; otherwise it must outlive the server.
  Server(ServerOptions options, App app, Metrics* metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void set_body_limit(BodyLimitFn fn);

  // Loads the TLS certificate and key (when configured) and binds and listens on
  // address:port. Returns InvalidArgument for a bad address or only one of cert/key,
  // FailedPrecondition for unreadable TLS files, Unavailable when the port cannot be bound
  // (e.g. already in use).
  Status Listen();

  // The bound port (the chosen one when options.port was 0); 0 before Listen succeeds.
  uint16_t port() const;

  // Serves until Shutdown, using io_threads threads (this one included) for I/O and
  // worker_threads for the application. Returns at once if Listen has not succeeded.
  void Run();

  // Stops accepting new connections, closes idle keep-alive connections, lets in-flight
  // requests finish (each answered with Connection: close) for up to shutdown_grace, then closes
  // whatever remains and makes Run return. Safe before Run (Run then returns promptly).
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tamkine::http
