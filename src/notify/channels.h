// The transports behind notify::Channel, configured from `serve` flags: SMTP e-mail (plain,
// STARTTLS or implicit TLS) and an SMS gateway over HTTP(S) with a URL/body template. Declared
// here so the wiring needs no Beast or Asio; defined in src/http/outbound_smtp.cc and
// src/http/outbound_http.cc (library tamkine_http_outbound). Neither ever logs an address or a
// text, and their errors quote neither (a server's reply text may echo the address).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "notify/message.h"

namespace tamkine::notify {

struct SmtpConfig {
  std::string host;
  uint16_t port = 587;
  enum class Security { kNone, kStartTls, kTls };
  Security security = Security::kStartTls;
  std::string from;      // envelope and From: address
  std::string username;  // empty = no AUTH
  std::string password;
  std::string helo = "tamkine.invalid";  // the name sent in EHLO
  std::chrono::seconds timeout{30};      // the whole conversation
  bool verify_peer = true;               // TLS certificate and host name
};

// InvalidArgument naming the setting: no host or from-address, a from-address with CR/LF, or
// credentials without TLS to a host other than the loopback.
Status ValidateSmtpConfig(const SmtpConfig& c);
// "none" | "starttls" | "tls".
StatusOr<SmtpConfig::Security> ParseSmtpSecurity(const std::string& s);
// Sends each message in one SMTP conversation (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA) as
// text/plain UTF-8. 4xx replies and network failures are Unavailable; a 5xx reply to RCPT is
// InvalidArgument (permanent); other 5xx replies are FailedPrecondition.
std::unique_ptr<Channel> MakeSmtpChannel(SmtpConfig config);

struct SmsGatewayConfig {
  // http(s)://host[:port]/path?query; {to} and {text} are replaced (percent-encoded).
  std::string url;
  std::string method = "POST";  // POST | GET | PUT
  // The request body (POST/PUT); {to} and {text} are replaced, JSON-escaped when content_type is
  // JSON, percent-encoded otherwise.
  std::string body = R"({"to":"{to}","text":"{text}"})";
  std::string content_type = "application/json";
  std::string auth_header;  // "Name: value" (e.g. "Authorization: Bearer …"); empty = none
  std::chrono::seconds timeout{15};
  bool verify_peer = true;
};

// InvalidArgument naming the setting: a URL that is not http(s), a method outside the list, an
// auth header without "Name: value" or with CR/LF.
Status ValidateSmsGatewayConfig(const SmsGatewayConfig& c);
// 2xx is success; 408, 429, 5xx and network failures are Unavailable; 400 and 422 are
// InvalidArgument (permanent); anything else is FailedPrecondition (configuration: retried).
std::unique_ptr<Channel> MakeSmsGatewayChannel(SmsGatewayConfig config);

}  // namespace tamkine::notify
