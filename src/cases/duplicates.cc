#include "cases/duplicates.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "cases/case_store.h"
#include "cases/case_write.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

namespace {

// The id a new (unsaved) person is queried under: never a case id (ids are hex).
const char kNewPerson[] = "new";

std::string EvidenceField(matching::Field f) {
  if (f == matching::Field::kCin) return "id_number";
  return std::string(matching::FieldName(f));
}

}  // namespace

std::vector<matching::PersonRecord> PersonRecords(const std::string& id,
                                                  const std::vector<std::string>& names,
                                                  const std::optional<std::string>& birth_date,
                                                  const std::optional<std::string>& id_number,
                                                  const std::vector<std::string>& phones,
                                                  const std::optional<std::string>& address) {
  matching::PersonRecord base;
  base.id = id;
  base.date_of_birth = birth_date.value_or("");
  base.cin = id_number.value_or("");
  base.phones = phones;
  if (address) {
    // "12 rue X, Hay Y, Kénitra": the town is written last.
    // (Latin comma or the Arabic one, U+060C).
    const std::string& a = *address;
    size_t start = 0;
    for (std::string_view sep : {std::string_view(","), std::string_view("\u060C")}) {
      size_t at = a.rfind(sep);
      if (at != std::string::npos) start = std::max(start, at + sep.size());
    }
    base.city = a.substr(start);
  }
  std::vector<matching::PersonRecord> out;
  for (const auto& n : names) {
    matching::PersonRecord r = base;
    r.full_name = n;
    out.push_back(std::move(r));
  }
  if (out.empty()) out.push_back(base);
  return out;
}

MatchingDuplicateFinder::MatchingDuplicateFinder(storage::Store* store,
                                                 const crypto::Keyring* keyring,
                                                 const matching::IndexOptions& options)
    : store_(store), keyring_(keyring), index_(options) {}

Status MatchingDuplicateFinder::IndexIdentity(const std::string& case_id, const Json& identity) {
  auto records =
      PersonRecords(case_id, internal::JsonStrings(identity.value("names", Json::array())),
                    internal::JsonOptString(identity, "birth_date"),
                    internal::JsonOptString(identity, "id_number"),
                    internal::JsonStrings(identity.value("phones", Json::array())),
                    internal::JsonOptString(identity, "address"));
  // The index holds one record per case: her first spelling (queries try every spelling typed).
  return index_.Upsert(records.front());
}

StatusOr<size_t> MatchingDuplicateFinder::Rebuild() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  ASSIGN_OR_RETURN(auto tx, store_->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto rows,
                   tx->Query("SELECT c.id, s.id, s.identity_sealed FROM cases c JOIN "
                             "survivors s ON s.id = c.survivor_id WHERE "
                             "c.merged_into_case_id IS NULL ORDER BY c.created_at, c.id"));
  size_t n = 0;
  for (const auto& r : rows) {
    ASSIGN_OR_RETURN(std::string text,
                     keyring_->Open("survivors", "identity_sealed", r.Text(1), r.Bytes(2)));
    ASSIGN_OR_RETURN(Json identity, ParseJson(text));
    Status s = IndexIdentity(r.Text(0), identity);
    if (!s.ok()) {
      // A stored identity the engine cannot read (e.g. a date it refuses) must not stop the
      // server: that case is only missed as a candidate.
      spdlog::warn("duplicate index: case {} not indexed: {}", r.Text(0), s.ToString());
      continue;
    }
    ++n;
  }
  ASSIGN_OR_RETURN(auto pairs, tx->Query("SELECT case_a, case_b FROM duplicate_pairs WHERE "
                                         "status = 'different'"));
  for (const auto& p : pairs) index_.MarkDifferent(p.Text(0), p.Text(1));
  retry_.clear();
  return n;
}

StatusOr<std::vector<DuplicateMatch>> MatchingDuplicateFinder::Candidates(
    storage::Tx& /*tx*/, const SurvivorInput& survivor, const std::string& self_case_id,
    size_t limit) {
  const std::string self = self_case_id.empty() ? std::string(kNewPerson) : self_case_id;
  auto records = PersonRecords(self, survivor.names, survivor.birth_date, survivor.id_number,
                               survivor.phones, survivor.address);
  // Best score per case over the spellings typed.
  std::map<std::string, matching::Candidate> best;
  for (const auto& r : records) {
    auto person = matching::Normalize(r);
    if (!person.ok()) {
      return InvalidArgument("cannot be compared: " + std::string(person.status().message()),
                             "survivor.birth_date");
    }
    for (auto& c : index_.Query(*person, self, limit)) {
      auto it = best.find(c.id);
      if (it == best.end() || c.score > it->second.score) best[c.id] = std::move(c);
    }
  }
  std::vector<matching::Candidate> ranked;
  ranked.reserve(best.size());
  for (auto& [id, c] : best) ranked.push_back(std::move(c));
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (ranked.size() > limit) ranked.resize(limit);
  std::vector<DuplicateMatch> out;
  for (const auto& c : ranked) {
    DuplicateMatch m;
    m.case_id = c.id;
    m.decision = std::string(matching::DecisionName(c.decision));
    m.score = c.score;
    for (size_t f = 0; f < matching::kFieldCount; ++f) {
      const auto& e = c.evidence.fields[f];
      m.evidence.push_back({EvidenceField(static_cast<matching::Field>(f)),
                            std::string(matching::LevelName(e.level)), e.weight});
    }
    out.push_back(std::move(m));
  }
  return out;
}

Status MatchingDuplicateFinder::RefreshLocked(const std::string& case_id) {
  ASSIGN_OR_RETURN(auto tx, store_->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT s.id, s.identity_sealed, c.merged_into_case_id "
                                          "FROM cases c JOIN survivors s ON s.id = c.survivor_id "
                                          "WHERE c.id = ?",
                                          {case_id}));
  if (!row || !row->IsNull(2)) {
    index_.Remove(case_id);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::string text,
                   keyring_->Open("survivors", "identity_sealed", row->Text(0), row->Bytes(1)));
  ASSIGN_OR_RETURN(Json identity, ParseJson(text));
  return IndexIdentity(case_id, identity);
}

void MatchingDuplicateFinder::Refresh(const std::string& case_id) {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  retry_.insert(case_id);
  for (auto it = retry_.begin(); it != retry_.end();) {
    Status s = RefreshLocked(*it);
    if (s.ok() || s.code() == StatusCode::kInvalidArgument) {
      // InvalidArgument: her stored identity cannot be compared; retrying will not change that.
      if (!s.ok()) spdlog::warn("duplicate index: case {} not indexed: {}", *it, s.ToString());
      it = retry_.erase(it);
    } else {
      spdlog::warn("duplicate index: refresh of case {} failed, will retry: {}", *it, s.ToString());
      ++it;
    }
  }
}

void MatchingDuplicateFinder::MarkDifferent(const std::string& a, const std::string& b,
                                            bool different) {
  if (different) {
    index_.MarkDifferent(a, b);
  } else {
    index_.UnmarkDifferent(a, b);
  }
}

size_t MatchingDuplicateFinder::pending_refreshes() const {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  return retry_.size();
}

}  // namespace tamkine::cases
