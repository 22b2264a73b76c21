// Integration-test harness: starts the real `tamkine serve` binary on port 0 with a temporary data
// and key directory (SQLite, or PostgreSQL when given a URL), and a minimal HTTP/1.1 client over
// POSIX sockets that keeps cookies like a browser.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"

namespace tamkine::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::vector<std::string> set_cookies;
  std::string body;
  Json json() const;
};

class ServerProcess {
 public:
  // Starts the server; `database_url` empty = SQLite in a temporary data directory, or in
  // `data_dir` when given (which is then left in place). `extra_args` are appended to the serve
  // command line.
  explicit ServerProcess(const std::string& database_url = {},
                         std::vector<std::string> extra_args = {},
                         const std::string& data_dir = {});
  ~ServerProcess();

  // Starts the server again on the same data and keys (after Stop, e.g. a SIGKILL); returns
  // started().
  bool Start();

  bool started() const { return port_ != 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& key_dir() const { return key_dir_; }
  const std::string& output() const { return output_; }

  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop(int signal = 15);
  // Runs the binary with `args` plus this server's --data-dir/--key-dir/--database; returns exit
  // code and captures stdout+stderr into *out.
  int RunTool(std::vector<std::string> args, std::string* out) const;

 private:
  std::string root_, data_dir_, key_dir_, database_url_, output_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class Client {
 public:
  explicit Client(int port) : port_(port) {}

  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::string& body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {});
  // JSON helpers: add Content-Type and the CSRF token once signed in.
  HttpResponse Get(const std::string& target) { return Request("GET", target); }
  HttpResponse Send(const std::string& method, const std::string& target, const Json& body);
  // Raw bytes on a fresh connection; returns everything read until close or timeout.
  std::string Raw(const std::string& bytes, int timeout_ms = 5000);

  // Signs in (computing the TOTP code from `totp_secret_base32` when given).
  HttpResponse Login(const std::string& username, const std::string& password,
                     const std::string& totp_secret_base32 = {});

  std::string csrf;
  std::map<std::string, std::string> cookies;

 private:
  int port_;
};

// The binary under test (set by CMake).
std::string TamkineBinary();

// The backends integration tests run on: "" (SQLite) always, and a fresh PostgreSQL database
// (created for the caller) when TAMKINE_TEST_PG_URL is set.
std::vector<std::string> Backends();
// Creates a new empty database on the PostgreSQL server of `base_url` and returns its URL.
std::string FreshPostgresDatabase(const std::string& base_url);

}  // namespace tamkine::testing
