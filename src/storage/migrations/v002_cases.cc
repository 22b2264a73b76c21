// v2: the survivor's case file (docs/cases.md). Columns ending in _sealed hold XChaCha20-Poly1305
// envelopes bound to (table, column, id) and are listed in keys::SealedTables(); everything a
// search or a rule needs (reference code, statuses, units, dates, forms of violence, province)
// stays plain. Lists of enum values are stored as ",a,b," so that LIKE '%,a,%' finds them.
#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

constexpr std::string_view kV2 = R"SQL(
CREATE TABLE index_keys (
  name TEXT PRIMARY KEY,
  key_sealed {{BLOB}} NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE survivors (
  id TEXT PRIMARY KEY,
  identity_sealed {{BLOB}} NOT NULL,
  profile_sealed {{BLOB}} NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  reference_code TEXT NOT NULL UNIQUE,
  survivor_id TEXT NOT NULL REFERENCES survivors (id),
  kind TEXT NOT NULL CHECK (kind IN ('adult', 'child')),
  child_role TEXT,
  linked_case_id TEXT REFERENCES cases (id),
  created_by_unit_id TEXT NOT NULL REFERENCES units (id),
  created_by_user_id TEXT NOT NULL REFERENCES users (id),
  holder_unit_id TEXT NOT NULL REFERENCES units (id),
  region_code BIGINT NOT NULL,
  province_code TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  service_status TEXT NOT NULL,
  justice_status TEXT NOT NULL,
  risk_level TEXT NOT NULL,
  age_band TEXT NOT NULL,
  violence_forms TEXT NOT NULL,
  legal_ground TEXT,
  report_due_at BIGINT,
  report_sent_at BIGINT,
  close_reason TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX cases_by_creator ON cases (created_by_unit_id, created_at);
CREATE INDEX cases_by_holder ON cases (holder_unit_id, created_at);
CREATE INDEX cases_by_province ON cases (province_code, created_at);
CREATE INDEX cases_by_linked ON cases (linked_case_id);
CREATE INDEX cases_by_survivor ON cases (survivor_id);
CREATE TABLE case_name_keys (
  key TEXT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases (id),
  PRIMARY KEY (key, case_id)
);
CREATE INDEX case_name_keys_by_case ON case_name_keys (case_id);
CREATE TABLE followup_codes (
  digest TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX followup_codes_by_case ON followup_codes (case_id);
CREATE TABLE intakes (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  channel TEXT NOT NULL,
  receiving_unit_id TEXT NOT NULL REFERENCES units (id),
  received_by_user_id TEXT NOT NULL REFERENCES users (id),
  received_at BIGINT NOT NULL,
  referred_by_unit_id TEXT REFERENCES units (id),
  on_behalf_unit_id TEXT REFERENCES units (id),
  notes_sealed {{BLOB}},
  created_at BIGINT NOT NULL
);
CREATE INDEX intakes_by_case ON intakes (case_id, received_at);
CREATE INDEX intakes_by_unit ON intakes (receiving_unit_id, received_at);
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  occurred_on TEXT NOT NULL,
  occurred_time TEXT,
  province_code TEXT NOT NULL,
  place_type TEXT NOT NULL,
  forms TEXT NOT NULL,
  gbv_type TEXT NOT NULL,
  flags TEXT NOT NULL,
  repeat_incident BIGINT NOT NULL,
  survivor_minor BIGINT NOT NULL,
  details_sealed {{BLOB}} NOT NULL,
  created_by_unit_id TEXT NOT NULL REFERENCES units (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX incidents_by_case ON incidents (case_id, occurred_on);
CREATE INDEX incidents_by_date ON incidents (occurred_on);
CREATE TABLE perpetrators (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  relationship TEXT NOT NULL,
  cohabiting BIGINT NOT NULL,
  weapon BIGINT NOT NULL,
  prior_violence BIGINT NOT NULL,
  works_in_sector TEXT,
  user_id TEXT REFERENCES users (id),
  details_sealed {{BLOB}},
  created_at BIGINT NOT NULL
);
CREATE INDEX perpetrators_by_case ON perpetrators (case_id);
CREATE TABLE case_exclusions (
  case_id TEXT NOT NULL REFERENCES cases (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  reason TEXT NOT NULL,
  created_by_user_id TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_exclusions_by_user ON case_exclusions (user_id);
CREATE TABLE risk_assessments (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  unit_id TEXT NOT NULL REFERENCES units (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  assessed_at BIGINT NOT NULL,
  level TEXT NOT NULL,
  score BIGINT NOT NULL,
  answers_sealed {{BLOB}} NOT NULL
);
CREATE INDEX risk_by_case ON risk_assessments (case_id, assessed_at);
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  unit_id TEXT NOT NULL REFERENCES units (id),
  purpose TEXT NOT NULL,
  basis TEXT NOT NULL CHECK (basis IN ('consent', 'legal_ground')),
  legal_ground TEXT,
  method TEXT,
  granted_at BIGINT NOT NULL,
  recorded_by_user_id TEXT NOT NULL REFERENCES users (id),
  recorded_by_unit_id TEXT NOT NULL REFERENCES units (id),
  revoked_at BIGINT,
  revoked_by_user_id TEXT REFERENCES users (id),
  revoked_by_unit_id TEXT REFERENCES units (id),
  revoke_reason TEXT
);
CREATE INDEX consents_by_case ON consents (case_id, unit_id);
CREATE INDEX consents_by_unit ON consents (unit_id, revoked_at);
CREATE TABLE btg_grants (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  unit_id TEXT NOT NULL REFERENCES units (id),
  reason_sealed {{BLOB}} NOT NULL,
  granted_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  review_outcome TEXT,
  reviewed_at BIGINT,
  reviewed_by_user_id TEXT REFERENCES users (id),
  review_note_sealed {{BLOB}}
);
CREATE INDEX btg_by_case_user ON btg_grants (case_id, user_id, expires_at);
CREATE INDEX btg_by_unit ON btg_grants (unit_id, granted_at);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL REFERENCES units (id),
  kind TEXT NOT NULL,
  case_id TEXT REFERENCES cases (id),
  ref_id TEXT,
  created_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by_user_id TEXT REFERENCES users (id)
);
CREATE INDEX alerts_by_unit ON alerts (unit_id, acknowledged_at, created_at);
CREATE TABLE case_events (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  seq BIGINT NOT NULL,
  occurred_at BIGINT NOT NULL,
  user_id TEXT,
  unit_id TEXT REFERENCES units (id),
  kind TEXT NOT NULL,
  topic TEXT,
  from_value TEXT,
  to_value TEXT,
  ref_id TEXT,
  visibility TEXT NOT NULL,
  detail_visibility TEXT NOT NULL,
  detail_sealed {{BLOB}},
  UNIQUE (case_id, seq)
);
CREATE TABLE case_notes (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  compartment TEXT NOT NULL,
  unit_id TEXT NOT NULL REFERENCES units (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  body_sealed {{BLOB}} NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, compartment, created_at);
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  doc_type TEXT NOT NULL,
  owner_sector TEXT NOT NULL,
  created_by_unit_id TEXT NOT NULL REFERENCES units (id),
  created_by_user_id TEXT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  current_version BIGINT NOT NULL,
  metadata_sealed {{BLOB}} NOT NULL
);
CREATE INDEX documents_by_case ON documents (case_id, doc_type);
CREATE TABLE document_versions (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES documents (id),
  version BIGINT NOT NULL,
  mime TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  stripped TEXT NOT NULL,
  uploaded_by_user_id TEXT NOT NULL REFERENCES users (id),
  uploaded_by_unit_id TEXT NOT NULL REFERENCES units (id),
  uploaded_at BIGINT NOT NULL,
  filename_sealed {{BLOB}} NOT NULL,
  content_sealed {{BLOB}} NOT NULL,
  UNIQUE (document_id, version)
);
)SQL";

}  // namespace

std::string V2Cases(bool /*pg*/) { return std::string(kV2); }

}  // namespace tamkine::storage
