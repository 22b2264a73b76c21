#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "http/beast_pch.h"
#include "http/metrics.h"
#include "http/status_mapping.h"
#include "http/url.h"

namespace tamkine::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

// How long, and how much, to keep reading (and discarding) after answering a request whose body
// was not read, so that closing does not reset the connection before the client reads the error.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kMaxLingerBytes = 4 << 20;
constexpr auto kTlsShutdownTime = std::chrono::seconds(2);
constexpr size_t kReadChunk = 8192;

// GCC 12 may destroy a non-trivial temporary created inside a co_await expression twice
// (GCC PR 100611), which corrupts reference counts (strands, executors) and strings. So in this
// file every co_await operand is built from named locals or trivially destructible values, and
// coroutines take non-trivial arguments by reference (the caller is suspended meanwhile).
auto Await(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Methods are attacker-chosen text; logs and labels only ever see the standard ones.
std::string_view MethodLabel(std::string_view m) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (m == known) return known;
  }
  return "OTHER";
}

bool IsSafeRequestId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

bool IsHeaderName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool IsHeaderValue(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == 0; });
}

bool IEquals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

void LogCoroutineEnd(std::exception_ptr e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("http: {} ended with an exception: {}", what, ex.what());
  } catch (...) {
    spdlog::error("http: {} ended with an unknown exception", what);
  }
}

// A connection as the server core sees it, for shutdown.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is waiting for a request; otherwise it closes after its current
  // response. Thread-safe (posts to the session's strand).
  virtual void OnShutdown() = 0;
  // Closes the connection now. Thread-safe.
  virtual void ForceClose() = 0;
};

}  // namespace

// Everything the sessions share. Member order matters for destruction: the worker pool is
// joined first (its completions then only queue on the stopped io_context), then the
// io_context destroys any suspended sessions, and only then the TLS context and the registry.
class ServerCore {
 public:
  ServerCore(ServerOptions o, App a, Metrics* m)
      : opts(std::move(o)),
        app(std::move(a)),
        metrics(m),
        ioc(std::max(1, opts.io_threads)),
        control(asio::make_strand(ioc)),
        drain_timer(control),
        pool(static_cast<size_t>(std::max(1, opts.worker_threads))) {}

  Status LoadTls();
  void RunIo();
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> ShutdownSequence();
  void StartSession(tcp::socket socket);
  void Deregister(uint64_t id);

  // Runs the application for req on the worker pool and resumes on the caller's executor.
  asio::awaitable<Response> RunApp(Request& req);
  Response CallApp(Request& req);
  // Runs source.Pull on the worker pool and resumes on the caller's executor; false (the stream
  // ends) if Pull throws.
  asio::awaitable<bool> RunPull(StreamSource& source, std::string& out);
  size_t BodyLimitFor(std::string_view method, std::string_view path);
  // Access log line and metrics for one answered request.
  void Record(const Request& req, int status, SteadyClock::time_point start, size_t bytes);
  void CountError(std::string_view kind) {
    if (metrics != nullptr) metrics->CountError(kind);
  }

  const ServerOptions opts;
  const App app;
  Metrics* const metrics;
  BodyLimitFn body_limit;

  std::mutex mu;  // guards sessions, next_session_id, drain_waiting
  std::map<uint64_t, std::weak_ptr<SessionBase>> sessions;
  uint64_t next_session_id = 0;
  bool drain_waiting = false;

  std::optional<ssl::context> ssl_ctx;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> control;  // acceptor, signals, shutdown
  std::optional<tcp::acceptor> acceptor;
  asio::steady_timer drain_timer;
  std::optional<asio::signal_set> signals;
  asio::thread_pool pool;

  std::atomic<bool> stopping{false};
  std::atomic<uint16_t> bound_port{0};
  bool listening = false;
};

struct Server::Impl : ServerCore {
  using ServerCore::ServerCore;
};

namespace {

// One connection: a coroutine that reads requests one after another (keep-alive), each under a
// deadline, hands them to the worker pool and writes the responses. Every step runs on the
// connection's strand; the only cross-thread entries are OnShutdown/ForceClose, which post.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(ServerCore* core, tcp::socket&& socket, std::string client_addr)
      : core_(core),
        stream_(MakeStream(core, std::move(socket))),
        deadline_(stream_.get_executor()),
        stream_timer_(stream_.get_executor()),
        client_addr_(std::move(client_addr)) {}

