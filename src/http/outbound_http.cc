// notify::Channel for an SMS gateway over HTTP(S) (see notify/channels.h): one request per
// message on a private io_context, bounded as a whole by config.timeout.
#include <algorithm>
#include <optional>
#include <utility>

#include "common/json.h"
#include "http/beast_pch.h"
#include "notify/channels.h"

namespace tamkine::notify {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// See server.cc: co_await operands are built from named locals (GCC PR 100611).
auto Await(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query
};

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

StatusOr<Url> ParseUrl(std::string_view u) {
  Url out;
  if (u.starts_with("https://")) {
    out.tls = true;
    u.remove_prefix(8);
  } else if (u.starts_with("http://")) {
    u.remove_prefix(7);
  } else {
    return InvalidArgument("must start with http:// or https://", "sms-url");
  }
  if (HasControl(u) || u.find(' ') != std::string_view::npos) {
    return InvalidArgument("has spaces or control characters", "sms-url");
  }
  auto slash = u.find('/');
  std::string_view authority = u.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(u.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("must not carry credentials (use --sms-auth-header-file)", "sms-url");
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
    if (out.port.empty() || !std::all_of(out.port.begin(), out.port.end(), ::isdigit)) {
      return InvalidArgument("has a bad port", "sms-url");
    }
  } else {
    out.host = std::string(authority);
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.empty()) return InvalidArgument("has no host", "sms-url");
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// A JSON string's contents, without the quotes.
std::string JsonEscape(std::string_view s) {
  std::string quoted = Json(std::string(s)).dump();
  return quoted.substr(1, quoted.size() - 2);
}

std::string Substitute(std::string t, std::string_view to, std::string_view text,
                       std::string (*encode)(std::string_view)) {
  const std::string to_enc = encode(to);
  const std::string text_enc = encode(text);
  std::string out;
  for (size_t i = 0; i < t.size();) {
    if (t.compare(i, 4, "{to}") == 0) {
      out += to_enc;
      i += 4;
    } else if (t.compare(i, 6, "{text}") == 0) {
      out += text_enc;
      i += 6;
    } else {
      out.push_back(t[i++]);
    }
  }
  return out;
}

Status FromHttpStatus(unsigned status) {
  if (status >= 200 && status < 300) return Status::Ok();
  const std::string what = "sms gateway: HTTP " + std::to_string(status);
  if (status == 408 || status == 429 || status >= 500) return Unavailable(what);
  if (status == 400 || status == 422) return InvalidArgument(what);
  return FailedPrecondition(what);
}

class SmsGatewayChannel final : public Channel {
 public:
  SmsGatewayChannel(SmsGatewayConfig c, Url url)
      : config_(std::move(c)), url_(std::move(url)), tls_ctx_(ssl::context::tls_client) {
    error_code ec;
    tls_ctx_.set_default_verify_paths(ec);
    tls_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1,
                         ec);
    if (auto colon = config_.auth_header.find(':'); colon != std::string::npos) {
      auth_name_ = config_.auth_header.substr(0, colon);
      auth_value_ = config_.auth_header.substr(colon + 1);
      auth_value_.erase(0, auth_value_.find_first_not_of(' '));
    }
  }

  Status Send(const Message& m) override {
    if (m.channel != ChannelKind::kSms) return InvalidArgument("sms gateway: not an sms message");
    if (m.to.empty() || HasControl(m.to)) return InvalidArgument("sms gateway: bad number");
    const bool json = config_.content_type.find("json") != std::string::npos;
    bhttp::request<bhttp::string_body> req;
    req.method_string(config_.method);
    req.target(Substitute(url_.target, m.to, m.text, &PercentEncode));
    req.version(11);
    req.set(bhttp::field::host, url_.host);
    req.set(bhttp::field::user_agent, "Tamkine");
    req.set(bhttp::field::connection, "close");
    if (!auth_name_.empty()) req.set(auth_name_, auth_value_);
    if (config_.method != "GET") {
      req.set(bhttp::field::content_type, config_.content_type);
      req.body() = Substitute(config_.body, m.to, m.text, json ? &JsonEscape : &PercentEncode);
      req.prepare_payload();
    }
    asio::io_context ioc;
    std::optional<Status> result;
    asio::co_spawn(ioc, Exchange(req), [&result](std::exception_ptr e, Status s) {
      result = e ? Unavailable("sms gateway: the request failed") : std::move(s);
    });
    ioc.run_for(config_.timeout);
    if (!result) return Unavailable("sms gateway: timed out");
    return *result;
  }

 private:
  asio::awaitable<Status> Exchange(bhttp::request<bhttp::string_body>& req) {
    error_code ec;
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto endpoints = co_await resolver.async_resolve(url_.host, url_.port, Await(ec));
    if (ec) co_return Unavailable("sms gateway: cannot resolve the host");
    beast::tcp_stream tcp_stream(ex);
    co_await tcp_stream.async_connect(endpoints, Await(ec));
    if (ec) co_return Unavailable("sms gateway: cannot connect: " + ec.message());
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    if (url_.tls) {
      beast::ssl_stream<beast::tcp_stream&> stream(tcp_stream, tls_ctx_);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str())) {
        co_return Unavailable("sms gateway: cannot set TLS server name");
      }
      if (config_.verify_peer) {
        stream.set_verify_mode(ssl::verify_peer);
        stream.set_verify_callback(ssl::host_name_verification(url_.host));
      }
      co_await stream.async_handshake(ssl::stream_base::client, Await(ec));
      if (ec) co_return Unavailable("sms gateway: TLS handshake failed: " + ec.message());
      co_await bhttp::async_write(stream, req, Await(ec));
      if (!ec) co_await bhttp::async_read(stream, buffer, res, Await(ec));
    } else {
      co_await bhttp::async_write(tcp_stream, req, Await(ec));
      if (!ec) co_await bhttp::async_read(tcp_stream, buffer, res, Await(ec));
    }
    if (ec) co_return Unavailable("sms gateway: " + ec.message());
    co_return FromHttpStatus(res.result_int());
  }

  const SmsGatewayConfig config_;
  const Url url_;
  ssl::context tls_ctx_;
  std::string auth_name_, auth_value_;
};

}  // namespace

Status ValidateSmsGatewayConfig(const SmsGatewayConfig& c) {
  RETURN_IF_ERROR(ParseUrl(c.url).status());
  if (c.method != "POST" && c.method != "GET" && c.method != "PUT") {
    return InvalidArgument("must be POST, GET or PUT", "sms-method");
  }
  if (HasControl(c.content_type))
    return InvalidArgument("has control characters", "sms-content-type");
  if (!c.auth_header.empty()) {
    auto colon = c.auth_header.find(':');
    if (colon == std::string::npos || colon == 0 || HasControl(c.auth_header)) {
      return InvalidArgument("must be one line \"Name: value\"", "sms-auth-header-file");
    }
  }
  return Status::Ok();
}

std::unique_ptr<Channel> MakeSmsGatewayChannel(SmsGatewayConfig config) {
  auto url = ParseUrl(config.url);
  if (!url.ok()) return nullptr;
  return std::make_unique<SmsGatewayChannel>(std::move(config), std::move(*url));
}

}  // namespace tamkine::notify
