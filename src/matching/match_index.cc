#include "matching/match_index.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tamkine::matching {
namespace {

// Deletion variants are made for skeletons up to this length (longer ones are rare and already
// distinctive).
constexpr size_t kMaxDeletionSkeleton = 10;
// Prefix of the given-name skeleton in the prefix key ("Fatima" meets "Fatima Zahra").
constexpr size_t kPrefixLen = 3;

// Key = hash of a tag and up to two strings and a number, without building the string. Name
// keys get the lowest bit set (see IndexOptions::max_name_posting), others have it clear.
uint64_t Key(char tag, std::string_view a, std::string_view b = {}, uint32_t n = 0) {
  uint64_t h = 1469598103934665603ULL;
  auto feed = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  feed(static_cast<unsigned char>(tag));
  for (char c : a) feed(static_cast<unsigned char>(c));
  feed(0xFF);
  for (char c : b) feed(static_cast<unsigned char>(c));
  feed(0xFE);
  for (int i = 0; i < 4; ++i) feed(static_cast<unsigned char>(n >> (8 * i)));
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return tag == 'N' || tag == 'F' ? h | 1 : h & ~uint64_t{1};
}

// Order-free pair key: a person with given and family names swapped has the same key.
uint64_t PairKey(char tag, std::string_view a, std::string_view b) {
  return a <= b ? Key(tag, a, b) : Key(tag, b, a);
}

// What a name part blocks on: its skeleton, or for names without a strong consonant ("Aya"),
// its phonetic string marked as such.
std::string BlockString(const NameKey& k) {
  if (!k.skel.empty()) return k.skel;
  if (k.phon.empty()) return {};
  return "~" + k.phon;
}

std::string DifferentKey(std::string_view a, std::string_view b) {
  std::string k;
  if (b < a) std::swap(a, b);
  k.reserve(a.size() + b.size() + 1);
  k.append(a);
  k.push_back('\x1f');
  k.append(b);
  return k;
}

// Per-thread "already seen" marks for the candidates of one query, indexed by slot; an epoch
// counter avoids clearing them between queries.
struct Seen {
  std::vector<uint32_t> marks;
  uint32_t epoch = 0;
  void Begin(size_t slots) {
    if (marks.size() < slots) marks.resize(slots + slots / 4 + 64, 0);
    if (++epoch == 0) {
      std::fill(marks.begin(), marks.end(), 0);
      epoch = 1;
    }
  }
  bool TestAndSet(uint32_t slot) {
    if (marks[slot] == epoch) return true;
    marks[slot] = epoch;
    return false;
  }
};
thread_local Seen tl_seen;

}  // namespace

std::string_view DecisionName(Decision d) {
  return d == Decision::kProbable ? "probable" : "possible";
}

MatchIndex::MatchIndex(IndexOptions options) : options_(options) {}
MatchIndex::~MatchIndex() = default;

