#include "coordination/work_item_store.h"

#include "crypto/keyring.h"

namespace tamkine::coordination::internal {

namespace {

constexpr char kItemColumns[] =
    "w.id, w.case_id, c.reference_code, w.kind, w.type, w.priority, w.target_unit_id, tu.name, "
    "w.issuer_user_id, w.issuer_unit_id, iu.name, w.issued_at, w.recorded_at, w.due_at, w.state, "
    "w.version, w.acknowledged_at, w.acknowledged_by_user_id, w.started_at, w.completed_at, "
    "w.completed_by_user_id, w.outcome_code, w.escalated_at, w.measure_id, w.parent_id, "
    "w.updated_at, w.outcome_sealed, w.refusal_sealed, w.note_sealed, w.incident_id";

constexpr char kItemFrom[] =
    " FROM work_items w JOIN cases c ON c.id = w.case_id "
    "LEFT JOIN units tu ON tu.id = w.target_unit_id "
    "LEFT JOIN units iu ON iu.id = w.issuer_unit_id";

WorkItem ItemFromRow(const storage::Row& r) {
  WorkItem w;
  w.id = r.Text(0);
  w.case_id = r.Text(1);
  w.reference_code = r.Text(2);
  w.kind = r.Text(3);
  w.type = r.Text(4);
  w.priority = r.Text(5);
  w.target_unit_id = r.OptText(6);
  w.target_unit_name = r.OptText(7);
  w.issuer_user_id = r.OptText(8);
  w.issuer_unit_id = r.OptText(9);
  w.issuer_unit_name = r.OptText(10);
  w.issued_at = r.Int(11);
  w.recorded_at = r.Int(12);
  w.due_at = r.Int(13);
  w.state = r.Text(14);
  w.version = r.Int(15);
  w.acknowledged_at = r.OptInt(16);
  w.acknowledged_by_user_id = r.OptText(17);
  w.started_at = r.OptInt(18);
  w.completed_at = r.OptInt(19);
  w.completed_by_user_id = r.OptText(20);
  w.outcome_code = r.OptText(21);
  w.escalated_at = r.OptInt(22);
  w.measure_id = r.OptText(23);
  w.parent_id = r.OptText(24);
  w.updated_at = r.Int(25);
  w.incident_id = r.OptText(29);
  return w;
}

StatusOr<std::optional<std::string>> OpenColumn(const crypto::Keyring& k, const char* column,
                                                const std::string& id, const storage::Row& r,
                                                size_t i) {
  if (r.IsNull(i)) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string plain, k.Open("work_items", column, id, r.Bytes(i)));
  return std::optional<std::string>(std::move(plain));
}

StatusOr<storage::Value> SealColumn(const crypto::Keyring& k, const char* column,
                                    const std::string& id, const std::optional<std::string>& v) {
  if (!v) return storage::Null();
  ASSIGN_OR_RETURN(auto sealed, k.Seal("work_items", column, id, *v));
  return storage::Value(storage::Blob{std::move(sealed)});
}

std::string JoinSectors(const std::vector<std::string>& v) {
  std::string out = ",";
  for (const auto& s : v) out += s + ",";
  return out;
}

std::vector<std::string> SplitSectors(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr char kTypeColumns[] =
    "code, label_ar, label_fr, label_en, sectors, default_priority, minutes_urgent, "
    "minutes_priority, minutes_normal, active";

InstructionType TypeFromRow(const storage::Row& r) {
  InstructionType t;
  t.code = r.Text(0);
  t.label_ar = r.Text(1);
  t.label_fr = r.Text(2);
  t.label_en = r.Text(3);
  t.sectors = SplitSectors(r.Text(4));
  t.default_priority = r.Text(5);
  t.minutes_urgent = r.Int(6);
  t.minutes_priority = r.Int(7);
  t.minutes_normal = r.Int(8);
  t.active = r.Bool(9);
  return t;
}

}  // namespace

StatusOr<std::optional<InstructionType>> LoadType(storage::Tx& tx, const std::string& code) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT ") + kTypeColumns +
                                             " FROM instruction_types WHERE code = ?",
                                         {code}));
  if (!row) return std::optional<InstructionType>();
  return std::optional<InstructionType>(TypeFromRow(*row));
}

