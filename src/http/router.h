// The route table: every endpoint with its method, path pattern, access policy and body limit,
// and the lookup that turns (method, path) into a route plus path parameters, "method not
// allowed" (405) or "not found" (404).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace tamkine::http {

using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;   // "GET", "POST", ... (exact, upper-case)
  std::string pattern;  // "/api/v1/units/{id}": literal segments and whole-segment {params}
  // Who may call it; must be non-empty. Interpreted by the API middleware: "public",
  // "authenticated", or an action name such as "unit.create".
  std::string policy;
  std::string summary;  // one line, for the OpenAPI check and logs
  size_t max_body_bytes = 1 << 20;
  Handler handler;
};

// Thread safety: Add is not thread-safe and must only be called while the router is being built
// (before it is shared). After that, Find/Resolve/BodyLimit/routes are const and may be called
// from any number of threads.
class Router {
 public:
  enum class MatchResult { kMatched, kMethodNotAllowed, kNotFound };

  struct Match {
    MatchResult result = MatchResult::kNotFound;
    const Route* route = nullptr;               // set when kMatched
    std::map<std::string, std::string> params;  // set when kMatched
    std::vector<std::string> allowed_methods;   // set when kMethodNotAllowed, sorted
    // "GET, HEAD, POST": the Allow header value for a 405.
    std::string AllowHeader() const;
  };

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers a route. Aborts (a programming error) when the policy is empty, the pattern is
  // malformed (must start with '/'; a parameter is a whole segment "{name}" with name in
  // [A-Za-z0-9_]), a parameter name repeats, or the same method is already registered for an
  // equivalent pattern (same literals, parameters in the same places). Invalidates Route pointers
  // previously returned by Find.
  void Add(Route r);

  // Looks up a decoded path. A parameter matches exactly one non-empty segment (so never a '/');
  // literal segments are preferred over parameters, with backtracking. HEAD falls back to the
  // GET route of the same path when no HEAD route exists. If the path matches some pattern but
  // not for this method, returns kMethodNotAllowed with the methods that would match.
  Match Find(std::string_view method, std::string_view path) const;

  // Find for a request: on kMatched sets req.path_params and req.route (the pattern) and returns
  // the route; otherwise returns nullptr and sets *error to a 404 JSON error or a 405 JSON error
  // carrying the Allow header.
  const Route* Resolve(Request& req, Response* error) const;

  // The body limit of the route that (method, path) would match, or `fallback` when none does.
  // Cheap; suitable for the server's body-limit callback.
  size_t BodyLimit(std::string_view method, std::string_view path, size_t fallback) const;

  // Every route in registration order.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Node;
  struct Compiled {
    std::vector<std::string> param_names;  // by segment index; "" for literal segments
  };
  // Appends the nodes that end a pattern matching segs[i..], best first (literals before
  // parameters, depth-first).
  static void Collect(const Node* node, const std::vector<std::string_view>& segs, size_t i,
                      std::vector<const Node*>* out);

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;  // parallel to routes_
  std::unique_ptr<Node> root_;
};

}  // namespace tamkine::http
