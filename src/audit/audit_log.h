// The append-only, hash-chained audit log. Every entry is written inside the transaction of the
// action it records; each carries the SHA-256 of the previous entry, and signed checkpoints
// (Ed25519, key kept outside the database) pin the chain so a rewrite of the table is detected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::crypto {
class SigningKey;
}

namespace tamkine::audit {

struct Entry {
  int64_t seq = 0;
  Micros time = 0;
  std::string user_id;
  std::string username;
  std::string role;
  std::string unit_id;
  std::string action;       // e.g. "user.create", "auth.login"
  std::string record_type;  // e.g. "user"
  std::string record_id;
  std::string decision;  // "allowed" | "denied"
  std::string reason;
  std::string client_addr;
  std::string request_id;
  std::string prev_hash;  // hex SHA-256 of the previous entry (64 zeros for the first)
  std::string hash;       // hex SHA-256 of this entry's canonical form
};

// The canonical hash of an entry: SHA-256 over length-prefixed fields, seq and prev_hash included,
// so moving, editing or re-linking an entry changes it.
std::string EntryHash(const Entry& e);

// Appends `e` (seq, prev_hash and hash are filled in) within `tx`. Concurrent appenders are
// serialised by the row lock on audit_head, so the chain never forks.
Status Append(storage::Tx& tx, const Clock& clock, Entry e);

struct Problem {
  int64_t seq;       // position in the chain where the problem shows
  std::string kind;  // modified | deleted | inserted_or_reordered | truncated | checkpoint
  std::string message;
};

struct VerifyReport {
  bool ok() const { return problems.empty(); }
  int64_t entries = 0;
  int64_t checkpoints_checked = 0;
  std::vector<Problem> problems;
};

struct Checkpoint {
  int64_t seq = 0;
  std::string hash;
  Micros time = 0;
  std::string public_key;  // base64
  std::string signature;   // base64, over "tamkine-audit-checkpoint|seq|hash|time"
};

// Walks the whole chain, recomputing every hash, and checks the stored checkpoints and any
// `external` ones (exported earlier to a separate system). Signatures must verify with
// `trusted_public_key` (base64) when it is non-empty. Never stops at the first problem.
StatusOr<VerifyReport> Verify(storage::Store& store, const std::vector<Checkpoint>& external = {},
                              const std::string& trusted_public_key = {});

// Signs the current head of the chain and stores the checkpoint. Returns nullopt when the head
// is already checkpointed (nothing new to sign).
StatusOr<std::optional<Checkpoint>> WriteCheckpoint(storage::Store& store,
                                                    const crypto::SigningKey& key,
                                                    const Clock& clock);

StatusOr<std::vector<Checkpoint>> ListCheckpoints(storage::Store& store);
std::string CheckpointToJsonLine(const Checkpoint& c);
StatusOr<Checkpoint> CheckpointFromJsonLine(std::string_view line);

// Reads entries newest first, `limit` at most, with seq < before_seq when given.
StatusOr<std::vector<Entry>> ListEntries(storage::Tx& tx, int limit,
                                         std::optional<int64_t> before_seq,
                                         const std::string& record_type = {},
                                         const std::string& record_id = {});

}  // namespace tamkine::audit