StatusOr<std::vector<InstructionType>> ListTypes(storage::Tx& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kTypeColumns +
                                       " FROM instruction_types ORDER BY code"));
  std::vector<InstructionType> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(TypeFromRow(r));
  return out;
}

Status InsertType(storage::Tx& tx, const InstructionType& t, Micros now) {
  ASSIGN_OR_RETURN(auto existing, LoadType(tx, t.code));
  if (existing) return AlreadyExists("is already in the catalogue", "code");
  return tx
      .Exec(
          "INSERT INTO instruction_types (code, label_ar, label_fr, label_en, sectors, "
          "default_priority, minutes_urgent, minutes_priority, minutes_normal, active, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {t.code, t.label_ar, t.label_fr, t.label_en, JoinSectors(t.sectors), t.default_priority,
           t.minutes_urgent, t.minutes_priority, t.minutes_normal, storage::Bool(t.active), now})
      .status();
}

Status InsertItem(storage::Tx& tx, const crypto::Keyring& k, const WorkItem& w) {
  ASSIGN_OR_RETURN(auto note, SealColumn(k, "note_sealed", w.id, w.note));
  return tx
      .Exec(
          "INSERT INTO work_items (id, case_id, kind, type, priority, target_unit_id, "
          "issuer_user_id, issuer_unit_id, issued_at, recorded_at, due_at, state, version, "
          "note_sealed, measure_id, incident_id, parent_id, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
          {w.id, w.case_id, w.kind, w.type, w.priority, storage::Opt(w.target_unit_id),
           storage::Opt(w.issuer_user_id), storage::Opt(w.issuer_unit_id), w.issued_at,
           w.recorded_at, w.due_at, w.state, note, storage::Opt(w.measure_id),
           storage::Opt(w.incident_id), storage::Opt(w.parent_id), w.updated_at})
      .status();
}

StatusOr<std::optional<WorkItem>> LoadItem(storage::Tx& tx, const crypto::Keyring& k,
                                           const std::string& id, bool open_text) {
  ASSIGN_OR_RETURN(
      auto row,
      tx.QueryOne(std::string("SELECT ") + kItemColumns + kItemFrom + " WHERE w.id = ?", {id}));
  if (!row) return std::optional<WorkItem>();
  WorkItem w = ItemFromRow(*row);
  if (open_text) {
    ASSIGN_OR_RETURN(w.outcome, OpenColumn(k, "outcome_sealed", w.id, *row, 26));
    ASSIGN_OR_RETURN(w.refusal_reason, OpenColumn(k, "refusal_sealed", w.id, *row, 27));
    ASSIGN_OR_RETURN(w.note, OpenColumn(k, "note_sealed", w.id, *row, 28));
  } else {
    w.text_withheld = !row->IsNull(26) || !row->IsNull(27) || !row->IsNull(28);
  }
  ASSIGN_OR_RETURN(auto docs, tx.Query("SELECT document_id FROM work_item_documents WHERE "
                                       "work_item_id = ? ORDER BY attached_at, document_id",
                                       {id}));
  for (const auto& d : docs) w.document_ids.push_back(d.Text(0));
  return std::optional<WorkItem>(std::move(w));
}

StatusOr<std::vector<WorkItem>> QueryItems(storage::Tx& tx, const std::string& where,
                                           const storage::Params& params, const std::string& order,
                                           int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string("SELECT ") + kItemColumns + kItemFrom + " WHERE " + where +
                                " ORDER BY " + order + " LIMIT " + std::to_string(limit),
                            params));
  std::vector<WorkItem> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(ItemFromRow(r));
    out.back().text_withheld = !r.IsNull(26) || !r.IsNull(27) || !r.IsNull(28);
  }
  return out;
}