void MatchIndex::BlockingKeys(const NormalizedPerson& p, std::vector<uint64_t>* out) {
  out->clear();
  for (const auto& ph : p.phones) out->push_back(PhoneKey(ph));
  if (!p.cin.empty()) out->push_back(CinKey(p.cin));
  const uint32_t year = p.dob.known() ? static_cast<uint32_t>(p.dob.year) : 0;
  // Name part and full date of birth: a misspelt other part does not lose the pair. (Not the
  // year alone: "Fatima, born 1985" would gather thousands of records in a national register.)
  const uint32_t date =
      p.dob.full() ? static_cast<uint32_t>(p.dob.year * 10000 + p.dob.month * 100 + p.dob.day) : 0;
  for (size_t i = 0; i < p.names.size(); ++i) {
    const NameSplit& s = p.names[i];
    const std::string g = BlockString(s.given);
    const std::string f = BlockString(s.family);
    if (date != 0) {
      if (!g.empty()) out->push_back(Key('Y', g, {}, date));
      if (!f.empty()) out->push_back(Key('Y', f, {}, date));
    }
    if (g.empty() || f.empty()) continue;
    out->push_back(PairKey('N', g, f));
    // Both name parts and the birth year: common names that agree on the year are still found
    // when their name keys are too common to scan.
    if (year != 0) {
      std::string_view lo = g, hi = f;
      if (hi < lo) std::swap(lo, hi);
      out->push_back(Key('B', lo, hi, year));
    }
    if (i != 0) continue;  // the variants below only for the primary split
    out->push_back(Key('F', std::string_view(g).substr(0, kPrefixLen), f));
    // One consonant deleted from either part: two spellings with one consonant substituted,
    // inserted or deleted share a key (a record's full key equals the other's variant).
    std::string v;
    if (s.given.skel.size() <= kMaxDeletionSkeleton && s.given.skel.size() > 1) {
      for (size_t k = 0; k < g.size(); ++k) {
        if (k > 0 && g[k] == g[k - 1]) continue;
        v.assign(g).erase(k, 1);
        out->push_back(PairKey('N', v, f));
      }
    }
    if (s.family.skel.size() <= kMaxDeletionSkeleton && s.family.skel.size() > 1) {
      for (size_t k = 0; k < f.size(); ++k) {
        if (k > 0 && f[k] == f[k - 1]) continue;
        v.assign(f).erase(k, 1);
        out->push_back(PairKey('N', g, v));
      }
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

// ---------------------------------------------------------------------------------------------
// Name frequencies

void MatchIndex::InternNamesLocked(NormalizedPerson* p) {
  auto intern = [&](NameKey* k) {
    if (k->empty()) return;
    auto [it, inserted] = skel_ids_.try_emplace(BlockString(*k), 0);
    if (inserted) {
      it->second = static_cast<uint32_t>(given_counts_.size());
      given_counts_.push_back(0);
      family_counts_.push_back(0);
    }
    k->freq_id = it->second;
  };
  for (auto& s : p->names) {
    intern(&s.given);
    intern(&s.family);
  }
}

void MatchIndex::LookupNamesLocked(NormalizedPerson* p) const {
  auto lookup = [&](NameKey* k) {
    if (k->empty()) return;
    auto it = skel_ids_.find(BlockString(*k));
    k->freq_id = it == skel_ids_.end() ? NameKey::kNoFreqId : it->second;
  };
  for (auto& s : p->names) {
    lookup(&s.given);
    lookup(&s.family);
  }
}

void MatchIndex::CountNamesLocked(const NormalizedPerson& p, int delta) {
  const NameSplit* s = PrimarySplit(p);
  if (s == nullptr) return;
  auto count = [&](const NameKey& k, std::vector<uint32_t>* counts) {
    if (k.empty() || k.freq_id >= counts->size()) return;
    uint32_t& c = (*counts)[k.freq_id];
    if (delta > 0) {
      ++c;
    } else if (c > 0) {
      --c;
    }
  };
  count(s->given, &given_counts_);
  count(s->family, &family_counts_);
}

uint32_t MatchIndex::PhoneCount(const void* ctx, uint64_t phone_key) {
  const auto* c = static_cast<const PhoneCountContext*>(ctx);
  const auto& postings = c->index->postings_;
  auto it = postings.find(phone_key);
  return static_cast<uint32_t>(it == postings.end() ? 0 : it->second.size()) + c->extra;
}

Frequencies MatchIndex::FrequenciesLocked(uint32_t extra_phone_count) const {
  Frequencies f;
  f.given_counts = given_counts_.data();
  f.family_counts = family_counts_.data();
  f.size = given_counts_.size();
  f.phone_count = &MatchIndex::PhoneCount;
  f.phone_ctx = extra_phone_count == 0 ? &phone_ctx_ : &phone_ctx_extra_;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Writes

Status MatchIndex::Upsert(const PersonRecord& r, std::vector<std::string>* warnings) {
  ASSIGN_OR_RETURN(NormalizedPerson p, Normalize(r, warnings));
  Upsert(r.id, std::move(p));
  return Status::Ok();
}

void MatchIndex::Upsert(const std::string& id, NormalizedPerson p) {
  std::unique_lock lock(mu_);
  UpsertLocked(id, std::move(p));
}

void MatchIndex::UpsertLocked(const std::string& id, NormalizedPerson p) {
  uint32_t slot;
  auto it = by_id_.find(id);
  if (it != by_id_.end()) {
    slot = it->second;
    RemoveSlotLocked(slot);
  } else if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
    summaries_.emplace_back();
  }
  InternNamesLocked(&p);
  CountNamesLocked(p, +1);
  std::vector<uint64_t> keys;
  BlockingKeys(p, &keys);
  for (uint64_t k : keys) postings_[k].push_back(slot);
  Entry& e = entries_[slot];
  e.id = id;
  summaries_[slot] = p.summary;
  e.person = std::move(p);
  e.alive = true;
  by_id_[id] = slot;
  ++live_;
}

void MatchIndex::RemoveSlotLocked(uint32_t slot) {
  Entry& e = entries_[slot];
  if (!e.alive) return;
  std::vector<uint64_t> keys;
  BlockingKeys(e.person, &keys);
  for (uint64_t k : keys) {
    auto it = postings_.find(k);
    if (it == postings_.end()) continue;
    auto& v = it->second;
    auto pos = std::find(v.begin(), v.end(), slot);
    if (pos != v.end()) {
      *pos = v.back();
      v.pop_back();
    }
    if (v.empty()) postings_.erase(it);
  }
  CountNamesLocked(e.person, -1);
  e.alive = false;
  e.person = NormalizedPerson();
  summaries_[slot] = PersonSummary();
  --live_;
}

bool MatchIndex::Remove(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  uint32_t slot = it->second;
  RemoveSlotLocked(slot);
  entries_[slot].id.clear();
  by_id_.erase(it);
  free_.push_back(slot);
  return true;
}

Status MatchIndex::Merge(std::string_view survivor, std::string_view absorbed,
                         const PersonRecord& merged) {
  if (survivor == absorbed) return InvalidArgument("a person cannot be merged into itself");
  if (merged.id != survivor) {
    return InvalidArgument("the merged record must carry the survivor's id", "id");
  }
  ASSIGN_OR_RETURN(NormalizedPerson p, Normalize(merged));
  std::unique_lock lock(mu_);
  auto s = by_id_.find(survivor);
  auto a = by_id_.find(absorbed);
  if (s == by_id_.end() || a == by_id_.end()) return NotFound("person not indexed");
  uint32_t slot = a->second;
  RemoveSlotLocked(slot);
  entries_[slot].id.clear();
  by_id_.erase(a);
  free_.push_back(slot);
  UpsertLocked(std::string(survivor), std::move(p));
  // Carry the absorbed person's "different person" marks over to the survivor.
  auto pa = partners_.find(absorbed);
  if (pa != partners_.end()) {
    std::vector<std::string> others = std::move(pa->second);
    partners_.erase(pa);
    for (const auto& o : others) {
      different_.erase(DifferentKey(absorbed, o));
      auto po = partners_.find(o);
      if (po != partners_.end()) {
        auto& v = po->second;
        v.erase(std::remove(v.begin(), v.end(), absorbed), v.end());
      }
      if (o == survivor) continue;  // they were marked different, yet a user merged them
      if (different_.insert(DifferentKey(survivor, o)).second) {
        partners_[std::string(survivor)].push_back(o);
        partners_[o].emplace_back(survivor);
      }
    }
  }
  return Status::Ok();
}

void MatchIndex::MarkDifferent(std::string_view a, std::string_view b) {
  if (a == b) return;
  std::unique_lock lock(mu_);
  if (!different_.insert(DifferentKey(a, b)).second) return;
  partners_[std::string(a)].emplace_back(b);
  partners_[std::string(b)].emplace_back(a);
}

bool MatchIndex::UnmarkDifferent(std::string_view a, std::string_view b) {
  std::unique_lock lock(mu_);
  auto it = different_.find(DifferentKey(a, b));
  if (it == different_.end()) return false;
  different_.erase(it);
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    auto p = partners_.find(x);
    if (p == partners_.end()) continue;
    auto& v = p->second;
    v.erase(std::remove(v.begin(), v.end(), y), v.end());
    if (v.empty()) partners_.erase(p);
  }
  return true;
}

bool MatchIndex::AreMarkedDifferent(std::string_view a, std::string_view b) const {
  std::shared_lock lock(mu_);
  return ExcludedLocked(a, b);
}

bool MatchIndex::ExcludedLocked(std::string_view a, std::string_view b) const {
  if (different_.empty()) return false;
  return different_.find(DifferentKey(a, b)) != different_.end();
}

// ---------------------------------------------------------------------------------------------
// Reads

Decision MatchIndex::DecisionFor(float score) const {
  return score >= options_.model.probable_threshold ? Decision::kProbable : Decision::kPossible;
}

void MatchIndex::CandidatesLocked(const NormalizedPerson& p, const std::vector<uint64_t>& keys,
                                  uint32_t self_slot, bool later_only, float threshold,
                                  const Frequencies& freq,
                                  std::vector<std::pair<uint32_t, Comparison>>* out) const {
  Seen& seen = tl_seen;
  seen.Begin(entries_.size());
  if (self_slot < entries_.size()) seen.TestAndSet(self_slot);
  // Most candidates are settled from the summaries: with the most the names could add, they
  // cannot reach the threshold.
  const float names_bound = NamesBound(p, options_.model, &freq);
  for (uint64_t k : keys) {
    auto it = postings_.find(k);
    if (it == postings_.end()) continue;
    const size_t cap = (k & 1) != 0 ? options_.max_name_posting : options_.max_posting;
    if (it->second.size() > cap) continue;
    for (uint32_t slot : it->second) {
      if (later_only && slot <= self_slot) continue;
      if (seen.TestAndSet(slot)) continue;
      if (OtherFieldsBound(p.summary, summaries_[slot], options_.model) + names_bound < threshold) {
        continue;
      }
      Comparison c = Compare(p, entries_[slot].person, options_.model, &freq, threshold);
      if (c.score >= threshold) out->emplace_back(slot, c);
    }
  }
}

StatusOr<std::vector<Candidate>> MatchIndex::Query(const PersonRecord& r, size_t limit) const {
  ASSIGN_OR_RETURN(NormalizedPerson p, Normalize(r));
  return Query(p, r.id, limit);
}

std::vector<Candidate> MatchIndex::Query(const NormalizedPerson& person, std::string_view self_id,
                                         size_t limit) const {
  std::vector<uint64_t> keys;
  BlockingKeys(person, &keys);
  NormalizedPerson p = person;
  std::vector<std::pair<uint32_t, Comparison>> found;
  std::vector<Candidate> out;
  std::shared_lock lock(mu_);
  LookupNamesLocked(&p);
  uint32_t self_slot = UINT32_MAX;
  if (!self_id.empty()) {
    auto it = by_id_.find(self_id);
    if (it != by_id_.end()) self_slot = it->second;
  }
  const Frequencies freq = FrequenciesLocked(self_slot == UINT32_MAX ? 1 : 0);
  CandidatesLocked(p, keys, self_slot, false, static_cast<float>(options_.model.possible_threshold),
                   freq, &found);
  std::sort(found.begin(), found.end(), [&](const auto& x, const auto& y) {
    if (x.second.score != y.second.score) return x.second.score > y.second.score;
    return entries_[x.first].id < entries_[y.first].id;
  });
  for (const auto& [slot, c] : found) {
    if (out.size() >= limit) break;
    const std::string& id = entries_[slot].id;
    if (!self_id.empty() && ExcludedLocked(self_id, id)) continue;
    out.push_back(Candidate{id, c.score, DecisionFor(c.score), c});
  }
  return out;
}

void MatchIndex::AllPairs(Decision min, int threads, const std::function<void(size_t)>& progress,
                          const std::function<void(const std::string&, const std::string&,
                                                   const Comparison&, Decision)>& emit) const {
  std::shared_lock lock(mu_);
  const float threshold =
      static_cast<float>(min == Decision::kProbable ? options_.model.probable_threshold
                                                    : options_.model.possible_threshold);
  const Frequencies freq = FrequenciesLocked(0);
  const size_t n = entries_.size();
  constexpr size_t kChunk = 512;
  std::atomic<size_t> next{0}, done{0};
  threads = std::max(1, threads);
  using Found = std::vector<std::pair<uint32_t, std::pair<uint32_t, Comparison>>>;
  std::vector<Found> results(static_cast<size_t>(threads));
  std::mutex finished_mu;
  std::condition_variable finished_cv;
  int running = threads;
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        Found& mine = results[static_cast<size_t>(t)];
        std::vector<uint64_t> keys;
        std::vector<std::pair<uint32_t, Comparison>> found;
        for (size_t begin = next.fetch_add(kChunk); begin < n; begin = next.fetch_add(kChunk)) {
          size_t end = std::min(n, begin + kChunk);
          for (size_t i = begin; i < end; ++i) {
            const Entry& e = entries_[i];
            if (!e.alive) continue;
            BlockingKeys(e.person, &keys);
            found.clear();
            CandidatesLocked(e.person, keys, static_cast<uint32_t>(i), true, threshold, freq,
                             &found);
            for (auto& f : found) {
              if (ExcludedLocked(e.id, entries_[f.first].id)) continue;
              mine.emplace_back(static_cast<uint32_t>(i), std::move(f));
            }
          }
          done.fetch_add(end - begin);
        }
        std::lock_guard g(finished_mu);
        if (--running == 0) finished_cv.notify_all();
      });
    }
    std::unique_lock g(finished_mu);
    while (running > 0) {
      finished_cv.wait_for(g, std::chrono::milliseconds(100));
      if (progress) progress(std::min(done.load(), n));
    }
  }
  Found all;
  for (auto& r : results) {
    all.insert(all.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
    Found().swap(r);
  }
  std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : x.second.first < y.second.first;
  });
  for (const auto& [a, bc] : all) {
    emit(entries_[a].id, entries_[bc.first].id, bc.second, DecisionFor(bc.second.score));
  }
}

