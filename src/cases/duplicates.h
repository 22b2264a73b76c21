// The matching engine (matching/) as the case file's DuplicateFinder: one MatchIndex of every
// survivor whose case is not absorbed by a merge, rebuilt from the Store at start (her identity is
// sealed: it is opened with the keyring, in memory only) and refreshed after each committed write.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cases/deps.h"
#include "common/json.h"
#include "matching/match_index.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::cases {

// The records matching compares for a survivor: one per spelling of her name (at least one), each
// with her birth date, ID number, phones and town (the last comma-separated part of her address).
// `id` names them all.
std::vector<matching::PersonRecord> PersonRecords(const std::string& id,
                                                  const std::vector<std::string>& names,
                                                  const std::optional<std::string>& birth_date,
                                                  const std::optional<std::string>& id_number,
                                                  const std::vector<std::string>& phones,
                                                  const std::optional<std::string>& address);

// Why index updates happen after commit, and what a failure does: a write commits first, then
// Refresh re-reads the case from the Store and updates the index. So a rolled-back write is never
// indexed, and concurrent writes to one case cannot leave an older version indexed (refreshes are
// serialised and each reads the latest committed state). If a refresh fails (database briefly
// unreachable), the committed write stands; the case id is kept and retried on every later
// refresh, and a restart rebuilds the whole index. Until then that case may be missed as a
// candidate (a missed duplicate, never a leak: answers are filtered by access either way).
//
// Thread safety: all methods may be called concurrently (MatchIndex has its own reader/writer
// lock; refreshes are serialised by refresh_mu_).
class MatchingDuplicateFinder : public DuplicateFinder {
 public:
  MatchingDuplicateFinder(storage::Store* store, const crypto::Keyring* keyring,
                          const matching::IndexOptions& options = {});

  // Indexes every case not absorbed by a merge and loads the pairs users said are different
  // persons. Returns the number of cases indexed.
  StatusOr<size_t> Rebuild();

  StatusOr<std::vector<DuplicateMatch>> Candidates(storage::Tx& tx, const SurvivorInput& survivor,
                                                   const std::string& self_case_id,
                                                   size_t limit) override;
  void Refresh(const std::string& case_id) override;
  void MarkDifferent(const std::string& a, const std::string& b, bool different) override;

  const matching::MatchIndex& index() const { return index_; }
  // Case ids whose refresh failed and waits for a retry.
  size_t pending_refreshes() const;

 private:
  Status RefreshLocked(const std::string& case_id);
  Status IndexIdentity(const std::string& case_id, const Json& identity);

  storage::Store* store_;
  const crypto::Keyring* keyring_;
  matching::MatchIndex index_;
  mutable std::mutex refresh_mu_;
  std::set<std::string> retry_;  // guarded by refresh_mu_
};

}  // namespace tamkine::cases
