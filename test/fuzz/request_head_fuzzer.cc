// libFuzzer target: an HTTP/1.1 request head and body as the server reads them: Beast's parser
// with the server's header limit, then the same conversion into http::Request (ParseTarget,
// lower-cased header names) and the accessors handlers use (Header, Cookie, Query). No sockets:
// the parser is fed the bytes directly.
#include <algorithm>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/request.h"
#include "http/url.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8 * 1024);  // ServerOptions::max_header_bytes
  parser.body_limit(64 * 1024);   // the default route body limit
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < size && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  // As a stream read does at end of input: only a parser that got some bytes may see EOF.
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (!parser.is_header_done()) return 0;

  const auto& msg = parser.get();
  tamkine::http::Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  auto parsed = tamkine::http::ParseTarget(req.target);
  if (!parsed.ok()) return 0;
  req.path = std::move(parsed->path);
  req.query = std::move(parsed->query);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  if (parser.is_done()) req.body = msg.body();

  (void)req.Header("content-type");
  (void)req.Header("x-csrf-token");
  auto cookie = req.Cookie("tamkine_session");
  if (cookie && cookie->find(';') != std::string::npos) std::abort();
  (void)req.Query("limit");
  if (req.body.size() > 64 * 1024) std::abort();
  return 0;
}