  void set_id(uint64_t id) { id_ = id; }
  auto executor() { return stream_.get_executor(); }

  static asio::awaitable<void> Run(std::shared_ptr<Session> self) {
    try {
      co_await self->Serve();
    } catch (const std::exception& e) {
      spdlog::error("http: connection ended with an exception: {}", e.what());
    } catch (...) {
      spdlog::error("http: connection ended with an unknown exception");
    }
    self->StopDeadline();
    beast::get_lowest_layer(self->stream_).close();
    self->core_->Deregister(self->id_);
  }

  void OnShutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::kIdle) {
        error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
      } else if (self->state_ == State::kStreaming) {
        self->stream_timer_.cancel();  // the stream loop sees `stopping` and ends
      }
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  enum class State { kIdle, kReading, kBusy, kStreaming };
  // What to do after one request.
  enum class Next { kKeepAlive, kClose, kCloseLinger, kDrop };

  static Stream MakeStream(ServerCore* core, tcp::socket&& socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *core->ssl_ctx);
    } else {
      return Stream(std::move(socket));
    }
  }

  asio::awaitable<void> Serve() {
    error_code ec;
    auto& lowest = beast::get_lowest_layer(stream_);
    if constexpr (kTls) {
      lowest.expires_after(core_->opts.read_timeout);
      co_await stream_.async_handshake(ssl::stream_base::server, Await(ec));
      lowest.expires_never();
      if (ec) {
        core_->CountError("tls_handshake");
        co_return;
      }
    }
    for (;;) {
      Next next = co_await ServeOne();
      if (next == Next::kKeepAlive) continue;
      if (next != Next::kDrop) co_await Close(next == Next::kCloseLinger);
      co_return;
    }
  }

  // Reads, handles and answers one request.
  asio::awaitable<Next> ServeOne() {
    error_code ec;
    auto& lowest = beast::get_lowest_layer(stream_);
    const ServerOptions& opts = core_->opts;

    // Wait for the first byte of the next request under the idle timeout; an idle connection
    // is closed silently (the stream closes the socket when the timer fires).
    state_ = State::kIdle;
    if (core_->stopping) co_return Next::kClose;
    if (buffer_.size() == 0) {
      lowest.expires_after(opts.idle_timeout);
      size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), Await(ec));
      lowest.expires_never();
      if (ec) co_return Next::kDrop;
      buffer_.commit(n);
    }

    // From here the whole request (head and body) must arrive within read_timeout.
    state_ = State::kReading;
    const SteadyClock::time_point start = SteadyClock::now();
    StartDeadline(opts.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(std::min<size_t>(opts.max_header_bytes, UINT32_MAX)));
    // The route's limit is only known once the head is read; Content-Length is checked then.
    // (Not boost::none: Beast 1.74 compares Content-Length against the optional and a disengaged
    // one counts as smaller than any length.)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    Request req;
    req.tls = kTls;
    req.client_addr = client_addr_;
    co_await bhttp::async_read_header(stream_, buffer_, parser, Await(ec));
    if (ec) {
      req.request_id = NewId();
      co_return co_await FailRead(ec, req, 11, start);
    }

    auto& msg = parser.get();
    const unsigned version = msg.version();
    if (auto it = msg.find("X-Request-Id"); it != msg.end() && IsSafeRequestId(it->value())) {
      req.request_id = std::string(it->value());
    } else {
      req.request_id = NewId();
    }
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    StatusOr<ParsedTarget> parsed = ParseTarget(req.target);
    if (!parsed.ok()) {
      StopDeadline();
      core_->CountError("bad_request");
      Response bad = Response::FromStatus(parsed.status());
      co_await Write(bad, req, version, true, start);
      co_return Next::kCloseLinger;
    }
    req.path = std::move(parsed->path);
    req.query = std::move(parsed->query);

    const size_t limit = core_->BodyLimitFor(req.method, req.path);
    if (auto length = parser.content_length(); length && *length > limit) {
      co_return co_await FailRead(bhttp::error::body_limit, req, version, start);
    }
    parser.body_limit(limit);  // for chunked bodies
    if (timed_out_) {
      // The deadline fired just as the head completed; the body would otherwise be unbounded.
      co_return co_await FailRead(asio::error::timed_out, req, version, start);
    }
    if (!parser.is_done()) {
      if (auto it = msg.find(bhttp::field::expect);
          it != msg.end() && IEquals(it->value(), "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
        co_await bhttp::async_write(stream_, cont, Await(ec));
        if (ec) co_return co_await FailRead(ec, req, version, start);
      }
      co_await bhttp::async_read(stream_, buffer_, parser, Await(ec));
      if (ec) co_return co_await FailRead(ec, req, version, start);
    }
    StopDeadline();

    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    const bool keep_alive = msg.keep_alive();

    state_ = State::kBusy;
    if (core_->metrics != nullptr) core_->metrics->AddInFlight(1);
    Response res = co_await core_->RunApp(req);
    if (core_->metrics != nullptr) core_->metrics->AddInFlight(-1);

    if (res.stream && req.method != "HEAD" && res.status == 200 && !core_->stopping) {
      co_await StreamOut(res, req, version, start);
      co_return Next::kDrop;
    }
    res.stream.reset();
    const bool close = !keep_alive || core_->stopping;
    bool written = co_await Write(res, req, version, close, start);
    if (!written) co_return Next::kDrop;
    co_return close ? Next::kClose : Next::kKeepAlive;
  }

  // Answers a request that could not be read completely, or drops the connection when there is
  // nobody to answer.
  asio::awaitable<Next> FailRead(error_code ec, Request& req, unsigned version,
                                 SteadyClock::time_point start) {
    StopDeadline();
    Response res;
    if (timed_out_) {
      core_->CountError("read_timeout");
      res = Response::FromStatus(
          Status(StatusCode::kDeadlineExceeded, "The request was not received in time."));
    } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      core_->CountError("header_too_large");
      res = Response::Error(431, "header_too_large", "The request headers are too large.");
    } else if (ec == bhttp::error::body_limit) {
      core_->CountError("body_too_large");
      res = Response::FromStatus(
          Status(StatusCode::kPayloadTooLarge, "The request body is too large."));
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
               ec != bhttp::error::need_more) {
      core_->CountError("bad_request");
      res = Response::FromStatus(InvalidArgument("Malformed HTTP request."));
    } else {
      // The peer went away (or we are being force-closed): nobody to answer.
      co_return Next::kDrop;
    }
    co_await Write(res, req, version, /*close=*/true, start);
    co_return Next::kCloseLinger;
  }

  // Writes res with the default headers; logs and records it. Returns false if the write failed.
  asio::awaitable<bool> Write(Response& res, const Request& req, unsigned version, bool close,
                              SteadyClock::time_point start) {
    bhttp::response<bhttp::string_body> out;
    const int status = FillHead(res, req, version, close, out);

    size_t bytes = 0;
    const bool bodyless = status == 204 || status == 304;
    if (!bodyless) {
      out.content_length(res.body.size());
      if (req.method != "HEAD") {
        bytes = res.body.size();
        out.body() = std::move(res.body);
      }
    }

    error_code ec;
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(core_->opts.idle_timeout);
    co_await bhttp::async_write(stream_, out, Await(ec));
    lowest.expires_never();
    core_->Record(req, status, start, bytes);
    if (ec) core_->CountError("write_failed");
    co_return !ec;
  }

  // Streams res.stream (see StreamSource): the head, then pull → write → wait until the source
  // ends, a write fails (the client went away or stalled past idle_timeout) or the server stops.
  // The connection is closed afterwards (the body has no length).
  asio::awaitable<void> StreamOut(Response& res, const Request& req, unsigned version,
                                  SteadyClock::time_point start) {
    std::shared_ptr<StreamSource> source = std::move(res.stream);
    bhttp::response<bhttp::empty_body> out;
    const int status = FillHead(res, req, version, /*close=*/true, out);
    bhttp::response_serializer<bhttp::empty_body> serializer(out);
    error_code ec;
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(core_->opts.idle_timeout);
    co_await bhttp::async_write_header(stream_, serializer, Await(ec));
    lowest.expires_never();
    size_t bytes = 0;
    if (!ec) {
      state_ = State::kStreaming;
      woken_ = false;
      std::weak_ptr<Session> weak = this->weak_from_this();
      source->Start([weak] {
        auto self = weak.lock();
        if (!self) return;
        asio::post(self->stream_.get_executor(), [self] {
          self->woken_ = true;
          self->stream_timer_.cancel();
        });
      });
      std::string chunk;
      for (;;) {
        chunk.clear();
        const bool more = co_await core_->RunPull(*source, chunk);
        if (!chunk.empty()) {
          lowest.expires_after(core_->opts.idle_timeout);
          co_await asio::async_write(stream_, asio::buffer(chunk), Await(ec));
          lowest.expires_never();
          if (ec) break;
          bytes += chunk.size();
        }
        if (!more || core_->stopping) break;
        if (!woken_) {
          stream_timer_.expires_after(source->tick());
          co_await stream_timer_.async_wait(Await(ec));
        }
        woken_ = false;
        if (core_->stopping) break;
      }
    }
    state_ = State::kBusy;
    source.reset();  // unsubscribes before the connection closes
    core_->Record(req, status, start, bytes);
    lowest.close();
  }

  // The status line and headers of res with the server's defaults; returns the status sent.
  template <class Message>
  int FillHead(const Response& res, const Request& req, unsigned version, bool close,
               Message& out) {
    out.version(version);
    // 1xx would leave the connection in an upgrade/continue state we do not implement.
    int status = res.status >= 200 && res.status <= 599 ? res.status : 500;
    out.result(static_cast<unsigned>(status));
    for (auto& [name, value] : res.headers) {
      if (!IsHeaderName(name) || !IsHeaderValue(value)) {
        spdlog::error("http: request_id={} dropped an invalid response header", req.request_id);
        continue;
      }
      // Framing is the server's business.
      if (IEquals(name, "content-length") || IEquals(name, "transfer-encoding") ||
          IEquals(name, "connection")) {
        continue;
      }
      out.insert(name, value);
    }
    auto set_default = [&out](std::string_view name, std::string_view value) {
      if (out.find(name) == out.end()) out.set(name, value);
    };
    set_default("X-Content-Type-Options", "nosniff");
    set_default("Referrer-Policy", "no-referrer");
    set_default("X-Frame-Options", "DENY");
    set_default("Content-Security-Policy",
                "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'");
    if (req.path.empty() || IsApiPath(req.path)) set_default("Cache-Control", "no-store");
    if constexpr (kTls) {
      set_default("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    out.set("X-Request-Id", req.request_id);
    out.keep_alive(!close);
    return status;
  }

  // Ends the connection politely: TLS close_notify, or a TCP half-close, optionally followed by
  // reading and discarding what the client is still sending (bounded in time and size).
  asio::awaitable<void> Close(bool linger) {
    state_ = State::kIdle;
    error_code ec;
    auto& lowest = beast::get_lowest_layer(stream_);
    if constexpr (kTls) {
      lowest.expires_after(kTlsShutdownTime);
      co_await stream_.async_shutdown(Await(ec));
    } else {
      lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (linger && !ec) {
        lowest.expires_after(kLingerTime);
        size_t drained = 0;
        while (drained < kMaxLingerBytes && !core_->stopping) {
          size_t n = co_await lowest.async_read_some(buffer_.prepare(kReadChunk), Await(ec));
          if (ec) break;
          drained += n;
        }
      }
    }
    lowest.close();
  }

  // Beast's own stream timeout closes the socket, which would make a 408 impossible; this
  // deadline only cancels the pending read so the session can still answer.
  void StartDeadline(SteadyClock::duration d) {
    timed_out_ = false;
    const uint64_t gen = ++deadline_gen_;
    deadline_.expires_after(d);
    deadline_.async_wait([self = this->shared_from_this(), gen](error_code ec) {
      if (ec || gen != self->deadline_gen_) return;
      self->timed_out_ = true;
      error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
    });
  }

  void StopDeadline() {
    ++deadline_gen_;
    deadline_.cancel();
  }

  ServerCore* const core_;
  Stream stream_;
  asio::steady_timer deadline_;
  asio::steady_timer stream_timer_;  // the wait between two pulls of a stream
  const std::string client_addr_;
  beast::flat_buffer buffer_;
  uint64_t id_ = 0;
  State state_ = State::kIdle;
  uint64_t deadline_gen_ = 0;
  bool timed_out_ = false;
  bool woken_ = false;  // a stream source asked for a pull while none was waiting
};

}  // namespace

