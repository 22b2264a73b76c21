// The case file as the case services take and give it: inputs (validated by the services, field
// names as in the JSON API) and views (already filtered to what the viewer may see).
// Identifying values only ever appear in SurvivorIdentity and CompartmentView.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cases/classify.h"
#include "common/clock.h"
#include "common/json.h"

namespace tamkine::cases {

// --- inputs ------------------------------------------------------------------------------------

struct ContactSafety {
  bool safe_to_call = false;
  bool safe_to_text = false;
  std::optional<std::string> safe_times;  // "weekday mornings, not weekends"
  std::optional<std::string> notes;
};

struct ChildInput {
  std::optional<std::string> name;
  std::optional<std::string> birth_date;  // partial date
  std::string sex = "unknown";
  std::optional<std::string> case_id;  // the child's own case, when she has one
};

struct SurvivorInput {
  std::vector<std::string> names;         // spellings in any script; may be empty (anonymous)
  std::optional<std::string> birth_date;  // "YYYY", "YYYY-MM" or "YYYY-MM-DD"
  std::optional<std::string> id_number;
  std::vector<std::string> phones;
  std::optional<std::string> address;
  std::vector<std::string> languages;
  bool needs_translator = false;
  std::string reading_ability = "unknown";
  std::vector<std::string> disabilities;
  std::string marital_status = "unknown";
  ContactSafety contact;
  std::vector<ChildInput> children;
};

struct PerpetratorInput {
  std::string relationship;
  bool cohabiting = false;
  bool weapon = false;
  bool prior_violence = false;
  std::optional<std::string> works_in_sector;  // he works in one of the sectors
  std::optional<std::string> user_id;          // he is a Tamkine user: excluded from the case
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct IncidentInput {
  std::string date;                 // YYYY-MM-DD, not in the future
  std::optional<std::string> time;  // HH:MM
  std::string province_code;
  std::optional<std::string> commune;
  std::string place_type;
  std::vector<std::string> forms;  // Law 103-13 forms; the facts' forms are added
  IncidentFacts facts;
  bool repeat = false;  // it has happened before
  std::optional<std::string> description;
  std::vector<PerpetratorInput> perpetrators;
};

struct IntakeInput {
  std::string unit_id;  // the receiving unit (the acting user must belong to it)
  std::string channel;
  std::optional<Micros> received_at;  // default: now
  std::optional<std::string> referred_by_unit_id;
  std::optional<std::string> on_behalf_unit_id;  // the NGO acting on her behalf
  std::optional<std::string> notes;
};

struct ConsentInput {
  std::string unit_id;  // the recipient unit
  std::vector<std::string> purposes;
  std::string basis = "consent";  // or "legal_ground" (children)
  std::optional<std::string> legal_ground;
  std::string method = "oral";
};

struct RiskInput {
  std::map<std::string, std::string, std::less<>> answers;  // question key → yes|no|unknown
};

struct NewCaseInput {
  std::string kind = "adult";
  std::optional<std::string> child_role;
  std::optional<std::string> linked_case_id;  // a child's case: the mother's case
  IntakeInput intake;
  SurvivorInput survivor;
  std::vector<IncidentInput> incidents;
  std::vector<ConsentInput> consents;
  std::optional<RiskInput> risk;
};

struct AttachIntakeInput {
  std::string reference_code;  // as on her receipt: proves she (or her NGO) is present
  IntakeInput intake;
  std::vector<std::string> purposes;  // her consent for the receiving unit
  std::string method = "oral";
};

struct TransitionInput {
  std::string track;
  std::string to;
  std::optional<std::string> reason;        // required to close or reopen
  std::optional<std::string> close_reason;  // required to close
  std::optional<std::string> holder_unit_id;
  std::optional<std::string> acting_unit_id;
};

struct CaseFilter {
  std::optional<std::string> reference_code;
  std::optional<std::string> status;
  std::optional<std::string> service_status;
  std::optional<std::string> justice_status;
  std::optional<std::string> unit_id;  // opened by, held by or received at this unit
  std::optional<std::string> kind;
  std::optional<std::string> form;
  std::optional<std::string> province_code;
  std::optional<std::string> risk_level;
  std::optional<std::string> from;  // opened on or after (YYYY-MM-DD)
  std::optional<std::string> to;    // opened on or before
  int limit = 50;
  int offset = 0;
};

struct DocumentFileInput {
  std::string filename;
  std::vector<uint8_t> content;
  std::optional<std::string> content_type;  // when given, must match the sniffed type
};

struct DocumentInput {
  std::string type;
  Json metadata = Json::object();  // typed fields per document type (docs/cases.md)
  std::optional<DocumentFileInput> file;
  std::optional<std::string> acting_unit_id;
};

// A pair a user decided about ("different" is remembered: never proposed again).
struct DuplicateDecisionInput {
  std::string case_a;
  std::string case_b;
  std::string decision;  // different | same
  std::string reason;
  std::optional<std::string> acting_unit_id;
};

struct MergeInput {
  std::string absorbed_case_id;
  std::string reason;
  std::optional<std::string> acting_unit_id;
};

struct UnmergeInput {
  std::string merge_id;
  std::string reason;
  std::optional<std::string> acting_unit_id;
};

// --- views --------------------------------------------------------------------------------------

struct UnitRef {
  std::string id;
  std::string name;
  std::string sector;
};

struct TrackView {
  std::string track;
  std::string status;
  std::string next_step;  // "" when none
};

// The minimal core every involved unit sees.
struct CaseCore {
  std::string id;
  std::string reference_code;
  std::string kind;
  std::string status;                              // open | closed | merged
  std::optional<std::string> merged_into_case_id;  // merged: the case that holds her file now
  TrackView service;                               // care (adults) or child (children)
  TrackView justice;
  UnitRef holder;
  UnitRef opened_by;
  std::string risk_level;
  std::optional<std::string> close_reason;
  std::optional<std::string> child_role;
  std::optional<std::string> linked_case_id;
  std::optional<Micros> report_due_at;
  std::optional<Micros> report_sent_at;
  bool report_overdue = false;
  Micros created_at = 0;
  Micros updated_at = 0;
};

struct PerpetratorView {
  std::string relationship;
  bool cohabiting = false;
  bool weapon = false;
  bool prior_violence = false;
  std::optional<std::string> works_in_sector;
  bool is_staff_user = false;  // a Tamkine user, excluded from the case
};

struct IncidentView {
  std::string id;
  std::string date;
  std::optional<std::string> time;
  std::string province_code;
  std::string place_type;
  std::vector<std::string> forms;
  std::string gbv_type;
  std::vector<std::string> flags;
  bool repeat = false;
  std::vector<PerpetratorView> perpetrators;
  Micros created_at = 0;
};

struct IntakeView {
  std::string id;
  std::string channel;
  UnitRef unit;
  Micros received_at = 0;
  std::optional<UnitRef> referred_by;
  std::optional<UnitRef> on_behalf;
};

struct RiskView {
  std::string id;
  std::string level;
  int score = 0;
  std::vector<std::string> critical_yes;
  UnitRef unit;
  Micros assessed_at = 0;
};

// What units with consent beyond coordination see: no names, numbers or addresses.
struct CaseSummary {
  std::string masked_name;
  std::string age_band;
  std::vector<std::string> languages;
  bool needs_translator = false;
  std::string reading_ability;
  std::vector<std::string> disabilities;
  std::string marital_status;
  ContactSafety contact;
  int children_count = 0;
  std::vector<std::string> child_case_ids;
  std::vector<std::string> violence_forms;
  std::vector<IncidentView> incidents;
  std::vector<IntakeView> intakes;
  std::optional<RiskView> risk;
};

// What the viewer may do next, for the screens (each is an Authorize decision).
struct Permissions {
  bool read = false;
  bool read_identity = false;
  bool update = false;
  bool assess_risk = false;
  bool record_consent = false;
  bool access_log = false;
  bool break_glass = false;
  bool exclusion = false;
  std::vector<std::string> compartments;       // readable
  std::vector<std::string> note_compartments;  // writable
  std::vector<std::string> transitions;        // "track:status" moves allowed now
  std::vector<std::string> document_types_readable;
  std::vector<std::string> document_types_creatable;
  std::optional<Micros> break_glass_until;  // the viewer's active grant
};

struct CaseView {
  CaseCore core;
  std::optional<CaseSummary> summary;
  Permissions permissions;
};

struct ChildView {
  std::optional<std::string> name;
  std::optional<std::string> birth_date;
  std::string sex;
  std::optional<std::string> case_id;
};

// The full identity: only on an explicit, audited view.
struct SurvivorIdentity {
  std::vector<std::string> names;
  std::optional<std::string> birth_date;
  std::optional<std::string> id_number;
  std::vector<std::string> phones;
  std::optional<std::string> address;
  std::vector<ChildView> children;
};

struct NoteView {
  std::string id;
  std::string compartment;
  UnitRef unit;
  Micros created_at = 0;
  std::string text;
};

struct IncidentDetail {
  std::string incident_id;
  std::optional<std::string> commune;
  std::optional<std::string> description;
  IncidentFacts facts;
};

struct PerpetratorDetail {
  std::string incident_id;
  std::string relationship;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> user_id;
};

struct CompartmentView {
  std::string compartment;
  std::vector<NoteView> notes;
  std::vector<IncidentDetail> incidents;        // justice and social
  std::vector<PerpetratorDetail> perpetrators;  // justice
  std::vector<std::string> intake_notes;        // social
};

struct TimelineEntry {
  std::string id;
  int64_t seq = 0;
  Micros at = 0;
  std::optional<UnitRef> unit;  // the unit that acted
  std::string kind;
  std::optional<UnitRef> related_unit;  // consents, intakes, hand-overs: the other unit
  std::optional<std::string> topic;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> reason_code;  // a move into a closed status: the close reason
  std::optional<std::string> detail;       // shown when the viewer may see it
  bool detail_withheld = false;
};

struct CaseListItem {
  CaseCore core;
  std::optional<std::string> masked_name;  // when the viewer may read the case
};

struct CaseList {
  std::vector<CaseListItem> items;
  std::optional<int> next_offset;
};

// One field's part in a duplicate score: its agreement level and weight (bits).
struct DuplicateEvidence {
  std::string field;      // given_name, family_name, date_of_birth, id_number, phone, city
  std::string agreement;  // exact, close, partial, swapped, year_only, disagree, missing
  double weight = 0;
};

// An existing case that may be the same woman. Only ids, scores and evidence levels: never her
// data (the caller shows what the viewer may see from its own records).
struct DuplicateMatch {
  std::string case_id;
  std::string decision;  // probable | possible
  double score = 0;
  std::vector<DuplicateEvidence> evidence;
};

// A candidate case as shown to a user who may read it: no names, numbers or addresses beyond
// the masked name.
struct DuplicateCaseRef {
  std::string id;
  std::string reference_code;
  std::string status;  // open | closed | merged
  Micros opened_at = 0;
  std::string held_by_unit_name;
  std::string masked_name;
};

struct DuplicateCandidateView {
  std::string decision;  // probable | possible
  double score = 0;
  std::vector<DuplicateEvidence> evidence;
  DuplicateCaseRef case_ref;
};

// A pair waiting for review (pending) or for a merge (confirmed the same woman).
struct DuplicateReviewItem {
  std::string id;
  std::string status;  // pending | same
  std::string decision;
  double score = 0;
  std::vector<DuplicateEvidence> evidence;
  DuplicateCaseRef case_a;
  DuplicateCaseRef case_b;
  Micros detected_at = 0;
};

struct DuplicatePairView {
  std::string id;
  std::string case_a;
  std::string case_b;
  std::string status;  // pending | different | same | merged
  std::optional<Micros> decided_at;
};

struct MergeView {
  std::string id;
  std::string surviving_case_id;
  std::string absorbed_case_id;
  Micros merged_at = 0;
  std::optional<Micros> unmerged_at;
};

struct CreatedCase {
  CaseView view;
  std::string followup_code;  // shown once, on her receipt
  // Candidates from the duplicate finder that the user may read (the others go to the review
  // queue of units that may read them, never into this answer).
  std::vector<DuplicateCandidateView> possible_duplicates;
};

struct PublicStatus {
  std::string status;                     // received | in_progress | closed | unknown
  std::optional<std::string> updated_on;  // YYYY-MM-DD
};

struct ConsentView {
  std::string id;
  UnitRef unit;
  std::string purpose;
  std::string basis;
  std::optional<std::string> legal_ground;
  std::optional<std::string> method;
  Micros granted_at = 0;
  UnitRef recorded_by_unit;
  std::optional<Micros> revoked_at;
  std::optional<UnitRef> revoked_by_unit;
  std::optional<std::string> revoke_reason;
};

struct BtgView {
  std::string id;
  std::string case_id;
  std::string reference_code;
  std::string user_id;
  std::string username;
  UnitRef unit;
  std::optional<std::string> reason;  // for reviewers and the grantee
  Micros granted_at = 0;
  Micros expires_at = 0;
  std::optional<std::string> review_outcome;
  std::optional<Micros> reviewed_at;
  std::optional<std::string> review_note;
};

struct AlertView {
  std::string id;
  std::string unit_id;
  std::string kind;
  std::optional<std::string> case_id;
  std::optional<std::string> reference_code;
  std::optional<std::string> ref_id;
  Micros created_at = 0;
  std::optional<Micros> acknowledged_at;
};

struct AccessLogEntry {
  int64_t seq = 0;
  Micros time = 0;
  std::string action;
  std::string decision;
  std::optional<std::string> username;  // staff view only
  std::optional<UnitRef> unit;
  std::optional<std::string> role;
  std::string reason;
};

struct VersionView {
  int64_t version = 0;
  std::string mime;
  int64_t size_bytes = 0;
  std::vector<std::string> stripped;
  UnitRef uploaded_by;
  Micros uploaded_at = 0;
  std::optional<std::string> filename;
};

struct DocumentView {
  std::string id;
  std::string case_id;
  std::string type;
  UnitRef created_by;
  Micros created_at = 0;
  Micros updated_at = 0;
  int64_t current_version = 0;   // 0 = metadata only, no file
  std::optional<Json> metadata;  // with Get, not List
  std::vector<VersionView> versions;
};

struct FileContent {
  std::string mime;
  std::string download_name;  // "<type>-v<N>.<ext>", never the original filename
  std::vector<uint8_t> bytes;
};

}  // namespace tamkine::cases
