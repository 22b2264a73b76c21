// notify::Channel over SMTP (see notify/channels.h): one conversation per message on a private
// io_context, bounded as a whole by config.timeout.
#include <algorithm>
#include <ctime>
#include <optional>
#include <span>
#include <utility>

#include "crypto/encoding.h"
#include "http/beast_pch.h"
// After the precompiled header (Boost 1.74 needs its <utility>).
#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "notify/channels.h"

namespace tamkine::notify {

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// See server.cc: co_await operands are built from named locals (GCC PR 100611).
auto Await(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

std::string B64(std::string_view s) {
  return crypto::Base64Encode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A bare addr-spec: no spaces, controls, angle brackets or commas; one '@'.
bool IsPlainAddress(std::string_view a) {
  if (a.empty() || a.size() > 254 || HasControl(a)) return false;
  if (a.find_first_of(" <>,;\"()[]\\") != std::string_view::npos) return false;
  auto at = a.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
         a.find('@', at + 1) == std::string_view::npos;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

std::string RfcDate() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// The message in RFC 5322 form, body Base64 (so no line can be a lone '.'), lines of 76.
std::string Compose(const SmtpConfig& c, const Message& m) {
  std::string out;
  out += "From: <" + c.from + ">\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: =?UTF-8?B?" + B64(m.subject) + "?=\r\n";
  out += "Date: " + RfcDate() + "\r\n";
  out += "Message-ID: <" + m.id + "@tamkine.invalid>\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::string body = B64(m.text);
  for (size_t i = 0; i < body.size(); i += 76) out += body.substr(i, 76) + "\r\n";
  out += ".\r\n";
  return out;
}

// One SMTP conversation. Errors name the stage and the reply code, never the server's text.
class Conversation {
 public:
  Conversation(asio::io_context& ioc, const SmtpConfig& c, ssl::context* tls_ctx)
      : config_(c), socket_(ioc), tls_ctx_(tls_ctx) {}

  asio::awaitable<Status> Run(const Message& m) {
    error_code ec;
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    const std::string port = std::to_string(config_.port);
    auto endpoints = co_await resolver.async_resolve(config_.host, port, Await(ec));
    if (ec) co_return Unavailable("smtp: cannot resolve the server");
    co_await asio::async_connect(socket_, endpoints, Await(ec));
    if (ec) co_return Unavailable("smtp: cannot connect: " + ec.message());
    if (config_.security == SmtpConfig::Security::kTls) {
      Status s = co_await StartTls();
      if (!s.ok()) co_return s;
    }
    int code = co_await Reply();
    if (code != 220) co_return Refused("greeting", code);
    std::string ehlo = "EHLO " + config_.helo + "\r\n";
    code = co_await Command(ehlo);
    if (code != 250) co_return Refused("EHLO", code);
    if (config_.security == SmtpConfig::Security::kStartTls) {
      std::string starttls = "STARTTLS\r\n";
      code = co_await Command(starttls);
      if (code != 220) co_return Refused("STARTTLS", code);
      Status s = co_await StartTls();
      if (!s.ok()) co_return s;
      code = co_await Command(ehlo);
      if (code != 250) co_return Refused("EHLO", code);
    }
    if (!config_.username.empty()) {
      std::string plain;
      plain.push_back('\0');
      plain += config_.username;
      plain.push_back('\0');
      plain += config_.password;
      std::string auth = "AUTH PLAIN " + B64(plain) + "\r\n";
      code = co_await Command(auth);
      if (code != 235) co_return Refused("AUTH", code);
    }
    std::string mail = "MAIL FROM:<" + config_.from + ">\r\n";
    code = co_await Command(mail);
    if (code != 250) co_return Refused("MAIL", code);
    std::string rcpt = "RCPT TO:<" + m.to + ">\r\n";
    code = co_await Command(rcpt);
    if (code != 250 && code != 251) {
      if (code >= 500 && code < 600) {
        co_return InvalidArgument("smtp: the server refused the recipient (" +
                                  std::to_string(code) + ")");
      }
      co_return Refused("RCPT", code);
    }
    std::string data = "DATA\r\n";
    code = co_await Command(data);
    if (code != 354) co_return Refused("DATA", code);
    std::string content = Compose(config_, m);
    code = co_await Command(content);
    if (code != 250) co_return Refused("message", code);
    std::string quit = "QUIT\r\n";
    co_await Command(quit);  // the message is accepted; the answer to QUIT does not matter
    co_return Status::Ok();
  }

 private:
  Status Refused(const char* stage, int code) {
    if (code < 0) return Unavailable(std::string("smtp: connection lost at ") + stage);
    std::string what = std::string("smtp: ") + stage + " answered " + std::to_string(code);
    if (code >= 400 && code < 500) return Unavailable(what);
    return FailedPrecondition(what);
  }

  asio::awaitable<Status> StartTls() {
    error_code ec;
    tls_.emplace(socket_, *tls_ctx_);
    if (!SSL_set_tlsext_host_name(tls_->native_handle(), config_.host.c_str())) {
      co_return Unavailable("smtp: cannot set TLS server name");
    }
    if (config_.verify_peer) {
      tls_->set_verify_mode(ssl::verify_peer);
      tls_->set_verify_callback(ssl::host_name_verification(config_.host));
    } else {
      tls_->set_verify_mode(ssl::verify_none);
    }
    co_await tls_->async_handshake(ssl::stream_base::client, Await(ec));
    if (ec) co_return Unavailable("smtp: TLS handshake failed: " + ec.message());
    co_return Status::Ok();
  }

  asio::awaitable<bool> Write(std::string& bytes) {
    error_code ec;
    auto buffer = asio::buffer(bytes);
    if (tls_) {
      co_await asio::async_write(*tls_, buffer, Await(ec));
    } else {
      co_await asio::async_write(socket_, buffer, Await(ec));
    }
    co_return !ec;
  }

  // Reads one (possibly multi-line) reply; returns its code, or -1 when the connection failed.
  asio::awaitable<int> Reply() {
    for (int lines = 0; lines < 100; ++lines) {
      error_code ec;
      auto dyn = asio::dynamic_buffer(buffer_, 64 * 1024);
      size_t n = 0;
      if (tls_) {
        n = co_await asio::async_read_until(*tls_, dyn, "\r\n", Await(ec));
      } else {
        n = co_await asio::async_read_until(socket_, dyn, "\r\n", Await(ec));
      }
      if (ec) co_return -1;
      std::string line = buffer_.substr(0, n - 2);
      buffer_.erase(0, n);
      if (line.size() < 3 || !std::all_of(line.begin(), line.begin() + 3, ::isdigit)) co_return -1;
      if (line.size() == 3 || line[3] == ' ') co_return std::stoi(line.substr(0, 3));
      if (line[3] != '-') co_return -1;
    }
    co_return -1;
  }

  asio::awaitable<int> Command(std::string& bytes) {
    bool written = co_await Write(bytes);
    if (!written) co_return -1;
    int code = co_await Reply();
    co_return code;
  }

  const SmtpConfig& config_;
  tcp::socket socket_;
  ssl::context* tls_ctx_;
  std::optional<ssl::stream<tcp::socket&>> tls_;
  std::string buffer_;
};

class SmtpChannel final : public Channel {
 public:
  explicit SmtpChannel(SmtpConfig c) : config_(std::move(c)), tls_ctx_(ssl::context::tls_client) {
    error_code ec;
    tls_ctx_.set_default_verify_paths(ec);
    tls_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1,
                         ec);
  }

  Status Send(const Message& m) override {
    if (m.channel != ChannelKind::kEmail) return InvalidArgument("smtp: not an e-mail message");
    if (!IsPlainAddress(m.to)) return InvalidArgument("smtp: not a plain e-mail address");
    asio::io_context ioc;
    Conversation conversation(ioc, config_, &tls_ctx_);
    std::optional<Status> result;
    asio::co_spawn(ioc, conversation.Run(m), [&result](std::exception_ptr e, Status s) {
      result = e ? Unavailable("smtp: the conversation failed") : std::move(s);
    });
    ioc.run_for(config_.timeout);
    if (!result) return Unavailable("smtp: timed out");
    return *result;
  }

 private:
  const SmtpConfig config_;
  ssl::context tls_ctx_;
};

}  // namespace

StatusOr<SmtpConfig::Security> ParseSmtpSecurity(const std::string& s) {
  if (s == "none") return SmtpConfig::Security::kNone;
  if (s == "starttls") return SmtpConfig::Security::kStartTls;
  if (s == "tls") return SmtpConfig::Security::kTls;
  return InvalidArgument("must be none, starttls or tls", "smtp-security");
}

Status ValidateSmtpConfig(const SmtpConfig& c) {
  if (c.host.empty() || HasControl(c.host)) return InvalidArgument("is required", "smtp-host");
  if (!IsPlainAddress(c.from))
    return InvalidArgument("must be a plain e-mail address", "smtp-from");
  if (c.helo.empty() || HasControl(c.helo) || c.helo.find(' ') != std::string::npos) {
    return InvalidArgument("must be a host name", "smtp-helo");
  }
  if (HasControl(c.username)) return InvalidArgument("has control characters", "smtp-user");
  if (!c.username.empty() && c.security == SmtpConfig::Security::kNone && !IsLoopback(c.host)) {
    return InvalidArgument("credentials are only sent over TLS (starttls or tls)", "smtp-security");
  }
  return Status::Ok();
}

std::unique_ptr<Channel> MakeSmtpChannel(SmtpConfig config) {
  return std::make_unique<SmtpChannel>(std::move(config));
}

}  // namespace tamkine::notify
