// The case file's API types (docs/openapi/20-cases.json), the vocabulary served by
// GET /api/v1/reference/case-vocabulary (fetched once per page load), and the labels of its
// values (`case.v.<group>.<value>` in the translation files).
import type { Candidate } from './duplicates';
import { api } from '../../lib/api';
import { t } from '../../i18n';
import { actingMembership } from '../../lib/session';

export interface UnitRef {
  id: string;
  name: string;
  sector: string;
}

export interface Track {
  track: 'care' | 'justice' | 'child';
  status: string;
  next_step: string | null;
}

export interface CaseCore {
  id: string;
  reference_code: string;
  kind: 'adult' | 'child';
  status: 'open' | 'closed';
  tracks: { service: Track; justice: Track };
  holder: UnitRef;
  opened_by: UnitRef;
  risk_level: string;
  close_reason?: string | null;
  child?: { role?: string; linked_case_id?: string | null; report_due_at?: string | null; report_sent_at?: string | null; report_overdue?: boolean } | null;
  created_at: string;
  updated_at: string;
}

export interface CaseListItem extends CaseCore {
  masked_name: string | null;
}

export interface CaseList {
  items: CaseListItem[];
  next_offset: number | null;
}

export interface Perpetrator {
  relationship: string;
  cohabiting: boolean;
  weapon: boolean;
  prior_violence: boolean;
  works_in_sector: string | null;
  is_staff_user: boolean;
}

export interface Incident {
  id: string;
  date: string;
  time: string | null;
  province_code: string;
  place_type: string;
  forms: string[];
  gbv_type: string;
  flags: string[];
  repeat: boolean;
  perpetrators: Perpetrator[];
}

export interface Risk {
  id: string;
  level: string;
  score: number;
  critical_yes: string[];
  unit: UnitRef;
  assessed_at: string;
}

export interface Intake {
  id: string;
  channel: string;
  unit: UnitRef;
  received_at: string;
}

export interface CaseSummary {
  masked_name: string | null;
  age_band: string;
  languages: string[];
  needs_translator: boolean;
  reading_ability: string;
  disabilities: string[];
  marital_status: string;
  contact: { safe_to_call: boolean; safe_to_text: boolean; safe_times: string | null; notes: string | null };
  children_count: number;
  child_case_ids: string[];
  violence_forms: string[];
  incidents: Incident[];
  intakes: Intake[];
  risk: Risk | null;
}

export interface Permissions {
  read: boolean;
  read_identity: boolean;
  update: boolean;
  assess_risk: boolean;
  record_consent: boolean;
  access_log: boolean;
  break_glass: boolean;
  exclusion: boolean;
  compartments: string[];
  note_compartments: string[];
  transitions: string[];
  document_types_readable: string[];
  document_types_creatable: string[];
  break_glass_until: string | null;
}

export interface CaseView extends CaseCore {
  summary?: CaseSummary | null;
  permissions: Permissions;
}

export interface Receipt {
  reference_code: string;
  followup_code: string;
  issued_at: string;
  unit_name: string;
}

export interface CreatedCase {
  case: CaseView;
  receipt: Receipt;
  possible_duplicates: Candidate[];  // only cases the user may read (docs/matching.md)
}

export interface Identity {
  names: string[];
  birth_date: string | null;
  id_number: string | null;
  phones: string[];
  address: string | null;
  children: { name: string | null; birth_date: string | null; sex: string; case_id: string | null }[];
}

export interface TimelineEntry {
  id: string;
  seq: number;
  at: string;
  unit: UnitRef | null;
  kind: string;
  topic: string | null;
  from: string | null;
  to: string | null;
  reason_code: string | null;
  related_unit: UnitRef | null;
  detail: string | null;
  detail_withheld: boolean;
}

export interface Note {
  id: string;
  compartment: string;
  unit: UnitRef;
  created_at: string;
  text: string;
}

export interface Compartment {
  compartment: string;
  notes: Note[];
  incidents: { incident_id: string; commune: string | null; description: string | null }[];
  perpetrators: { incident_id: string; relationship: string; name: string | null; description: string | null }[];
  intake_notes: string[];
}

export interface Consent {
  id: string;
  unit: UnitRef;
  purpose: string;
  basis: string;
  legal_ground: string | null;
  method: string | null;
  granted_at: string;
  recorded_by_unit: UnitRef;
  revoked_at: string | null;
  revoked_by_unit: UnitRef | null;
  revoke_reason: string | null;
  active: boolean;
}

export interface AccessLogEntry {
  seq: number;
  time: string;
  action: string;
  decision: 'allowed' | 'denied';
  username: string | null;
  unit: UnitRef | null;
  role: string | null;
  reason: string;
}

export interface DocumentVersion {
  version: number;
  mime: string;
  size_bytes: number;
  stripped: string[];
  uploaded_by: UnitRef;
  uploaded_at: string;
  filename: string | null;
}

export interface CaseDocument {
  id: string;
  case_id: string;
  type: string;
  created_by: UnitRef;
  created_at: string;
  current_version: number;
  metadata: Record<string, unknown> | null;
  versions: DocumentVersion[];
}

export interface Vocabulary {
  channels: string[];
  languages: string[];
  reading_abilities: string[];
  disabilities: string[];
  marital_statuses: string[];
  sexes: string[];
  violence_forms: string[];
  place_types: string[];
  relationships: string[];
  consent_methods: string[];
  legal_grounds: string[];
  consent_purposes: { purpose: string; compartment: string | null; sectors: string[] }[];
  revoke_reasons: string[];
  close_reasons: string[];
  risk_levels: string[];
  document_types: string[];
  protection_measures: string[];
  prosecution_decisions: string[];
  judgment_outcomes: string[];
  complaint_routes: string[];
  tracks: Record<string, string[]>;
  moves: { track: string; from: string; to: string }[];
  risk_questions: { key: string; critical: boolean; text_en: string }[];
  max_document_bytes: number;
}

let vocab: Promise<Vocabulary> | null = null;

export function loadVocabulary(): Promise<Vocabulary> {
  if (!vocab) {
    vocab = api.get<Vocabulary>('/api/v1/reference/case-vocabulary');
    vocab.catch(() => {
      vocab = null; // try again next time
    });
  }
  return vocab;
}

/** A live label of a vocabulary value: `case.v.<group>.<value>`. */
export const vlabel = (group: string, value: string) => () => t(`case.v.${group}.${value}`);

/** The status label of a track ("care", "justice", "child"). */
export const statusLabel = (track: string, status: string) => vlabel(`${track}`, status);

/** `acting_unit_id` for writes: the membership chosen in the header. */
export function acting(): { acting_unit_id?: string } {
  const m = actingMembership();
  return m ? { acting_unit_id: m.unit_id } : {};
}

export const casePath = (id: string, tab?: string) => `/cases/${encodeURIComponent(id)}${tab ? `/${tab}` : ''}`;
export const caseApi = (id: string, rest = '') => `/api/v1/cases/${encodeURIComponent(id)}${rest}`;
