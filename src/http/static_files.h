// Serving the built front end (web/dist): safe path resolution under one directory, content
// types, precompressed .gz siblings, cache headers, and the single-page-app fallback to
// index.html.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"

namespace tamkine::http {

// Serves req from the directory `dir`, for the application to call before (or instead of) its
// API routes. Returns nullopt when the request is not a static one: `dir` empty, method not
// GET/HEAD, or path "/api" or under "/api/". Otherwise returns a response:
//  - 200 with the file when req.path names a regular file under dir ("/" and paths ending in '/'
//    mean their index.html). Resolution refuses ".", ".." and hidden ("." prefixed) segments,
//    backslashes, and any symlink whose target lies outside dir.
//  - the precompressed `<file>.gz` with Content-Encoding: gzip when it exists and the client
//    accepts gzip; Vary: Accept-Encoding always.
//  - Cache-Control "public, max-age=31536000, immutable" under /assets/ (hashed names),
//    "no-cache" otherwise (index.html in particular).
//  - index.html (the SPA fallback) when no file exists and the last segment has no '.'.
//  - a 404 JSON error otherwise (refused paths included).
// The caller should label the request (req.route = "static") for logs and metrics. For HEAD the
// body is filled anyway; the server drops it and keeps Content-Length. Blocks on file I/O: call
// it on a worker thread.
std::optional<Response> ServeStatic(const std::string& dir, const Request& req);

// The Content-Type for a file name by its extension (html, js, css, svg, png, json, woff2, ico,
// webmanifest, txt, and a few more); application/octet-stream when unknown.
std::string_view ContentTypeFor(std::string_view file_name);

}  // namespace tamkine::http