Status UpdateItem(storage::Tx& tx, const crypto::Keyring& k, const WorkItem& w,
                  int64_t expected_version) {
  ASSIGN_OR_RETURN(auto outcome, SealColumn(k, "outcome_sealed", w.id, w.outcome));
  ASSIGN_OR_RETURN(auto refusal, SealColumn(k, "refusal_sealed", w.id, w.refusal_reason));
  // The version check is the database's: of two writers that read the same version, only one
  // changes the row.
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE work_items SET state = ?, version = version + 1, acknowledged_at = ?, "
              "acknowledged_by_user_id = ?, started_at = ?, completed_at = ?, "
              "completed_by_user_id = ?, outcome_code = ?, outcome_sealed = ?, "
              "refusal_sealed = ?, escalated_at = ?, updated_at = ? WHERE id = ? AND version = ?",
              {w.state, storage::Opt(w.acknowledged_at), storage::Opt(w.acknowledged_by_user_id),
               storage::Opt(w.started_at), storage::Opt(w.completed_at),
               storage::Opt(w.completed_by_user_id), storage::Opt(w.outcome_code), outcome, refusal,
               storage::Opt(w.escalated_at), w.updated_at, w.id, expected_version}));
  if (changed != 1) return Aborted("the work item changed meanwhile");
  return Status::Ok();
}

Status AttachDocuments(storage::Tx& tx, const WorkItem& w, const std::vector<std::string>& ids,
                       const std::string& user_id, Micros now) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string field = "document_ids[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(auto doc, tx.QueryOne("SELECT case_id FROM documents WHERE id = ?", {ids[i]}));
    if (!doc || doc->Text(0) != w.case_id) {
      return InvalidArgument("is not a document of this case", field);
    }
    ASSIGN_OR_RETURN(auto dup, tx.QueryOne("SELECT 1 FROM work_item_documents WHERE "
                                           "work_item_id = ? AND document_id = ?",
                                           {w.id, ids[i]}));
    if (dup) continue;
    RETURN_IF_ERROR(tx.Exec("INSERT INTO work_item_documents (work_item_id, document_id, "
                            "attached_by_user_id, attached_at) VALUES (?, ?, ?, ?)",
                            {w.id, ids[i], user_id, now})
                        .status());
  }
  return Status::Ok();
}

StatusOr<std::optional<std::string>> ProsecutionUnitOf(storage::Tx& tx, const std::string& case_id,
                                                       const std::string& holder_unit_id,
                                                       const std::string& created_by_unit_id,
                                                       const std::string& province_code) {
  const std::pair<const char*, storage::Params> queries[] = {
      {"SELECT c.unit_id FROM consents c JOIN units u ON u.id = c.unit_id WHERE c.case_id = ? "
       "AND c.revoked_at IS NULL AND u.sector = 'prosecution' AND u.active = 1 "
       "ORDER BY c.granted_at, c.id LIMIT 1",
       {case_id}},
      {"SELECT id FROM units WHERE id IN (?, ?) AND sector = 'prosecution' AND active = 1 "
       "ORDER BY id LIMIT 1",
       {holder_unit_id, created_by_unit_id}},
      {"SELECT i.receiving_unit_id FROM intakes i JOIN units u ON u.id = i.receiving_unit_id "
       "WHERE i.case_id = ? AND u.sector = 'prosecution' AND u.active = 1 "
       "ORDER BY i.received_at, i.id LIMIT 1",
       {case_id}},
      {"SELECT id FROM units WHERE sector = 'prosecution' AND active = 1 AND province_code = ? "
       "ORDER BY created_at, id LIMIT 1",
       {province_code}},
  };
  for (const auto& [sql, params] : queries) {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, params));
    if (row) return std::optional<std::string>(row->Text(0));
  }
  return std::optional<std::string>();
}

}  // namespace tamkine::coordination::internal