Status ServerCore::LoadTls() {
  try {
    ssl_ctx.emplace(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Internal(std::string("cannot create TLS context: ") + e.what());
  }
  error_code ec;
  ssl_ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (!ec) ssl_ctx->use_certificate_chain_file(opts.tls_cert_file, ec);
  if (ec) {
    ssl_ctx.reset();
    return FailedPrecondition("cannot load TLS certificate " + opts.tls_cert_file + ": " +
                              ec.message());
  }
  ssl_ctx->use_private_key_file(opts.tls_key_file, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(ssl_ctx->native_handle()) != 1) {
    ssl_ctx.reset();
    return FailedPrecondition("cannot load TLS key " + opts.tls_key_file +
                              (ec ? ": " + ec.message() : ": it does not match the certificate"));
  }
  return Status::Ok();
}

void ServerCore::RunIo() {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: I/O handler threw: {}", e.what());
    } catch (...) {
      spdlog::error("http: I/O handler threw an unknown exception");
    }
  }
}

asio::awaitable<void> ServerCore::AcceptLoop() {
  for (;;) {
    error_code ec;
    auto strand = asio::make_strand(ioc);
    auto socket = co_await acceptor->async_accept(strand, Await(ec));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
      spdlog::warn("http: accept failed: {}", ec.message());
      CountError("accept");
      // Typically out of file descriptors: back off instead of spinning.
      asio::steady_timer pause(control, std::chrono::milliseconds(50));
      co_await pause.async_wait(Await(ec));
      continue;
    }
    StartSession(tcp::socket(std::move(socket)));
  }
}

