// LD_PRELOAD shim for the load generator (wrk): binds every IPv4 loopback connection to its own
// source address in 127.77.0.0/16 before connecting, so that each benchmark connection looks like
// a distinct client. Tamkine's API rate limit is per client address (50 requests/s, burst 200, see
// src/http/api/api.h); without this every wrk connection would share one bucket and the benchmark
// would measure the limiter, not the server. Each connection still has its own bucket of 50/s, so
// the load is that of many moderate clients, as in production. bench/run checks that no request
// was answered 429.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>

namespace {
std::atomic<unsigned> next_source{1};
using ConnectFn = int (*)(int, const sockaddr*, socklen_t);
}  // namespace

extern "C" int connect(int fd, const sockaddr* addr, socklen_t len) {
  static const auto real_connect = reinterpret_cast<ConnectFn>(dlsym(RTLD_NEXT, "connect"));
  if (addr && addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* to = reinterpret_cast<const sockaddr_in*>(addr);
    if ((ntohl(to->sin_addr.s_addr) >> 24) == 127) {
      unsigned n = next_source.fetch_add(1) % 65000u + 1u;
      sockaddr_in from{};
      from.sin_family = AF_INET;
      from.sin_addr.s_addr = htonl((127u << 24) | (77u << 16) | n);
      from.sin_port = 0;
      bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from);  // best effort
    }
  }
  return real_connect(fd, addr, len);
}
