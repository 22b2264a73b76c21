// Internal to the case services: the writes behind opening a case, adding incidents, consents,
// risk assessments, moves and notes, shared by the authorized services and the trusted importer
// (demo seeding). Callers authorize and audit; these validate against the database and write.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "cases/case_store.h"
#include "cases/deps.h"
#include "cases/media.h"
#include "cases/model.h"
#include "cases/validate.h"
#include "storage/store.h"

namespace tamkine::cases::internal {

using NameKey = std::array<uint8_t, 32>;

// Who does it: a user acting for one of their units.
struct Actor {
  std::string user_id;
  std::string unit_id;
};

struct PreparedCase {
  std::string id;  // chosen up front so the decision can name it
  NewCaseInput in;
  PreparedSurvivor survivor;
  std::vector<PreparedIncident> incidents;
  std::string age_band;
};

// Everything about a new case that needs no database. `now` decides "the future".
StatusOr<PreparedCase> PrepareNewCase(const NewCaseInput& in, Micros now);

struct WrittenCase {
  std::string reference_code;
  std::string followup_code;
  std::vector<DuplicateMatch> duplicates;  // every candidate, readable or not
};

// Writes a prepared case; InvalidArgument naming the field for units, cases or users that do not
// exist, purposes that do not fit the recipient's sector. The transaction is then unusable.
StatusOr<WrittenCase> WriteNewCase(storage::Tx& tx, const Deps& deps, const NameKey& name_key,
                                   const Actor& actor, const PreparedCase& p, Micros now);

Status WriteIntake(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                   const Actor& actor, const IntakeInput& in, const std::string& prefix,
                   Micros now);

Status WriteIncident(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                     const Actor& actor, const PreparedIncident& p, const std::string& prefix,
                     Micros now, std::string* id_out = nullptr);

// One row per purpose; purposes the unit already holds are skipped. `ids_out` gets the new ids.
Status WriteConsent(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                    const Actor& actor, const ConsentInput& c, const std::string& prefix,
                    Micros now, std::vector<std::string>* ids_out = nullptr);

// The units a high risk assessment alerts: the assessing, holding and opening units.
std::vector<std::string> RiskAlertUnits(const CaseRow& c, const Actor& actor);
StatusOr<RiskView> WriteRisk(storage::Tx& tx, const Deps& deps, const CaseRow& c,
                             const Actor& actor, const RiskInput& in, Micros now);

// Checks the move against lifecycle.h (FailedPrecondition), its reasons and the new holder, and
// applies it only if the track has not moved meanwhile (Aborted otherwise).
Status WriteTransition(storage::Tx& tx, const Deps& deps, const CaseRow& c, const Actor& actor,
                       const TransitionInput& in, Micros now);

StatusOr<NoteView> WriteNote(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                             const Actor& actor, const std::string& compartment,
                             const std::string& text, Micros now);

// An uploaded file, checked and stripped (media.h), with the name she gave it.
struct CleanDocument {
  CleanFile file;
  std::string filename;
};
// InvalidArgument/PayloadTooLarge naming "file.*" fields.
StatusOr<CleanDocument> CleanDocumentFile(const DocumentFileInput& in);

// Inserts a document (metadata sealed) with its first version when `file` is given, and its
// timeline event. Returns the document id.
StatusOr<std::string> WriteDocument(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                                    const Actor& actor, const std::string& owner_sector,
                                    const std::string& type, const Json& metadata,
                                    const CleanDocument* file, Micros now);
Status WriteDocumentVersion(storage::Tx& tx, const crypto::Keyring& k, const std::string& doc_id,
                            int64_t version, const CleanDocument& c, const Actor& actor,
                            Micros now);
// The timeline entry of a document, visible to those who may read its type.
Status DocumentEvent(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                     const Actor& actor, Micros now, const char* kind, const std::string& type,
                     const std::string& owner_sector, const std::string& document_id,
                     std::optional<std::string> version);

// Replaces the case's blind-index entries for these names.
Status WriteNameKeys(storage::Tx& tx, const NameKey& key, const std::string& case_id,
                     const std::vector<std::string>& names);

// The HMAC of one index key (hex, 128 bits).
std::string BlindKey(const NameKey& key, const std::string& skeleton);

// The survivor's sealed identity and profile.
StatusOr<Json> OpenSurvivorPart(storage::Tx& tx, const crypto::Keyring& k,
                                const std::string& survivor_id, const char* column);

// Loads or creates the blind index key (sealed in index_keys under the name "name_index").
StatusOr<NameKey> LoadNameKey(storage::Store& store, const crypto::Keyring& k, Micros now);

}  // namespace tamkine::cases::internal