void ServerCore::StartSession(tcp::socket socket) {
  error_code ec;
  bool full;
  {
    std::lock_guard lock(mu);
    full = sessions.size() >= opts.max_connections;
  }
  if (full) {
    CountError("too_many_connections");
    socket.close(ec);
    return;
  }
  tcp::endpoint remote = socket.remote_endpoint(ec);
  std::string addr = ec ? std::string() : remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);
  auto launch = [this](auto session) {
    {
      std::lock_guard lock(mu);
      session->set_id(++next_session_id);
      sessions.emplace(next_session_id, session);
    }
    auto ex = session->executor();
    using S = typename decltype(session)::element_type;
    asio::co_spawn(ex, S::Run(std::move(session)),
                   [](std::exception_ptr e) { LogCoroutineEnd(e, "connection"); });
  };
  if (ssl_ctx) {
    launch(std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(this, std::move(socket),
                                                                           std::move(addr)));
  } else {
    launch(std::make_shared<Session<beast::tcp_stream>>(this, std::move(socket), std::move(addr)));
  }
}

void ServerCore::Deregister(uint64_t id) {
  std::lock_guard lock(mu);
  sessions.erase(id);
  if (drain_waiting && sessions.empty()) {
    drain_waiting = false;
    asio::post(control, [this] { drain_timer.cancel(); });
  }
}

