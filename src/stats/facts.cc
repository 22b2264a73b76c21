#include "stats/facts.h"

#include <algorithm>
#include <ctime>
#include <limits>

#include "access/subject.h"
#include "cases/classify.h"
#include "cases/vocab.h"
#include "reference/regions.h"

namespace tamkine::stats {
namespace {

const std::vector<std::string_view>& CaseStatuses() {
  static const std::vector<std::string_view> kValues = {"open", "closed"};
  return kValues;
}

uint8_t IndexOf(const std::vector<std::string_view>& values, std::string_view v) {
  for (size_t i = 0; i < values.size() && i < kUnknown; ++i) {
    if (values[i] == v) return static_cast<uint8_t>(i);
  }
  return kUnknown;
}

// The cases changed since a moment (with the slack below, so that a transaction that committed
// late with an earlier timestamp is still seen), and the few category codes of their first
// intake, incident and perpetrator. Nothing identifying is selected.
constexpr std::string_view kChangedCases =
    "SELECT c.id, c.updated_at, c.created_at, c.province_code, c.kind, c.age_band, "
    "c.violence_forms, c.status, c.close_reason, c.risk_level, c.merged_into_case_id, u.sector, "
    "(SELECT i.channel FROM intakes i WHERE i.case_id = c.id ORDER BY i.received_at, i.id LIMIT "
    "1), "
    "(SELECT x.gbv_type FROM incidents x WHERE x.case_id = c.id "
    " ORDER BY x.occurred_on, x.created_at, x.id LIMIT 1), "
    "(SELECT p.relationship FROM perpetrators p WHERE p.case_id = c.id "
    " ORDER BY p.created_at, p.id LIMIT 1) "
    "FROM cases c JOIN units u ON u.id = c.created_by_unit_id WHERE c.updated_at >= ?";
constexpr int64_t kSlackMicros = 10'000'000;

uint64_t HashId(const std::string& id) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char ch : id) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return h;
}

uint16_t MonthOf(int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return static_cast<uint16_t>(std::max(0, MonthIndex(tm.tm_year + 1900, tm.tm_mon + 1)));
}

Fact MakeFact(const storage::Row& r) {
  Fact f;
  f.month = MonthOf(r.Int(2));
  const std::string& province = r.Text(3);
  f.region = static_cast<uint8_t>(reference::RegionOfProvince(province));
  if (const reference::Region* region = reference::FindRegion(f.region)) {
    for (size_t i = 0; i < region->provinces.size(); ++i) {
      if (region->provinces[i].code == province) f.province = static_cast<uint8_t>(i);
    }
  }
  f.kind = IndexOf(cases::CaseKinds(), r.Text(4));
  f.age_band = IndexOf(cases::AgeBands(), r.Text(5));
  const auto& forms = cases::ViolenceForms();
  const std::string& listed = r.Text(6);  // ",physical,sexual," (cases/case_store.cc)
  for (size_t i = 0; i < forms.size() && i < 8; ++i) {
    std::string key;
    key.reserve(forms[i].size() + 2);
    key.push_back(',');
    key.append(forms[i]);
    key.push_back(',');
    if (listed.find(key) != std::string::npos) f.forms |= static_cast<uint8_t>(1U << i);
  }
  f.status = IndexOf(CaseStatuses(), r.Text(7));
  if (auto reason = r.OptText(8)) f.close_reason = IndexOf(cases::CloseReasons(), *reason);
  f.risk_level = IndexOf(cases::RiskLevels(), r.Text(9));
  f.live = r.IsNull(10);
  f.sector = IndexOf(access::Sectors(), r.Text(11));
  if (auto v = r.OptText(12)) f.channel = IndexOf(cases::Channels(), *v);
  if (auto v = r.OptText(13)) f.gbv_type = IndexOf(cases::GbvTypes(), *v);
  if (auto v = r.OptText(14)) f.relationship = IndexOf(cases::Relationships(), *v);
  return f;
}

}  // namespace

int MonthIndex(int year, int month) { return (year - 2000) * 12 + (month - 1); }

const std::vector<Dimension>& Dimensions() {
  static const std::vector<Dimension> kDims = {
      {"age_band", &cases::AgeBands(), false, [](const Fact& f) { return f.age_band; }},
      {"kind", &cases::CaseKinds(), false, [](const Fact& f) { return f.kind; }},
      {"form", &cases::ViolenceForms(), true, nullptr},
      {"gbv_type", &cases::GbvTypes(), false, [](const Fact& f) { return f.gbv_type; }},
      {"relationship", &cases::Relationships(), false,
       [](const Fact& f) { return f.relationship; }},
      {"channel", &cases::Channels(), false, [](const Fact& f) { return f.channel; }},
      {"sector", &access::Sectors(), false, [](const Fact& f) { return f.sector; }},
      {"status", &CaseStatuses(), false, [](const Fact& f) { return f.status; }},
      {"close_reason", &cases::CloseReasons(), false, [](const Fact& f) { return f.close_reason; }},
      {"risk_level", &cases::RiskLevels(), false, [](const Fact& f) { return f.risk_level; }},
  };
  return kDims;
}

const Dimension* FindDimension(std::string_view name) {
  for (const auto& d : Dimensions()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

Status CaseFacts::Refresh(storage::Tx* tx) {
  std::lock_guard<std::mutex> one_at_a_time(refresh_mu_);
  int64_t since = watermark_ < 0 ? 0 : std::max<int64_t>(0, watermark_ - kSlackMicros);
  std::vector<storage::Row> rows;
  if (tx != nullptr) {
    ASSIGN_OR_RETURN(rows, tx->Query(kChangedCases, {since}));
  } else {
    ASSIGN_OR_RETURN(auto own, store_->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(rows, own->Query(kChangedCases, {since}));
    RETURN_IF_ERROR(own->Commit());
  }
  if (rows.empty()) return Status::Ok();
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (watermark_ < 0) {
    facts_.reserve(rows.size());
    by_case_.reserve(rows.size());
  }
  for (const auto& r : rows) {
    watermark_ = std::max(watermark_, r.Int(1));
    Fact f = MakeFact(r);
    auto [it, inserted] =
        by_case_.try_emplace(HashId(r.Text(0)), static_cast<uint32_t>(facts_.size()));
    if (inserted) {
      facts_.push_back(f);
    } else {
      facts_[it->second] = f;
    }
  }
  return Status::Ok();
}

void CaseFacts::ForEach(const std::function<void(const Fact&)>& f) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const Fact& fact : facts_) {
    if (fact.live) f(fact);
  }
}

size_t CaseFacts::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return facts_.size();
}

void CaseFacts::Assign(std::vector<Fact> facts) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  facts_ = std::move(facts);
  by_case_.clear();
  watermark_ = std::numeric_limits<int64_t>::max() / 2;
}

}  // namespace tamkine::stats
