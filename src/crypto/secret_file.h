// Small files that hold secrets (the key-encryption key, the audit signing key): created with
// mode 0600 and never overwritten, and refused on read when group or others could access them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tamkine::crypto {

// Reads the whole of the secret file at `path`. `what` names the secret in error messages
// ("key-encryption key"); messages name the path but never include the content.
// Returns Unavailable if the file cannot be opened or read, FailedPrecondition if it is not a
// regular file or grants any permission to group or others, InvalidArgument if it is larger than
// `max_bytes`. The caller should sodium_memzero the returned string once done with it.
StatusOr<std::string> ReadSecretFile(const std::string& path, std::string_view what,
                                     size_t max_bytes = 4096);

// Creates `path` with mode 0600 and writes `content` to it, then flushes it to disk.
// Returns AlreadyExists if anything (a file, a symbolic link) already exists at `path`; never
// overwrites. Returns Unavailable on I/O failure, in which case the partial file is removed.
Status WriteNewSecretFile(const std::string& path, std::string_view content, std::string_view what);

}  // namespace tamkine::crypto
