// Real-socket tests of the Server on port 0: a tiny blocking POSIX (and OpenSSL) client talks
// to an in-process server; handlers synchronise with the test through promises, never sleeps.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/metrics.h"

namespace tamkine::http {
namespace {

using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking client connection with receive timeouts; TLS when given an SSL_CTX.
class Conn {
 public:
  explicit Conn(uint16_t port, SSL_CTX* tls = nullptr, std::chrono::seconds timeout = 10s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count());
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      connect_errno_ = errno;
      return;
    }
    connected_ = true;
    if (tls != nullptr) {
      ssl_ = SSL_new(tls);
      SSL_set_fd(ssl_, fd_);
      if (SSL_connect(ssl_) != 1) connected_ = false;
    }
  }
  ~Conn() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool connected() const { return connected_; }
  int connect_errno() const { return connect_errno_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ssl_ != nullptr ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                                  : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response: head, then a Content-Length body (none when head_only or absent).
  std::optional<RawResponse> Read(bool head_only = false) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse r;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
      pos = next + 2;
    }
    size_t length = 0;
    if (!head_only && r.headers.count("content-length")) {
      length = std::stoul(r.headers["content-length"]);
    }
    while (buf_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the peer closes (EOF or reset) before the receive timeout, with no further data.
  bool WaitClosed() {
    char c;
    ssize_t n = ssl_ != nullptr ? SSL_read(ssl_, &c, 1) : ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    if (n < 0 && ssl_ == nullptr) return errno == ECONNRESET;
    if (n < 0 && ssl_ != nullptr) return true;
    return false;
  }

  // Everything the peer sends until it closes (or the receive timeout).
  std::string ReadUntilClosed() {
    while (Fill()) {
    }
    return std::move(buf_);
  }

 private:
  bool Fill() {
    char tmp[16384];
    ssize_t n = ssl_ != nullptr ? SSL_read(ssl_, tmp, sizeof tmp) : ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool connected_ = false;
  int connect_errno_ = 0;
  std::string buf_;
};

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

std::string Post(const std::string& target, const std::string& body,
                 const std::string& extra = "") {
  return "POST " + target +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra + "\r\n" + body;
}

// The application used by the tests. /api/slow blocks until the test releases it.
class TestApp {
 public:
  Response Handle(Request& req) {
    if (req.path == "/api/echo") {
      req.route = "/api/echo";
      Response r;
      r.body = req.body;
      r.SetHeader("Content-Type", "text/plain");
      r.SetHeader("X-Seen-Query", req.Query("q").value_or(""));
      r.SetHeader("X-Seen-Tls", req.tls ? "1" : "0");
      return r;
    }
    if (req.path == "/api/hello" || req.path == "/api/small") {
      req.route = req.path;
      return Response::JsonBody(200, Json{{"hello", "world"}, {"id", req.request_id}});
    }
    if (req.path == "/api/slow") {
      req.route = "/api/slow";
      slow_entered.set_value();
      release.get_future().wait();
      return Response::JsonBody(200, Json{{"slow", true}});
    }
    if (req.path == "/api/throw") {
      req.route = "/api/throw";
      throw std::runtime_error("boom");
    }
    if (req.path == "/api/bad-header") {
      Response r;
      r.SetHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
      return r;
    }
    if (req.path == "/page") {
      Response r;
      r.body = "<html></html>";
      r.SetHeader("Content-Type", "text/html");
      return r;
    }
    return Response::FromStatus(NotFound("No such endpoint."));
  }

  std::promise<void> slow_entered;
  std::promise<void> release;
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions opts = {}) {
    opts.port = 0;
    server_ = std::make_unique<Server>(
        opts, [this](Request& r) { return app_.Handle(r); }, &metrics_);
    server_->set_body_limit([](std::string_view method, std::string_view path) -> size_t {
      return path == "/api/small" ? 16 : kDefaultBodyLimit;
    });
    Status st = server_->Listen();
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_NE(server_->port(), 0);
    run_done_ = std::async(std::launch::async, [this] { server_->Run(); });
  }

  void Stop() {
    if (!server_) return;
    server_->Shutdown();
    run_done_.wait();
    server_.reset();
  }

  void TearDown() override { Stop(); }

  uint16_t port() const { return server_->port(); }

  Metrics metrics_;
  TestApp app_;
  std::unique_ptr<Server> server_;
  std::future<void> run_done_;
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Get("/api/hello?x=1")));
  auto r1 = c.Read();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(r1->Header("content-type"), "application/json");
  EXPECT_NE(r1->Header("connection"), "close");
  Json j = Json::parse(r1->body);
  EXPECT_EQ(j["hello"], "world");
  EXPECT_EQ(j["id"], r1->Header("x-request-id"));
  EXPECT_EQ(r1->Header("x-request-id").size(), 26u);

  ASSERT_TRUE(c.Send(Post("/api/echo?q=a%20b", "payload")));
  auto r2 = c.Read();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r2->body, "payload");
  EXPECT_EQ(r2->Header("x-seen-query"), "a b");
  EXPECT_EQ(r2->Header("x-seen-tls"), "0");
  EXPECT_NE(r1->Header("x-request-id"), r2->Header("x-request-id"));
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Post("/api/echo", "one") + Post("/api/echo", "two")));
  auto r1 = c.Read();
  auto r2 = c.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->body, "one");
  EXPECT_EQ(r2->body, "two");
}

