#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "crypto/encoding.h"
#include "crypto/totp.h"

namespace tamkine::testing {

std::string TamkineBinary() { return TAMKINE_BIN; }

std::vector<std::string> Backends() {
  std::vector<std::string> out = {"sqlite"};
  const char* pg = std::getenv("TAMKINE_TEST_PG_URL");
  if (pg != nullptr && *pg != '\0') out.push_back("postgresql");
  return out;
}

std::string FreshPostgresDatabase(const std::string& base_url) {
  static std::atomic<int> counter{0};
  std::string name = "tamkine_it_" + std::to_string(getpid()) + "_" + std::to_string(++counter) +
                     "_" + std::to_string(time(nullptr));
  PGconn* conn = PQconnectdb(base_url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to PostgreSQL: " + err);
  }
  PGresult* res = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("CREATE DATABASE failed");
  // postgresql://[userinfo@][host][:port]/dbname[?params]
  auto scheme = base_url.find("://");
  auto slash = base_url.find('/', scheme + 3);
  if (scheme == std::string::npos || slash == std::string::npos) {
    throw std::runtime_error("TAMKINE_TEST_PG_URL must be a postgresql:// URL with a database");
  }
  auto q = base_url.find('?', slash);
  return base_url.substr(0, slash + 1) + name +
         (q == std::string::npos ? std::string() : base_url.substr(q));
}

Json HttpResponse::json() const {
  auto j = ParseJson(body);
  return j.ok() ? *j : Json();
}

namespace {

std::string MakeTempDir(const char* prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / prefix).string() + ".XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> v;
  for (auto& a : args) v.push_back(a.data());
  v.push_back(nullptr);
  return v;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& database_url, std::vector<std::string> extra,
                             const std::string& data_dir) {
  root_ = MakeTempDir("tamkine-it");
  data_dir_ = data_dir.empty() ? root_ + "/var" : data_dir;
  key_dir_ = root_ + "/keys";
  database_url_ = database_url;
  args_ = {TamkineBinary(), "serve",     "--port", "0",      "--data-dir",
           data_dir_,       "--key-dir", key_dir_, "--demo", "--insecure-test-kdf"};
  if (!database_url.empty()) {
    args_.push_back("--database");
    args_.push_back(database_url);
  }
  for (auto& e : extra) args_.push_back(e);
  // A few synthetic cases keep every test's start fast; tests that want more pass their own.
  bool demo_cases = false;
  for (auto& e : extra) demo_cases = demo_cases || e == "--demo-cases";
  if (!demo_cases) args_.insert(args_.end(), {"--demo-cases", "5"});
  Start();
}

bool ServerProcess::Start() {
  if (pid_ > 0) return started();
  std::vector<std::string> args = args_;
  int pipefd[2];
  if (pipe(pipefd) != 0) return false;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    auto argv = Argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  // Read until the "listening on" line (or 60 s, or the process exits).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string buf;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{pipefd[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char tmp[4096];
    ssize_t n = read(pipefd[0], tmp, sizeof tmp);
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
    auto pos = buf.find("listening on http://127.0.0.1:");
    if (pos != std::string::npos) {
      auto end = buf.find_first_not_of("0123456789", pos + 30);
      if (end != std::string::npos) {
        port_ = std::stoi(buf.substr(pos + 30, end - pos - 30));
        break;
      }
    }
  }
  output_ = buf;
  // Keep draining the server's output so it never blocks on a full pipe.
  int fd = pipefd[0];
  std::thread([fd] {
    char tmp[4096];
    while (read(fd, tmp, sizeof tmp) > 0) {
    }
    close(fd);
  }).detach();
  return started();
}

ServerProcess::~ServerProcess() {
  Stop(SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

int ServerProcess::Stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  port_ = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -1;
}

int ServerProcess::RunTool(std::vector<std::string> args, std::string* out) const {
  std::vector<std::string> full = {TamkineBinary()};
  for (auto& a : args) full.push_back(a);
  full.insert(full.end(), {"--data-dir", data_dir_, "--key-dir", key_dir_});
  if (!database_url_.empty()) full.insert(full.end(), {"--database", database_url_});
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    auto argv = Argv(full);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  char tmp[4096];
  ssize_t n;
  while ((n = read(pipefd[0], tmp, sizeof tmp)) > 0) out->append(tmp, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Client::Raw(const std::string& bytes, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return {};
  }
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char tmp[8192];
    ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) break;
    out.append(tmp, static_cast<size_t>(n));
    // Stop once one complete response with Content-Length has arrived.
    auto hdr_end = out.find("\r\n\r\n");
    if (hdr_end != std::string::npos) {
      std::string head = out.substr(0, hdr_end);
      for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto cl = head.find("content-length:");
      if (cl != std::string::npos) {
        size_t len = std::stoul(head.substr(cl + 15));
        if (out.size() >= hdr_end + 4 + len) break;
      }
    }
  }
  close(fd);
  return out;
}

HttpResponse Client::Request(const std::string& method, const std::string& target,
                             const std::string& body,
                             std::vector<std::pair<std::string, std::string>> headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!cookies.empty()) {
    std::string c;
    for (auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
    req += "Cookie: " + c + "\r\n";
  }
  for (auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  std::string raw = Raw(req, 30000);
  HttpResponse r;
  auto hdr_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || hdr_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  size_t pos = raw.find("\r\n") + 2;
  while (pos < hdr_end) {
    size_t eol = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      if (name == "set-cookie") {
        r.set_cookies.push_back(value);
        auto eq = value.find('=');
        auto semi = value.find(';');
        std::string cname = value.substr(0, eq);
        std::string cval = value.substr(eq + 1, semi - eq - 1);
        if (value.find("Max-Age=0") != std::string::npos || cval.empty()) {
          cookies.erase(cname);
        } else {
          cookies[cname] = cval;
        }
      }
      r.headers[name] = value;
    }
    pos = eol + 2;
  }
  r.body = raw.substr(hdr_end + 4);
  return r;
}

HttpResponse Client::Send(const std::string& method, const std::string& target, const Json& body) {
  std::vector<std::pair<std::string, std::string>> h = {{"Content-Type", "application/json"}};
  if (!csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
  return Request(method, target, body.is_null() ? std::string() : DumpJson(body), h);
}

HttpResponse Client::Login(const std::string& username, const std::string& password,
                           const std::string& totp_secret_base32) {
  Json body = {{"username", username}, {"password", password}};
  if (!totp_secret_base32.empty()) {
    auto secret = crypto::Base32Decode(totp_secret_base32);
    body["totp_code"] = crypto::TotpCode(*secret, time(nullptr));
  }
  HttpResponse r = Send("POST", "/api/v1/auth/login", body);
  if (r.status == 200) csrf = r.json().value("csrf_token", "");
  return r;
}

}  // namespace tamkine::testing
