// v5: the coordination engine (docs/coordination.md): one table of work items (instructions,
// withdrawal reviews, health follow-ups, protection-measure expiry reminders), the instruction
// catalogue administrators extend, the documents attached to a work item, and protection
// measures. Free text (outcome, refusal reason, notes, conditions) is sealed; everything a rule,
// a deadline or a statistic needs stays plain. Lists of sectors are stored as ",a,b,".
#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

constexpr std::string_view kV5 = R"SQL(
CREATE TABLE instruction_types (
  code TEXT PRIMARY KEY,
  label_ar TEXT NOT NULL,
  label_fr TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sectors TEXT NOT NULL,
  default_priority TEXT NOT NULL CHECK (default_priority IN ('urgent', 'priority', 'normal')),
  minutes_urgent BIGINT NOT NULL CHECK (minutes_urgent > 0),
  minutes_priority BIGINT NOT NULL CHECK (minutes_priority > 0),
  minutes_normal BIGINT NOT NULL CHECK (minutes_normal > 0),
  active BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE TABLE protection_measures (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  kind TEXT NOT NULL,
  issuing_authority TEXT NOT NULL,
  issued_by_unit_id TEXT NOT NULL REFERENCES units (id),
  issued_by_user_id TEXT NOT NULL REFERENCES users (id),
  starts_on BIGINT NOT NULL,
  ends_on BIGINT,
  conditions_sealed {{BLOB}},
  state TEXT NOT NULL CHECK (state IN ('active', 'ended', 'lifted')),
  reminder_sent_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX protection_measures_by_case ON protection_measures (case_id);
CREATE INDEX protection_measures_by_end ON protection_measures (state, ends_on);
CREATE TABLE work_items (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  kind TEXT NOT NULL CHECK (kind IN ('instruction', 'withdrawal_review', 'health_followup',
                                     'measure_expiry')),
  type TEXT NOT NULL,
  priority TEXT NOT NULL CHECK (priority IN ('urgent', 'priority', 'normal')),
  target_unit_id TEXT REFERENCES units (id),
  issuer_user_id TEXT REFERENCES users (id),
  issuer_unit_id TEXT REFERENCES units (id),
  issued_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('issued', 'acknowledged', 'in_progress', 'done',
                                       'refused', 'declined', 'cancelled')),
  version BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by_user_id TEXT REFERENCES users (id),
  started_at BIGINT,
  completed_at BIGINT,
  completed_by_user_id TEXT REFERENCES users (id),
  outcome_code TEXT,
  outcome_sealed {{BLOB}},
  refusal_sealed {{BLOB}},
  note_sealed {{BLOB}},
  escalated_at BIGINT,
  measure_id TEXT REFERENCES protection_measures (id),
  incident_id TEXT REFERENCES incidents (id),
  parent_id TEXT REFERENCES work_items (id),
  updated_at BIGINT NOT NULL
);
CREATE INDEX work_items_by_target ON work_items (target_unit_id, state, due_at);
CREATE INDEX work_items_by_issuer ON work_items (issuer_user_id, state, due_at);
CREATE INDEX work_items_by_case ON work_items (case_id, issued_at);
CREATE INDEX work_items_by_due ON work_items (state, escalated_at, due_at);
CREATE INDEX work_items_by_issued ON work_items (issued_at);
CREATE TABLE work_item_documents (
  work_item_id TEXT NOT NULL REFERENCES work_items (id),
  document_id TEXT NOT NULL REFERENCES documents (id),
  attached_by_user_id TEXT NOT NULL REFERENCES users (id),
  attached_at BIGINT NOT NULL,
  PRIMARY KEY (work_item_id, document_id)
);
INSERT INTO instruction_types VALUES ('go_to_scene', 'الانتقال إلى مكان الواقعة', 'Se rendre sur les lieux', 'Go to the scene', ',police,gendarmerie,', 'urgent', 60, 240, 1440, 1, 0);
INSERT INTO instruction_types VALUES ('accompany_to_hospital', 'مرافقتها إلى المستشفى', 'L''accompagner à l''hôpital', 'Accompany her to hospital', ',police,gendarmerie,ngo_listening,ngo_shelter,', 'urgent', 60, 240, 1440, 1, 0);
INSERT INTO instruction_types VALUES ('take_statement_on_site', 'الاستماع إليها حيث توجد', 'Recueillir sa déclaration sur place', 'Take her statement where she is', ',police,gendarmerie,', 'priority', 120, 1440, 4320, 1, 0);
INSERT INTO instruction_types VALUES ('arrest_aggressor', 'إيقاف المعتدي', 'Interpeller l''agresseur', 'Arrest the aggressor', ',police,gendarmerie,', 'urgent', 60, 240, 1440, 1, 0);
INSERT INTO instruction_types VALUES ('remove_aggressor_from_home', 'إبعاد المعتدي عن بيت الزوجية', 'Éloigner l''agresseur du domicile', 'Remove the aggressor from the home', ',police,gendarmerie,', 'urgent', 60, 240, 1440, 1, 0);
INSERT INTO instruction_types VALUES ('obtain_medical_certificate', 'الحصول على شهادة طبية', 'Obtenir un certificat médical', 'Obtain a medical certificate', ',health,', 'priority', 120, 1440, 4320, 1, 0);
INSERT INTO instruction_types VALUES ('return_belongings', 'استرجاع أغراضها برفقة مرافقة', 'Récupérer ses effets avec une accompagnatrice', 'Return her belongings with an accompagnatrice', ',police,gendarmerie,ngo_listening,ngo_shelter,', 'normal', 240, 1440, 4320, 1, 0);
INSERT INTO instruction_types VALUES ('investigate_withdrawal', 'البحث في ظروف التنازل', 'Enquêter sur le retrait de plainte', 'Investigate the withdrawal of the complaint', ',police,gendarmerie,', 'priority', 240, 1440, 4320, 1, 0);
)SQL";

}  // namespace

std::string V5Coordination(bool /*pg*/) { return std::string(kV5); }

}  // namespace tamkine::storage
