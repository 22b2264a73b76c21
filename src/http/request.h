// Request and Response: the plain values that cross between the HTTP server (which parses and
// writes the wire format) and the application (router, middleware, handlers). No Beast or Asio
// here, so code that handles requests compiles quickly.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace tamkine::http {

// One parsed HTTP request. The server fills every field except path_params and route, which the
// application sets when it matches a route (see Router::Resolve).
struct Request {
  std::string method;  // as received; standard methods are upper-case ("GET", "POST")
  std::string path;    // percent-decoded path without the query, always starting with '/'
  std::string target;  // the raw request target, e.g. "/api/v1/units?q=a%20b"
  std::vector<std::pair<std::string, std::string>> query;    // decoded, '+' read as space
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
  std::string client_addr;  // peer IP address, without the port
  std::string request_id;   // also returned as X-Request-Id
  bool tls = false;
  std::map<std::string, std::string> path_params;  // from the router
  // The matched route pattern ("/api/v1/units/{id}") or another fixed label ("static"); used by
  // the server for the access log and metrics instead of the raw path, which may carry
  // identifiers. Empty means unmatched.
  std::string route;

  // The first header with this (lower-case) name.
  std::optional<std::string> Header(std::string_view lower_name) const;
  // The first cookie with this name, across all Cookie headers; surrounding quotes removed.
  std::optional<std::string> Cookie(std::string_view name) const;
  // The first query parameter with this name.
  std::optional<std::string> Query(std::string_view name) const;
};

// A response body produced over time (Server-Sent Events). The server writes the response head
// (no Content-Length; the connection closes when the stream ends), then alternates: Pull on a
// worker thread, write what it produced, wait on its I/O thread (holding no worker) until `wake`
// is called or tick() has passed. The stream also ends when the client goes away (seen at the
// next write) or the server shuts down.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // Called once on an I/O thread before the first Pull. `wake` may be called from any thread,
  // any number of times, while the source lives; it must not be called under a lock the source
  // holds in Pull.
  virtual void Start(std::function<void()> wake) = 0;
  // Called on a worker thread (may block briefly, e.g. a database check); never concurrently
  // with itself. Appends the bytes to send to *out; returns false when the stream is over (what
  // it appended is still sent).
  virtual bool Pull(std::string* out) = 0;
  // The longest the server waits between two pulls (heartbeats are the source's business).
  virtual std::chrono::milliseconds tick() const = 0;
};

// One HTTP response. The server adds Content-Length, Connection, X-Request-Id and the security
// headers; anything the application sets here wins over those defaults except Content-Length.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set (and the request is not HEAD), the body is streamed from this source instead of
  // `body`; see StreamSource.
  std::shared_ptr<StreamSource> stream;

  // A JSON body with Content-Type application/json.
  static Response JsonBody(int status, const Json& j);
  // The one error shape, {"error":{"code":..,"message":..,"field":..}} ("field" null when empty),
  // with the HTTP status from status_mapping.h. Internal errors get a generic message; the real
  // one is only logged.
  static Response FromStatus(const Status& s);
  // The same shape for protocol errors that have no StatusCode (405, 431).
  static Response Error(int status, std::string_view code, std::string_view message);

  // Replaces every header with this name (case-insensitive), or appends it.
  void SetHeader(std::string_view name, std::string_view value);
  // The first header with this name (case-insensitive).
  std::optional<std::string> GetHeader(std::string_view name) const;
};

}  // namespace tamkine::http
