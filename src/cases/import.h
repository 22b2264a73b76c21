// Trusted writes of whole cases inside one caller-owned transaction, for demo seeding and data
// imports: no session and no per-call authorization (the caller decides; this is never reachable
// from the API). Input is validated exactly as through the services, and every imported case gets
// one audit entry "case.import" recorded as the system.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cases/deps.h"
#include "cases/model.h"
#include "storage/store.h"

namespace tamkine::cases {

// The user and unit recorded as having done it.
struct ImportActor {
  std::string user_id;
  std::string unit_id;
  std::string sector;
};

class Importer {
 public:
  // Loads (or creates) the blind name index key.
  static StatusOr<std::unique_ptr<Importer>> Create(const Deps& deps);

  // Opens a case at `at` (the intake's time when it has none); returns its id.
  StatusOr<std::string> AddCase(storage::Tx& tx, const ImportActor& actor, const NewCaseInput& in,
                                Micros at);
  // A move of a track, checked against the lifecycle.
  Status Move(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
              const TransitionInput& in, Micros at);
  Status Note(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
              const std::string& compartment, const std::string& text, Micros at);
  // A typed document; `file` optional.
  Status Document(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                  const std::string& type, const Json& metadata,
                  const std::optional<DocumentFileInput>& file, Micros at);
  Status Risk(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
              const RiskInput& in, Micros at);
  // A child's case: the report to the child protection support centre was sent.
  Status ChildReportSent(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                         Micros at);
  Status Exclude(storage::Tx& tx, const ImportActor& actor, const std::string& case_id,
                 const std::string& user_id, const std::string& reason, Micros at);

 private:
  Importer(Deps deps, std::array<uint8_t, 32> key) : deps_(std::move(deps)), name_key_(key) {}
  Deps deps_;
  std::array<uint8_t, 32> name_key_;
};

}  // namespace tamkine::cases