TEST_F(ServerTest, SecurityHeaders) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/hello") + Get("/page")));
  auto api = c.Read();
  auto page = c.Read();
  ASSERT_TRUE(api && page);
  for (const RawResponse* r : {&*api, &*page}) {
    EXPECT_EQ(r->Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r->Header("referrer-policy"), "no-referrer");
    EXPECT_EQ(r->Header("x-frame-options"), "DENY");
    EXPECT_EQ(r->Header("content-security-policy"),
              "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'");
    EXPECT_EQ(r->Header("strict-transport-security"), "");  // plain HTTP
    EXPECT_EQ(r->Header("server"), "");
  }
  EXPECT_EQ(api->Header("cache-control"), "no-store");
  EXPECT_EQ(page->Header("cache-control"), "");
}

TEST_F(ServerTest, RequestIdIsTakenWhenSafe) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/hello", "X-Request-Id: trace-42.a_b\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-request-id"), "trace-42.a_b");
  ASSERT_TRUE(c.Send(Get("/api/hello", "X-Request-Id: has space<script>\r\n")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-request-id").size(), 26u);
  ASSERT_TRUE(c.Send(Get("/api/hello", "X-Request-Id: " + std::string(65, 'a') + "\r\n")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-request-id").size(), 26u);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send("HEAD /api/hello HTTP/1.1\r\nHost: t\r\n\r\n" + Post("/api/echo", "after")));
  auto head = c.Read(/*head_only=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_GT(std::stoul(head->Header("content-length")), 0u);
  // The next response starts right away: proves no body bytes followed the HEAD response.
  auto next = c.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "after");
}

TEST_F(ServerTest, OversizeBodyGets413) {
  Start();
  {
    Conn c(port());
    ASSERT_TRUE(c.Send(Post("/api/small", std::string(100, 'x'))));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(Json::parse(r->body)["error"]["code"], "payload_too_large");
    EXPECT_EQ(r->Header("connection"), "close");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    // The default limit applies elsewhere, checked against Content-Length before any body.
    Conn c(port());
    ASSERT_TRUE(c.Send("POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    // Chunked bodies are counted as they arrive.
    Conn c(port());
    ASSERT_TRUE(
        c.Send("POST /api/small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               "20\r\n" +
               std::string(32, 'y') + "\r\n0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    Conn c(port());
    ASSERT_TRUE(c.Send(Post("/api/small", std::string(16, 'x'))));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(ServerTest, ExpectContinue) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(
      "POST /api/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto cont = c.Read(/*head_only=*/true);
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send("hello"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(ServerTest, HugeHeadersGet431) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/hello", "X-Big: " + std::string(10000, 'a') + "\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(Json::parse(r->body)["error"]["code"], "header_too_large");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, GarbageGets400) {
  Start();
  static constexpr char kTlsHello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n";
  for (const std::string& garbage :
       {std::string("HELLO THERE\r\n\r\n"), std::string("GET /x HTTP/1.1 extra\r\n\r\n"),
        std::string(kTlsHello, sizeof kTlsHello - 1),
        std::string("GET /api/%zz HTTP/1.1\r\nHost: t\r\n\r\n"),
        std::string("GET http://evil/ HTTP/1.1\r\nHost: t\r\n\r\n"),
        std::string("POST /api/echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    SCOPED_TRACE(garbage);
    Conn c(port());
    ASSERT_TRUE(c.Send(garbage));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(Json::parse(r->body)["error"]["code"], "invalid_argument");
    EXPECT_EQ(r->Header("cache-control"), "no-store");
    EXPECT_TRUE(c.WaitClosed());
  }
}

TEST_F(ServerTest, SlowClientGets408WhileOthersAreServed) {
  ServerOptions opts;
  opts.read_timeout = 1s;
  Start(opts);
  Conn slow(port());
  ASSERT_TRUE(slow.Send("GET /api/hello HTTP/1.1\r\nHost: t\r\n"));  // and then nothing
  auto t0 = std::chrono::steady_clock::now();

  Conn other(port());
  ASSERT_TRUE(other.Send(Get("/api/hello")));
  auto ok = other.Read();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 900ms);

  auto r = slow.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(Json::parse(r->body)["error"]["code"], "deadline_exceeded");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(slow.WaitClosed());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);
  EXPECT_NE(metrics_.RenderPrometheus().find("tamkine_http_errors_total{kind=\"read_timeout\"} 1"),
            std::string::npos);
}

TEST_F(ServerTest, IdleConnectionIsClosedSilently) {
  ServerOptions opts;
  opts.idle_timeout = 1s;
  Start(opts);
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/hello")));
  ASSERT_TRUE(c.Read());
  EXPECT_TRUE(c.WaitClosed());  // no 408 for a connection that sent nothing more
}

TEST_F(ServerTest, HandlerExceptionGives500AndServerCarriesOn) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/throw")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  Json j = Json::parse(r->body);
  EXPECT_EQ(j["error"]["code"], "internal");
  EXPECT_EQ(r->body.find("boom"), std::string::npos);
  ASSERT_TRUE(c.Send(Get("/api/hello")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, InvalidResponseHeadersAreDropped) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/bad-header")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-injected"), "");
  EXPECT_EQ(r->Header("set-cookie"), "");
}

TEST_F(ServerTest, MetricsUseRoutePatternsNeverRawPaths) {
  Start();
  Conn c(port());
  ASSERT_TRUE(c.Send(Post("/api/echo", "x") + Get("/api/unknown/01secretid")));
  ASSERT_TRUE(c.Read());
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  Stop();  // every request is recorded once the server is gone
  std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("tamkine_http_requests_total{method=\"POST\",route=\"/api/echo\","
                      "status=\"2xx\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"4xx\"} 1"), std::string::npos);
  EXPECT_EQ(text.find("01secretid"), std::string::npos);
  EXPECT_NE(text.find("tamkine_http_requests_in_flight 0"), std::string::npos);
}

TEST_F(ServerTest, ListenFailsOnUsedPort) {
  Start();
  ServerOptions opts;
  opts.port = port();
  Server second(
      opts, [](Request&) { return Response(); }, nullptr);
  Status st = second.Listen();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(second.port(), 0);
  second.Run();  // returns at once: not listening
}

TEST_F(ServerTest, ListenRejectsBadOptions) {
  ServerOptions opts;
  opts.port = 0;
  opts.address = "not an address";
  EXPECT_EQ(Server(opts, nullptr, nullptr).Listen().code(), StatusCode::kInvalidArgument);
  opts.address = "127.0.0.1";
  opts.tls_cert_file = "/nonexistent/cert.pem";
  EXPECT_EQ(Server(opts, nullptr, nullptr).Listen().code(), StatusCode::kInvalidArgument);
  opts.tls_key_file = "/nonexistent/key.pem";
  EXPECT_EQ(Server(opts, nullptr, nullptr).Listen().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ServerTest, GracefulShutdownFinishesInFlightAndRefusesNew) {
  Start();
  // An idle keep-alive connection, which shutdown closes at once.
  Conn idle(port());
  ASSERT_TRUE(idle.Send(Get("/api/hello")));
  ASSERT_TRUE(idle.Read());

  Conn busy(port());
  ASSERT_TRUE(busy.Send(Get("/api/slow")));
  app_.slow_entered.get_future().wait();

  server_->Shutdown();
  EXPECT_TRUE(idle.WaitClosed());

  // New connections are refused once the acceptor is closed (which happens asynchronously).
  auto deadline = std::chrono::steady_clock::now() + 5s;
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    Conn probe(port(), nullptr, 1s);
    if (!probe.connected()) {
      refused = probe.connect_errno() == ECONNREFUSED;
    } else {
      EXPECT_TRUE(probe.WaitClosed());  // accepted in the race: closed without an answer
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(run_done_.wait_for(0s), std::future_status::timeout);  // still draining

  app_.release.set_value();
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json::parse(r->body)["slow"], true);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_EQ(run_done_.wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, ShutdownGivesUpAfterGrace) {
  ServerOptions opts;
  opts.shutdown_grace = 1s;
  Start(opts);
  Conn busy(port());
  ASSERT_TRUE(busy.Send(Get("/api/slow")));
  app_.slow_entered.get_future().wait();
  auto t0 = std::chrono::steady_clock::now();
  server_->Shutdown();
  EXPECT_EQ(run_done_.wait_for(10s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);
  app_.release.set_value();  // lets ~Server join the worker
  server_.reset();
  EXPECT_TRUE(busy.WaitClosed());
}

TEST_F(ServerTest, ShutdownBeforeRunReturnsPromptly) {
  ServerOptions opts;
  opts.port = 0;
  server_ = std::make_unique<Server>(opts, nullptr, nullptr);
  ASSERT_TRUE(server_->Listen().ok());
  server_->Shutdown();
  server_->Shutdown();  // idempotent
  server_->Run();
  server_.reset();
}

TEST_F(ServerTest, MultipleIoThreads) {
  ServerOptions opts;
  opts.io_threads = 3;
  opts.worker_threads = 2;
  Start(opts);
  std::vector<std::future<int>> results;
  for (int i = 0; i < 8; ++i) {
    results.push_back(std::async(std::launch::async, [this, i] {
      Conn c(port());
      int ok = 0;
      for (int k = 0; k < 5; ++k) {
        std::string body = "c" + std::to_string(i) + "-" + std::to_string(k);
        if (!c.Send(Post("/api/echo", body))) return ok;
        auto r = c.Read();
        if (r && r->body == body) ++ok;
      }
      return ok;
    }));
  }
  for (auto& f : results) EXPECT_EQ(f.get(), 5);
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitAreClosed) {
  ServerOptions opts;
  opts.max_connections = 2;
  Start(opts);
  Conn a(port());
  Conn b(port());
  // A response on each proves both are registered before the third arrives.
  ASSERT_TRUE(a.Send(Get("/api/hello")) && a.Read());
  ASSERT_TRUE(b.Send(Get("/api/hello")) && b.Read());
  Conn c(port());
  ASSERT_TRUE(c.connected());
  c.Send(Get("/api/hello"));
  EXPECT_TRUE(c.WaitClosed());
  ASSERT_TRUE(a.Send(Get("/api/hello")));
  auto r = a.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, SigtermShutsDownWhenAsked) {
  ServerOptions opts;
  opts.handle_signals = true;
  Start(opts);
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/hello")));
  ASSERT_TRUE(c.Read());  // Run is up, so the signal set is installed
  std::raise(SIGTERM);
  EXPECT_EQ(run_done_.wait_for(10s), std::future_status::ready);
}

// TLS: a throwaway self-signed certificate made with OpenSSL.
class TlsServerTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tamkine_tls_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    ASSERT_NE(key, nullptr);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
    FILE* f = std::fopen((dir_ / "cert.pem").c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
    f = std::fopen((dir_ / "key.pem").c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(client_ctx_, SSL_VERIFY_NONE, nullptr);
  }
  void TearDown() override {
    Stop();
    SSL_CTX_free(client_ctx_);
    std::filesystem::remove_all(dir_);
  }
  ServerOptions TlsOptions() {
    ServerOptions opts;
    opts.tls_cert_file = (dir_ / "cert.pem").string();
    opts.tls_key_file = (dir_ / "key.pem").string();
    return opts;
  }

  std::filesystem::path dir_;
  SSL_CTX* client_ctx_ = nullptr;
};

TEST_F(TlsServerTest, ServesHttpsWithHsts) {
  Start(TlsOptions());
  Conn c(port(), client_ctx_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Post("/api/echo", "secret")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "secret");
  EXPECT_EQ(r->Header("x-seen-tls"), "1");
  EXPECT_EQ(r->Header("strict-transport-security"), "max-age=63072000; includeSubDomains");
  ASSERT_TRUE(c.Send(Get("/api/hello")));  // keep-alive over TLS
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(TlsServerTest, PlainHttpOnTlsPortGetsNothing) {
  Start(TlsOptions());
  Conn c(port());
  ASSERT_TRUE(c.Send(Get("/api/hello")));
  std::string received = c.ReadUntilClosed();
  EXPECT_EQ(received.find("HTTP/"), std::string::npos);
}

TEST_F(TlsServerTest, MismatchedKeyIsRejected) {
  ServerOptions opts = TlsOptions();
  opts.tls_key_file = opts.tls_cert_file;  // a certificate is not a key
  opts.port = 0;
  Server s(opts, nullptr, nullptr);
  EXPECT_EQ(s.Listen().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tamkine::http
