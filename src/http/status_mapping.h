// The one place where a StatusCode becomes an HTTP status and the public JSON error body.
// Everything that turns a Status into a response (Response::FromStatus) goes through here.
#pragma once

#include <string_view>

#include "common/json.h"
#include "common/status.h"

namespace tamkine::http {

// The HTTP status for a code: InvalidArgument 400, Unauthenticated 401, PermissionDenied 403,
// NotFound 404, AlreadyExists/Aborted/FailedPrecondition 409, ResourceExhausted 429,
// PayloadTooLarge 413, DeadlineExceeded 408, Unavailable 503, Internal 500, Ok 200.
int HttpStatusFor(StatusCode code);

// The message a client may see: the Status message, except for Internal (and any unknown code),
// where it is a generic sentence so that bugs never leak details, and for Unavailable, where it
// is a fixed sentence saying the database cannot be reached or written (the storage layer's own
// message names hosts, sockets and files).
std::string_view PublicMessage(const Status& s);

// {"error":{"code":StatusCodeName,"message":PublicMessage,"field":field or null}}. Logs the real
// message of Internal and Unavailable errors.
Json ErrorJson(const Status& s);

// The same shape from parts, for protocol errors without a StatusCode.
Json ErrorJson(std::string_view code, std::string_view message, std::string_view field = {});

}  // namespace tamkine::http
