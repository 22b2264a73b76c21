#include "http/router.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "common/status.h"

namespace tamkine::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::vector<std::pair<std::string, size_t>> methods;  // method → index into routes_
};

namespace {

[[noreturn]] void RouteError(const Route& r, const char* why) {
  std::fprintf(stderr, "FATAL: bad route %s %s: %s\n", r.method.c_str(), r.pattern.c_str(), why);
  std::abort();
}

// "/a/b" → {"a","b"}; "/" → {""}. The caller guarantees a leading '/'.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segs;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    segs.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segs;
}

bool IsParamName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::string Router::Match::AllowHeader() const {
  std::string out;
  for (const auto& m : allowed_methods) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Add(Route r) {
  if (r.policy.empty()) RouteError(r, "empty policy");
  if (r.method.empty()) RouteError(r, "empty method");
  if (!r.handler) RouteError(r, "no handler");
  if (r.pattern.empty() || r.pattern.front() != '/') RouteError(r, "pattern must start with '/'");
  Compiled compiled;
  std::set<std::string, std::less<>> seen_names;
  Node* node = root_.get();
  for (std::string_view seg : SplitPath(r.pattern)) {
    bool has_brace =
        seg.find('{') != std::string_view::npos || seg.find('}') != std::string_view::npos;
    if (has_brace) {
      if (seg.size() < 2 || seg.front() != '{' || seg.back() != '}') {
        RouteError(r, "a parameter must be a whole segment");
      }
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!IsParamName(name)) RouteError(r, "bad parameter name");
      if (!seen_names.emplace(name).second) RouteError(r, "repeated parameter name");
      compiled.param_names.emplace_back(name);
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      compiled.param_names.emplace_back();
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  for (const auto& [method, index] : node->methods) {
    if (method == r.method) RouteError(r, "duplicate method and pattern");
  }
  node->methods.emplace_back(r.method, routes_.size());
  routes_.push_back(std::move(r));
  compiled_.push_back(std::move(compiled));
}

void Router::Collect(const Node* node, const std::vector<std::string_view>& segs, size_t i,
                     std::vector<const Node*>* out) {
  if (i == segs.size()) {
    if (!node->methods.empty()) out->push_back(node);
    return;
  }
  if (auto it = node->literals.find(segs[i]); it != node->literals.end()) {
    Collect(it->second.get(), segs, i + 1, out);
  }
  if (node->param && !segs[i].empty()) Collect(node->param.get(), segs, i + 1, out);
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (path.empty() || path.front() != '/') return match;
  std::vector<std::string_view> segs = SplitPath(path);
  std::vector<const Node*> nodes;
  Collect(root_.get(), segs, 0, &nodes);
  if (nodes.empty()) return match;

  auto find_in = [](const Node* n, std::string_view m) -> const size_t* {
    for (const auto& [meth, index] : n->methods) {
      if (meth == m) return &index;
    }
    return nullptr;
  };
  const size_t* index = nullptr;
  for (const Node* n : nodes) {
    if ((index = find_in(n, method)) != nullptr) break;
  }
  if (index == nullptr && method == "HEAD") {
    for (const Node* n : nodes) {
      if ((index = find_in(n, "GET")) != nullptr) break;
    }
  }
  if (index == nullptr) {
    std::set<std::string> allowed;
    for (const Node* n : nodes) {
      for (const auto& [meth, unused] : n->methods) {
        allowed.insert(meth);
        if (meth == "GET") allowed.insert("HEAD");
      }
    }
    match.result = MatchResult::kMethodNotAllowed;
    match.allowed_methods.assign(allowed.begin(), allowed.end());
    return match;
  }
  match.result = MatchResult::kMatched;
  match.route = &routes_[*index];
  const Compiled& compiled = compiled_[*index];
  for (size_t i = 0; i < segs.size(); ++i) {
    if (!compiled.param_names[i].empty()) {
      match.params.emplace(compiled.param_names[i], std::string(segs[i]));
    }
  }
  return match;
}

const Route* Router::Resolve(Request& req, Response* error) const {
  Match m = Find(req.method, req.path);
  switch (m.result) {
    case MatchResult::kMatched:
      req.path_params = std::move(m.params);
      req.route = m.route->pattern;
      return m.route;
    case MatchResult::kMethodNotAllowed:
      *error = Response::Error(405, "method_not_allowed", "Method not allowed for this path.");
      error->SetHeader("Allow", m.AllowHeader());
      return nullptr;
    case MatchResult::kNotFound:
      break;
  }
  *error = Response::FromStatus(NotFound("No such endpoint."));
  return nullptr;
}

size_t Router::BodyLimit(std::string_view method, std::string_view path, size_t fallback) const {
  Match m = Find(method, path);
  return m.result == MatchResult::kMatched ? m.route->max_body_bytes : fallback;
}

}  // namespace tamkine::http