asio::awaitable<void> ServerCore::ShutdownSequence() {
  error_code ec;
  if (acceptor) acceptor->close(ec);
  if (signals) signals->cancel(ec);
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu);
    for (const auto& [id, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    drain_waiting = !sessions.empty();
  }
  spdlog::info("http: shutting down, {} open connection(s)", live.size());
  const bool wait = !live.empty();
  for (const auto& s : live) s->OnShutdown();
  live.clear();
  if (wait) {
    drain_timer.expires_after(opts.shutdown_grace);
    co_await drain_timer.async_wait(Await(ec));
    {
      std::lock_guard lock(mu);
      for (const auto& [id, weak] : sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    if (!live.empty()) {
      spdlog::warn("http: grace period over, closing {} connection(s)", live.size());
    }
    for (const auto& s : live) s->ForceClose();
  }
  ioc.stop();
}

asio::awaitable<Response> ServerCore::RunApp(Request& req) {
  auto ex = co_await asio::this_coro::executor;
  auto initiation = [this, &req, ex](auto handler) {
    // Keeps the I/O context from running out of work while the worker holds the request.
    auto tracked = asio::prefer(ex, asio::execution::outstanding_work.tracked);
    asio::post(pool, [this, &req, tracked, handler = std::move(handler)]() mutable {
      Response res = CallApp(req);
      asio::post(tracked, [handler = std::move(handler), res = std::move(res)]() mutable {
        std::move(handler)(std::move(res));
      });
    });
  };
  auto op = asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(
      std::move(initiation), asio::use_awaitable);
  Response res = co_await std::move(op);
  co_return res;
}

asio::awaitable<bool> ServerCore::RunPull(StreamSource& source, std::string& out) {
  auto ex = co_await asio::this_coro::executor;
  auto initiation = [this, &source, &out, ex](auto handler) {
    auto tracked = asio::prefer(ex, asio::execution::outstanding_work.tracked);
    asio::post(pool, [this, &source, &out, tracked, handler = std::move(handler)]() mutable {
      bool more = false;
      try {
        more = source.Pull(&out);
      } catch (const std::exception& e) {
        spdlog::error("http: stream source threw: {}", e.what());
        CountError("handler_exception");
      } catch (...) {
        CountError("handler_exception");
      }
      asio::post(tracked,
                 [handler = std::move(handler), more]() mutable { std::move(handler)(more); });
    });
  };
  auto op = asio::async_initiate<const asio::use_awaitable_t<>&, void(bool)>(std::move(initiation),
                                                                             asio::use_awaitable);
  bool more = co_await std::move(op);
  co_return more;
}

Response ServerCore::CallApp(Request& req) {
  try {
    return app(req);
  } catch (const std::exception& e) {
    spdlog::error("http: request_id={} handler threw: {}", req.request_id, e.what());
  } catch (...) {
    spdlog::error("http: request_id={} handler threw an unknown exception", req.request_id);
  }
  CountError("handler_exception");
  return Response::Error(500, StatusCodeName(StatusCode::kInternal),
                         PublicMessage(Internal("handler exception")));
}

size_t ServerCore::BodyLimitFor(std::string_view method, std::string_view path) {
  if (!body_limit) return kDefaultBodyLimit;
  try {
    return body_limit(method, path);
  } catch (...) {
    spdlog::error("http: body limit callback threw");
    return kDefaultBodyLimit;
  }
}

void ServerCore::Record(const Request& req, int status, SteadyClock::time_point start,
                        size_t bytes) {
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::string_view route = req.route.empty() ? std::string_view("unmatched") : req.route;
  spdlog::info("access request_id={} method={} route={} status={} duration_ms={:.3f} bytes={}",
               req.request_id, MethodLabel(req.method), route, status, seconds * 1000, bytes);
  if (metrics != nullptr) metrics->ObserveRequest(req.method, req.route, status, seconds);
}

Server::Server(ServerOptions options, App app, Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(app), metrics)) {}

Server::~Server() = default;

void Server::set_body_limit(BodyLimitFn fn) { impl_->body_limit = std::move(fn); }

Status Server::Listen() {
  ServerCore& c = *impl_;
  if (c.listening) return FailedPrecondition("the server is already listening");
  const bool has_cert = !c.opts.tls_cert_file.empty();
  const bool has_key = !c.opts.tls_key_file.empty();
  if (has_cert != has_key) {
    return InvalidArgument("tls_cert_file and tls_key_file must be set together");
  }
  if (has_cert) RETURN_IF_ERROR(c.LoadTls());

  error_code ec;
  asio::ip::address address = asio::ip::make_address(c.opts.address, ec);
  if (ec) return InvalidArgument("bad listen address: " + c.opts.address);
  tcp::endpoint endpoint(address, c.opts.port);
  c.acceptor.emplace(c.control);
  c.acceptor->open(endpoint.protocol(), ec);
  if (!ec) c.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) c.acceptor->bind(endpoint, ec);
  if (!ec) c.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) c.bound_port = c.acceptor->local_endpoint(ec).port();
  if (ec) {
    c.acceptor.reset();
    return Unavailable("cannot listen on " + c.opts.address + ":" + std::to_string(c.opts.port) +
                       ": " + ec.message());
  }
  c.listening = true;
  spdlog::info("http: listening on {}:{}{}", c.opts.address, c.bound_port.load(),
               c.ssl_ctx ? " (TLS)" : "");
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->bound_port.load(); }

void Server::Run() {
  ServerCore& c = *impl_;
  if (!c.listening) {
    spdlog::error("http: Server::Run called without a successful Listen");
    return;
  }
  if (c.opts.handle_signals) {
    c.signals.emplace(c.control, SIGINT, SIGTERM);
    c.signals->async_wait([this](error_code ec, int signal) {
      if (ec) return;
      spdlog::info("http: signal {} received", signal);
      Shutdown();
    });
  }
  if (!c.stopping) {
    asio::co_spawn(c.control, c.AcceptLoop(),
                   [](std::exception_ptr e) { LogCoroutineEnd(e, "accept loop"); });
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < c.opts.io_threads; ++i) threads.emplace_back([&c] { c.RunIo(); });
  c.RunIo();
  for (auto& t : threads) t.join();
}

void Server::Shutdown() {
  ServerCore& c = *impl_;
  if (c.stopping.exchange(true)) return;
  asio::co_spawn(c.control, c.ShutdownSequence(),
                 [](std::exception_ptr e) { LogCoroutineEnd(e, "shutdown"); });
}

}  // namespace tamkine::http