size_t MatchIndex::size() const {
  std::shared_lock lock(mu_);
  return live_;
}

Status MatchIndex::CheckConsistency() const {
  std::shared_lock lock(mu_);
  size_t alive = 0;
  std::unordered_map<uint64_t, std::vector<uint32_t>> expected;
  std::vector<uint32_t> given(given_counts_.size(), 0), family(family_counts_.size(), 0);
  std::vector<uint64_t> keys;
  for (uint32_t slot = 0; slot < entries_.size(); ++slot) {
    const Entry& e = entries_[slot];
    if (!e.alive) continue;
    ++alive;
    auto it = by_id_.find(e.id);
    if (it == by_id_.end() || it->second != slot) {
      return Internal("id map does not point at the record " + e.id);
    }
    if (!(summaries_[slot] == e.person.summary)) {
      return Internal("the summary of " + e.id + " is stale");
    }
    BlockingKeys(e.person, &keys);
    for (uint64_t k : keys) expected[k].push_back(slot);
    if (const NameSplit* s = PrimarySplit(e.person)) {
      if (!s->given.empty()) ++given.at(s->given.freq_id);
      if (!s->family.empty()) ++family.at(s->family.freq_id);
    }
  }
  if (alive != live_ || by_id_.size() != live_) {
    return Internal("live count " + std::to_string(live_) + ", records " + std::to_string(alive) +
                    ", ids " + std::to_string(by_id_.size()));
  }
  if (expected.size() != postings_.size()) {
    return Internal("expected " + std::to_string(expected.size()) + " keys, index has " +
                    std::to_string(postings_.size()));
  }
  for (auto& [k, slots] : expected) {
    auto it = postings_.find(k);
    if (it == postings_.end()) return Internal("a key is missing from the postings");
    std::vector<uint32_t> have = it->second;
    std::sort(have.begin(), have.end());
    std::sort(slots.begin(), slots.end());
    if (have != slots) return Internal("a posting list disagrees with the records");
  }
  if (given != given_counts_ || family != family_counts_) {
    return Internal("name frequencies disagree with the records");
  }
  for (const auto& [id, others] : partners_) {
    for (const auto& o : others) {
      if (different_.find(DifferentKey(id, o)) == different_.end()) {
        return Internal("a different-person partner without its pair");
      }
    }
  }
  return Status::Ok();
}

}  // namespace tamkine::matching
