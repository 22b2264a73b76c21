#include "http/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <utility>

#include "common/status.h"

namespace tamkine::http {

namespace {

// Front-end bundles are small; anything bigger is a deployment mistake, not something to load
// into memory per request.
constexpr off_t kMaxStaticFileBytes = 64 << 20;

struct Extension {
  std::string_view ext;
  std::string_view type;
};

constexpr std::array<Extension, 17> kTypes = {{
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"webp", "image/webp"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ico", "image/x-icon"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
}};

std::string_view LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// True when every segment of the (decoded) path is an ordinary name.
bool IsSafePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos) return false;
  if (path.find('\\') != std::string_view::npos) return false;
  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    // Empty segments ("//") and dot-prefixed ones (".", "..", ".git", ".env") are refused.
    if (seg.empty() && slash != std::string_view::npos) return false;
    if (!seg.empty() && seg.front() == '.') return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

std::optional<std::string> RealPath(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

// Reads root + rel if, after resolving every symlink, it is a regular file inside root.
std::optional<std::string> ReadUnder(const std::string& root, const std::string& rel) {
  std::optional<std::string> resolved = RealPath(root + rel);
  if (!resolved) return std::nullopt;
  if (resolved->size() <= root.size() || resolved->compare(0, root.size(), root) != 0 ||
      (*resolved)[root.size()] != '/') {
    return std::nullopt;
  }
  // O_NOFOLLOW: the resolved path has no symlink left in its last component; refuse one that a
  // concurrent change might have put there.
  int fd = ::open(resolved->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxStaticFileBytes) {
    std::string data;
    data.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    bool ok = true;
    while (done < data.size()) {
      ssize_t n = ::read(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = false;
        break;
      }
      done += static_cast<size_t>(n);
    }
    if (ok) out = std::move(data);
  }
  ::close(fd);
  return out;
}

// True when Accept-Encoding lists gzip (or *) with a non-zero quality.
bool AcceptsGzip(const Request& req) {
  std::optional<std::string> header = req.Header("accept-encoding");
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto trim = [](std::string_view s) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
      return s;
    };
    size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view param = trim(item.substr(semi + 1));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string q(trim(param.substr(2)));
      char* end = nullptr;
      double v = std::strtod(q.c_str(), &end);
      if (end != q.c_str() && v > 0) return true;
      continue;
    }
    return true;
  }
  return false;
}

Response FileResponse(const std::string& root, const std::string& rel, std::string body,
                      const Request& req, std::string_view cache_control) {
  Response r;
  r.status = 200;
  r.SetHeader("Content-Type", ContentTypeFor(LastSegment(rel)));
  r.SetHeader("Cache-Control", cache_control);
  r.SetHeader("Vary", "Accept-Encoding");
  if (AcceptsGzip(req)) {
    if (std::optional<std::string> gz = ReadUnder(root, rel + ".gz")) {
      r.SetHeader("Content-Encoding", "gzip");
      body = std::move(*gz);
    }
  }
  r.body = std::move(body);
  return r;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view ext = file_name.substr(dot + 1);
    for (const Extension& e : kTypes) {
      if (e.ext == ext) return e.type;
    }
  }
  return "application/octet-stream";
}

std::optional<Response> ServeStatic(const std::string& dir, const Request& req) {
  if (dir.empty()) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  if (req.path == "/api" || req.path.starts_with("/api/")) return std::nullopt;

  Response not_found = Response::FromStatus(NotFound("No such file."));
  if (!IsSafePath(req.path)) return not_found;
  std::optional<std::string> root = RealPath(dir);
  if (!root) return not_found;

  std::string rel = req.path;
  if (rel.back() == '/') rel += "index.html";
  std::string_view cache =
      req.path.starts_with("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
  if (std::optional<std::string> body = ReadUnder(*root, rel)) {
    return FileResponse(*root, rel, std::move(*body), req, cache);
  }
  // Client-side routes ("/cases/123") have no extension; missing assets ("/x.js") do.
  if (LastSegment(req.path).find('.') == std::string_view::npos) {
    if (std::optional<std::string> index = ReadUnder(*root, "/index.html")) {
      return FileResponse(*root, "/index.html", std::move(*index), req, "no-cache");
    }
  }
  return not_found;
}

}  // namespace tamkine::http
