#include "cases/import.h"

#include "audit/audit_log.h"
#include "cases/case_store.h"
#include "cases/case_write.h"
#include "cases/validate.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

namespace {

// A clock frozen at the import's time, for the audit entry.
class AtClock final : public Clock {
 public:
  explicit AtClock(Micros at) : at_(at) {}
  Micros Now() const override { return at_; }

 private:
  Micros at_;
};

}  // namespace

StatusOr<std::unique_ptr<Importer>> Importer::Create(const Deps& deps) {
  ASSIGN_OR_RETURN(auto key, internal::LoadNameKey(*deps.store, *deps.keyring, deps.clock->Now()));
  return std::unique_ptr<Importer>(new Importer(deps, key));
}

StatusOr<std::string> Importer::AddCase(storage::Tx& tx, const ImportActor& actor,
                                        const NewCaseInput& in, Micros at) {
  NewCaseInput input = in;
  if (!input.intake.received_at) input.intake.received_at = at;
  ASSIGN_OR_RETURN(internal::PreparedCase p, internal::PrepareNewCase(input, at));
  RETURN_IF_ERROR(
      internal::WriteNewCase(tx, deps_, name_key_, {actor.user_id, actor.unit_id}, p, at).status());
  audit::Entry e;
  e.username = "system";
  e.action = "case.import";
  e.record_type = "case";
  e.record_id = p.id;
  e.decision = "allowed";
  e.reason = "trusted import (demo seeding or migration)";
  RETURN_IF_ERROR(audit::Append(tx, AtClock(at), e));
  return p.id;
}

Status Importer::Move(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                      const TransitionInput& in, Micros at) {
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, at));
  ASSIGN_OR_RETURN(internal::CaseRow row, internal::MustLoadCase(tx, case_id));
  return internal::WriteTransition(tx, deps_, row, {actor.user_id, actor.unit_id}, in, at);
}

Status Importer::Note(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                      const std::string& compartment, const std::string& text, Micros at) {
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, at));
  return internal::WriteNote(tx, deps_, case_id, {actor.user_id, actor.unit_id}, compartment, text,
                             at)
      .status();
}

Status Importer::Document(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                          const std::string& type, const Json& metadata,
                          const std::optional<DocumentFileInput>& file, Micros at) {
  ASSIGN_OR_RETURN(Json meta, ValidateDocumentMetadata(type, metadata, MoroccoDate(at)));
  std::optional<internal::CleanDocument> clean;
  if (file) {
    ASSIGN_OR_RETURN(clean, internal::CleanDocumentFile(*file));
  }
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, at));
  return internal::WriteDocument(tx, deps_, case_id, {actor.user_id, actor.unit_id}, actor.sector,
                                 type, meta, clean ? &*clean : nullptr, at)
      .status();
}

Status Importer::Risk(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                      const RiskInput& in, Micros at) {
  RETURN_IF_ERROR(ValidateRisk(in, ""));
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, at));
  ASSIGN_OR_RETURN(internal::CaseRow row, internal::MustLoadCase(tx, case_id));
  return internal::WriteRisk(tx, deps_, row, {actor.user_id, actor.unit_id}, in, at).status();
}

Status Importer::ChildReportSent(storage::Tx& tx, const ImportActor& actor,
                                 const std::string& case_id, Micros at) {
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, at));
  RETURN_IF_ERROR(
      tx.Exec("UPDATE cases SET report_sent_at = ? WHERE id = ? AND kind = 'child'", {at, case_id})
          .status());
  internal::Event e;
  e.kind = "child_report_sent";
  return internal::AppendEvent(tx, *deps_.keyring, case_id, at, actor.user_id, actor.unit_id, e);
}

Status Importer::Exclude(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                         const std::string& user_id, const std::string& reason, Micros at) {
  return tx
      .Exec(
          "INSERT INTO case_exclusions (case_id, user_id, reason, created_by_user_id, "
          "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, user_id) DO NOTHING",
          {case_id, user_id, reason, actor.user_id, at})
      .status();
}

}  // namespace tamkine::cases
