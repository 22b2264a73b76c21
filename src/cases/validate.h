// Validation of case inputs that needs no database: texts, enums, dates (no future incident, no
// birth after the incident), phones, the GBVIMS classification of each incident, risk answers
// and the typed metadata of documents. Errors are InvalidArgument naming the JSON field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cases/classify.h"
#include "cases/dates.h"
#include "cases/model.h"
#include "common/json.h"
#include "common/status.h"

namespace tamkine::cases {

struct PreparedSurvivor {
  Json identity;  // names, birth_date, id_number, phones, address, children: sealed apart
  Json profile;   // languages, translator, reading, disabilities, marital status, contact
  std::optional<Date> birth;
  std::vector<std::string> names;
  std::vector<std::string> child_case_ids;
};

// `prefix` is the JSON path of the survivor object ("survivor").
StatusOr<PreparedSurvivor> PrepareSurvivor(const SurvivorInput& in, const std::string& prefix,
                                           const Date& today);

struct PreparedIncident {
  IncidentInput in;  // normalised
  Date date;
  Classification classification;
  std::vector<std::string> forms;  // given forms plus those the facts imply, in vocabulary order
  bool possibly_minor = false;
  Json details;  // commune, description, facts: sealed
};

// `birth_field` names the birth date in errors ("survivor.birth_date").
StatusOr<PreparedIncident> PrepareIncident(const IncidentInput& in, const std::string& prefix,
                                           const Date& today, const std::optional<Date>& birth,
                                           bool child_case, const std::string& birth_field);

// Enums and texts of an intake; received_at defaults to now and may not be in the future.
Status ValidateIntake(IntakeInput* in, const std::string& prefix, Micros now);

// Enums of a consent (units and sector fit are checked against the database by the service).
Status ValidateConsent(const ConsentInput& in, const std::string& prefix, bool child_case);

Status ValidateRisk(const RiskInput& in, const std::string& prefix);

// The typed metadata of a document type (docs/cases.md lists the fields); unknown fields are
// refused. Returns the normalised object to seal.
StatusOr<Json> ValidateDocumentMetadata(const std::string& type, const Json& metadata,
                                        const Date& today);

// Free text of a reason, a note, ... (multi-line allowed).
Status ValidateNote(const std::string& text, const std::string& field, size_t min_len,
                    size_t max_len);

}  // namespace tamkine::cases
