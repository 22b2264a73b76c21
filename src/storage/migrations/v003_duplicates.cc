// v3: duplicate detection at intake (docs/matching.md, "At intake"): the pairs of cases the
// detector proposed and what users decided about them, and merges with their provenance. A merge
// never deletes: the absorbed case points to the surviving one (merged_into_case_id) and the rows
// moved under the surviving case are listed per merge, so an unmerge moves exactly those back.
// Scores are stored in thousandths of a bit; evidence is field levels and weights only (no
// personal data); reasons are sealed like every free text about a case.
#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

constexpr std::string_view kV3 = R"SQL(
ALTER TABLE cases ADD COLUMN merged_into_case_id TEXT REFERENCES cases (id);
CREATE TABLE duplicate_pairs (
  id TEXT PRIMARY KEY,
  case_a TEXT NOT NULL REFERENCES cases (id),
  case_b TEXT NOT NULL REFERENCES cases (id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'different', 'same', 'merged')),
  decision TEXT NOT NULL CHECK (decision IN ('probable', 'possible')),
  score_milli BIGINT NOT NULL,
  evidence TEXT NOT NULL,
  detected_at BIGINT NOT NULL,
  detected_by_unit_id TEXT REFERENCES units (id),
  decided_at BIGINT,
  decided_by_user_id TEXT REFERENCES users (id),
  decided_by_unit_id TEXT REFERENCES units (id),
  reason_sealed {{BLOB}},
  CHECK (case_a < case_b),
  UNIQUE (case_a, case_b)
);
CREATE INDEX duplicate_pairs_by_status ON duplicate_pairs (status, detected_at);
CREATE INDEX duplicate_pairs_by_b ON duplicate_pairs (case_b);
CREATE TABLE case_merges (
  id TEXT PRIMARY KEY,
  surviving_case_id TEXT NOT NULL REFERENCES cases (id),
  absorbed_case_id TEXT NOT NULL REFERENCES cases (id),
  absorbed_status TEXT NOT NULL,
  pair_status TEXT,
  merged_at BIGINT NOT NULL,
  merged_by_user_id TEXT NOT NULL REFERENCES users (id),
  merged_by_unit_id TEXT NOT NULL REFERENCES units (id),
  reason_sealed {{BLOB}} NOT NULL,
  unmerged_at BIGINT,
  unmerged_by_user_id TEXT REFERENCES users (id),
  unmerged_by_unit_id TEXT REFERENCES units (id),
  unmerge_reason_sealed {{BLOB}}
);
CREATE INDEX case_merges_by_surviving ON case_merges (surviving_case_id);
CREATE INDEX case_merges_by_absorbed ON case_merges (absorbed_case_id);
CREATE TABLE case_merge_moves (
  merge_id TEXT NOT NULL REFERENCES case_merges (id),
  table_name TEXT NOT NULL,
  row_id TEXT NOT NULL,
  PRIMARY KEY (merge_id, table_name, row_id)
);
)SQL";

}  // namespace

std::string V3Duplicates(bool /*pg*/) { return std::string(kV3); }

}  // namespace tamkine::storage
