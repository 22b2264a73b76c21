#include "keys/keyring_store.h"

#include "crypto/keyring.h"

namespace tamkine::keys {

const std::vector<SealedTable>& SealedTables() {
  static const std::vector<SealedTable> kTables = {
      {"users",
       "id",
       {"display_name_sealed", "email_sealed", "phone_sealed", "totp_secret_sealed"}},
      // The case file (v002_cases.cc, docs/cases.md).
      {"index_keys", "name", {"key_sealed"}},
      {"survivors", "id", {"identity_sealed", "profile_sealed"}},
      {"intakes", "id", {"notes_sealed"}},
      {"incidents", "id", {"details_sealed"}},
      {"perpetrators", "id", {"details_sealed"}},
      {"risk_assessments", "id", {"answers_sealed"}},
      {"btg_grants", "id", {"reason_sealed", "review_note_sealed"}},
      {"case_events", "id", {"detail_sealed"}},
      {"case_notes", "id", {"body_sealed"}},
      {"documents", "id", {"metadata_sealed"}},
      {"document_versions", "id", {"filename_sealed", "content_sealed"}, 4},
      // Duplicate decisions and merges (v003_duplicates.cc, docs/matching.md).
      {"duplicate_pairs", "id", {"reason_sealed"}},
      {"case_merges", "id", {"reason_sealed", "unmerge_reason_sealed"}},
      // Referrals (v006_referrals.cc, docs/referrals.md).
      {"referrals", "id", {"reason_sealed", "decision_sealed", "next_step_sealed"}},
      // Coordination (v005_coordination.cc, docs/coordination.md).
      {"work_items", "id", {"outcome_sealed", "refusal_sealed", "note_sealed"}},
      {"protection_measures", "id", {"conditions_sealed"}},
      // Notification addresses (v007_notifications.cc, docs/notifications.md).
      {"notifications", "id", {"address_sealed"}},
  };
  return kTables;
}

namespace {

Status LoadAll(storage::Store& store, crypto::Keyring& keyring, bool* empty) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto rows,
                   tx->Query("SELECT version, wrapped, state FROM data_keys ORDER BY version"));
  *empty = rows.empty();
  uint32_t current = 0;
  for (const auto& r : rows) {
    auto version = static_cast<uint32_t>(r.Int(0));
    if (!keyring.HasVersion(version)) {
      ASSIGN_OR_RETURN(auto dek, keyring.UnwrapDataKey(version, r.Bytes(1)));
      keyring.AddDataKey(version, dek);
    }
    if (r.Text(2) == "active") current = version;
  }
  if (current != 0 && current != keyring.current_version()) keyring.SetCurrentVersion(current);
  return Status::Ok();
}

Status AddVersion(storage::Store& store, crypto::Keyring& keyring, const Clock& clock,
                  uint32_t* version_out) {
  auto dek = crypto::Keyring::NewDataKey();
  uint32_t version = 0;
  RETURN_IF_ERROR(storage::WithTx(store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT COALESCE(MAX(version), 0) FROM data_keys"));
    version = static_cast<uint32_t>(row->Int(0) + 1);
    auto wrapped = keyring.WrapDataKey(version, dek);
    RETURN_IF_ERROR(
        tx.Exec("UPDATE data_keys SET state = 'retired' WHERE state = 'active'").status());
    return tx
        .Exec(
            "INSERT INTO data_keys (version, wrapped, created_at, state) "
            "VALUES (?, ?, ?, 'active')",
            {static_cast<int64_t>(version), storage::Blob{std::move(wrapped)}, clock.Now()})
        .status();
  }));
  keyring.AddDataKey(version, dek);
  keyring.SetCurrentVersion(version);
  *version_out = version;
  return Status::Ok();
}

}  // namespace

Status LoadKeyring(storage::Store& store, crypto::Keyring& keyring, const Clock& clock) {
  bool empty = false;
  RETURN_IF_ERROR(LoadAll(store, keyring, &empty));
  if (empty) {
    uint32_t v = 0;
    Status s = AddVersion(store, keyring, clock, &v);
    // Two processes starting at once: the loser's insert collides; load the winner's key.
    if (s.code() == StatusCode::kAlreadyExists) return LoadAll(store, keyring, &empty);
    return s;
  }
  return Status::Ok();
}

Status RefreshKeyring(storage::Store& store, crypto::Keyring& keyring) {
  bool empty = false;
  return LoadAll(store, keyring, &empty);
}

StatusOr<int64_t> ResealAll(storage::Store& store, const crypto::Keyring& keyring,
                            const std::function<void(int64_t)>& progress) {
  const uint32_t current = keyring.current_version();
  int64_t total = 0;
  for (const auto& t : SealedTables()) {
    std::string cols;
    for (const auto& c : t.columns) cols += ", " + c;
    std::string last;
    while (true) {
      int64_t batch_count = 0;
      std::string batch_last = last;
      RETURN_IF_ERROR(storage::WithTx(store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
        batch_count = 0;
        batch_last = last;
        ASSIGN_OR_RETURN(
            auto rows,
            tx.Query("SELECT " + t.id_column + cols + " FROM " + t.table + " WHERE " + t.id_column +
                         " > ? ORDER BY " + t.id_column + " LIMIT " + std::to_string(t.batch_rows),
                     {last}));
        for (const auto& r : rows) {
          const std::string id = r.Text(0);
          batch_last = id;
          for (size_t i = 0; i < t.columns.size(); ++i) {
            if (r.IsNull(i + 1)) continue;
            const auto& sealed = r.Bytes(i + 1);
            auto v = crypto::Keyring::KeyVersionOf(sealed);
            if (v && *v == current) continue;
            ASSIGN_OR_RETURN(std::string plain, keyring.Open(t.table, t.columns[i], id, sealed));
            ASSIGN_OR_RETURN(auto resealed, keyring.Seal(t.table, t.columns[i], id, plain));
            RETURN_IF_ERROR(tx.Exec("UPDATE " + t.table + " SET " + t.columns[i] + " = ? WHERE " +
                                        t.id_column + " = ?",
                                    {storage::Blob{std::move(resealed)}, id})
                                .status());
            ++batch_count;
          }
        }
        if (rows.empty()) batch_last.clear();
        return Status::Ok();
      }));
      total += batch_count;
      if (progress) progress(total);
      if (batch_last.empty() || batch_last == last) break;
      last = batch_last;
    }
  }
  return total;
}

StatusOr<RotationReport> RotateKeys(storage::Store& store, crypto::Keyring& keyring,
                                    const Clock& clock,
                                    const std::function<void(int64_t)>& progress) {
  RETURN_IF_ERROR(RefreshKeyring(store, keyring));
  RotationReport report;
  RETURN_IF_ERROR(AddVersion(store, keyring, clock, &report.new_version));
  ASSIGN_OR_RETURN(report.values_resealed, ResealAll(store, keyring, progress));
  return report;
}

}  // namespace tamkine::keys
