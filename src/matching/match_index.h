// The in-memory candidate index: every person record's blocking keys (phonetic name keys and
// their one-consonant-deletion variants, name with date of birth, phone, ID number) point to the
// records that carry them, so that a query compares a new or edited person with the few records
// that share at least one key, never with the whole register. It also keeps the name frequencies
// the scorer adjusts by, and the pairs users confirmed to be different persons.
//
// Intake calls Query before saving a person, Upsert after saving, Remove on deletion, Merge after
// a merge, MarkDifferent when a user says "different person". The index is rebuilt from the
// Store at start (Upsert each person); `tamkine dedupe` uses AllPairs.
//
// Thread safety: all methods may be called concurrently. Queries share a reader lock and run in
// parallel; writes take the writer lock (a write waits for running queries, and queries wait for
// it; a waiting writer goes before queries that arrive after it). AllPairs holds the reader lock
// for its whole run.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "matching/person.h"
#include "matching/scorer.h"

namespace tamkine::matching {

enum class Decision : uint8_t { kProbable, kPossible };
std::string_view DecisionName(Decision d);  // "probable" | "possible"

// One candidate duplicate. Only the id, the score and the per-field evidence (levels and weights)
// leave the engine: the caller shows the fields the user may see from its own records.
struct Candidate {
  std::string id;
  float score = 0;
  Decision decision = Decision::kPossible;
  Comparison evidence;
};

struct IndexOptions {
  ScoringModel model = DefaultModel();
  // A name key (names without a date) shared by more records than this is not scanned: with that
  // many namesakes, agreement on the name cannot decide, and a duplicate must share a phone, an
  // ID number or a date of birth, whose keys find it. Keeps the work per query bounded as the
  // register grows.
  size_t max_name_posting = 200;
  // Any other key shared by more records than this is not scanned either (a phone or ID number
  // that common is a placeholder, not a person's).
  size_t max_posting = 5000;
};

class MatchIndex {
 public:
  explicit MatchIndex(IndexOptions options = {});
  MatchIndex(const MatchIndex&) = delete;
  MatchIndex& operator=(const MatchIndex&) = delete;
  ~MatchIndex();

  // Adds the person, or replaces the one with the same id. Returns InvalidArgument (naming the
  // field) when the record cannot be normalised; unusable values are reported in *warnings.
  Status Upsert(const PersonRecord& r, std::vector<std::string>* warnings = nullptr);
  void Upsert(const std::string& id, NormalizedPerson p);

  // Removes the person; false when the id is not indexed. "Different person" marks are kept (a
  // person saved again under the same id is still not proposed for those pairs).
  bool Remove(std::string_view id);

  // After merging `absorbed` into `survivor`: removes absorbed, replaces survivor with the merged
  // record, and carries absorbed's "different person" marks over to survivor. NotFound when
  // either id is not indexed; InvalidArgument when merged.id != survivor or the ids are equal.
  Status Merge(std::string_view survivor, std::string_view absorbed, const PersonRecord& merged);

  // A user confirmed that a and b are different persons: the pair is never proposed again.
  void MarkDifferent(std::string_view a, std::string_view b);
  bool UnmarkDifferent(std::string_view a, std::string_view b);
  bool AreMarkedDifferent(std::string_view a, std::string_view b) const;

  // The probable and possible duplicates of a person (best first, at most `limit`). The record's
  // own id is never returned, so an edited person can be checked before it is saved again.
  // InvalidArgument when the record cannot be normalised.
  StatusOr<std::vector<Candidate>> Query(const PersonRecord& r, size_t limit) const;
  std::vector<Candidate> Query(const NormalizedPerson& p, std::string_view self_id,
                               size_t limit) const;

  // Every pair of indexed persons scoring at least the `min` threshold, each pair once, in the
  // order the persons were first indexed, computed on `threads` threads. `progress` (optional) is
  // called on the calling thread about ten times a second with the number of persons done. `emit`
  // is called on the calling thread, once per pair, after the search.
  void AllPairs(Decision min, int threads, const std::function<void(size_t done)>& progress,
                const std::function<void(const std::string& a, const std::string& b,
                                         const Comparison& c, Decision d)>& emit) const;

  size_t size() const;

  // Verifies that every posting list, the id map and the name frequencies agree with the indexed
  // records (Internal naming the first disagreement). For tests; linear in the index size.
  Status CheckConsistency() const;

  // The blocking keys of a person, sorted and unique. Name keys (see max_name_posting) have
  // their lowest bit set.
  static void BlockingKeys(const NormalizedPerson& p, std::vector<uint64_t>* out);

 private:
  struct Entry {
    std::string id;
    NormalizedPerson person;
    bool alive = false;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using IdMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

  void UpsertLocked(const std::string& id, NormalizedPerson p);
  void RemoveSlotLocked(uint32_t slot);
  void InternNamesLocked(NormalizedPerson* p);
  void LookupNamesLocked(NormalizedPerson* p) const;
  void CountNamesLocked(const NormalizedPerson& p, int delta);
  Frequencies FrequenciesLocked(uint32_t extra_phone_count) const;
  bool ExcludedLocked(std::string_view a, std::string_view b) const;
  // Scores `p` against the records sharing one of `keys`; keeps those reaching `threshold`.
  // Slots <= self_slot are skipped when later_only.
  void CandidatesLocked(const NormalizedPerson& p, const std::vector<uint64_t>& keys,
                        uint32_t self_slot, bool later_only, float threshold,
                        const Frequencies& freq,
                        std::vector<std::pair<uint32_t, Comparison>>* out) const;
  Decision DecisionFor(float score) const;
  static uint32_t PhoneCount(const void* ctx, uint64_t phone_key);

  // A reader/writer lock that lets a waiting writer in before new readers (glibc's rwlock
  // prefers readers, so a steady stream of queries could hold writes off indefinitely).
  class WriterFirstMutex {
   public:
    void lock() {
      std::lock_guard g(gate_);
      rw_.lock();
    }
    void unlock() { rw_.unlock(); }
    void lock_shared() {
      std::lock_guard g(gate_);
      rw_.lock_shared();
    }
    void unlock_shared() { rw_.unlock_shared(); }

   private:
    std::mutex gate_;
    std::shared_mutex rw_;
  };

  const IndexOptions options_;
  mutable WriterFirstMutex mu_;
  std::vector<Entry> entries_;
  std::vector<PersonSummary> summaries_;  // entries_[i].person.summary, dense
  std::vector<uint32_t> free_;
  IdMap by_id_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings_;
  // Name skeleton frequencies (see Frequencies).
  IdMap skel_ids_;
  std::vector<uint32_t> given_counts_, family_counts_;
  // "Different person" pairs, as "a\x1fb" with a < b, and each id's partners.
  std::unordered_set<std::string, StringHash, std::equal_to<>> different_;
  std::unordered_map<std::string, std::vector<std::string>, StringHash, std::equal_to<>> partners_;
  size_t live_ = 0;
  // For the phone count callback: 1 is added when the person compared is not indexed (she would
  // carry the phone too once saved).
  struct PhoneCountContext {
    const MatchIndex* index;
    uint32_t extra;
  };
  const PhoneCountContext phone_ctx_{this, 0}, phone_ctx_extra_{this, 1};
};

}  // namespace tamkine::matching
