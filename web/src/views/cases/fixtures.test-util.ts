// Shared data of the case screens' component tests: a vocabulary as the server serves it, units,
// regions and a signed-in police officer.
import type { Region, Unit } from '../../lib/api';
import { setSession } from '../../lib/session';
import type { CaseView, Vocabulary } from './model';

export const vocab: Vocabulary = {
  channels: ['in_person', 'hotline', 'online_self_report', 'ngo_on_behalf', 'referral', 'ex_officio'],
  languages: ['darija', 'arabic', 'tachelhit', 'tamazight', 'tarifit', 'hassaniya', 'french', 'other'],
  reading_abilities: ['reads', 'reads_with_difficulty', 'cannot_read', 'unknown'],
  disabilities: ['physical', 'visual', 'hearing', 'speech', 'intellectual', 'psychosocial', 'other'],
  marital_statuses: ['single', 'married', 'divorced', 'widowed', 'separated', 'engaged', 'unknown'],
  sexes: ['female', 'male', 'unknown'],
  violence_forms: ['physical', 'sexual', 'psychological', 'economic'],
  place_types: ['home', 'street', 'other', 'unknown'],
  relationships: ['husband', 'ex_husband', 'father', 'stranger', 'unknown'],
  consent_methods: ['oral', 'written', 'guardian'],
  legal_grounds: ['child_protection_mandate', 'judicial_order', 'prosecutor_instruction'],
  consent_purposes: [
    { purpose: 'coordination', compartment: null, sectors: ['police', 'health', 'ngo_listening'] },
    { purpose: 'medical_care', compartment: 'clinical', sectors: ['health'] },
    { purpose: 'investigation_prosecution', compartment: 'justice', sectors: ['police'] },
    { purpose: 'legal_aid', compartment: 'social', sectors: ['ngo_listening'] },
  ],
  revoke_reasons: ['survivor_request', 'recorded_in_error', 'other'],
  close_reasons: ['services_completed', 'survivor_request', 'other'],
  risk_levels: ['low', 'medium', 'high'],
  document_types: ['medical_certificate', 'complaint', 'police_minutes', 'other'],
  protection_measures: ['no_contact', 'no_approach'],
  prosecution_decisions: ['prosecute', 'other'],
  judgment_outcomes: ['conviction', 'other'],
  complaint_routes: ['in_person', 'online'],
  tracks: { care: ['reception', 'orientation', 'medical', 'closed'], justice: ['none', 'complaint'] },
  moves: [{ track: 'justice', from: 'none', to: 'complaint' }],
  risk_questions: [
    { key: 'threatened_to_kill', critical: true, text_en: 'Has he threatened to kill you?' },
    { key: 'violence_increasing', critical: false, text_en: 'Is it getting worse?' },
  ],
  max_document_bytes: 10 * 1024 * 1024,
};

export const police: Unit = { id: 'U-POLICE', name: 'Cellule Fès', sector: 'police', region_code: 3, province_code: '331', address: null, phone: null, email: null, active: true };
export const health: Unit = { id: 'U-HEALTH', name: 'Hôpital Fès', sector: 'health', region_code: 3, province_code: '331', address: null, phone: null, email: null, active: true };
export const ngo: Unit = { id: 'U-NGO', name: 'Association Amal', sector: 'ngo_listening', region_code: 3, province_code: '331', address: null, phone: null, email: null, active: true };
export const units = [police, health, ngo];

export const regions: Region[] = [{ code: 3, name_fr: 'Fès-Meknès', name_ar: 'فاس مكناس', provinces: [{ code: '331', name_fr: 'Fès', name_ar: 'فاس', kind: 'prefecture' }] }];

export function signInAsPolice(): void {
  setSession({
    user: { id: 'u1', username: 'police.officer', display_name: 'Nadia', totp_enabled: false, memberships: [{ unit_id: police.id, unit_name: police.name, sector: 'police', role: 'officer' }] },
    csrf_token: 'csrf',
    must_enrol_totp: false,
  });
}

const ref = (u: Unit) => ({ id: u.id, name: u.name, sector: u.sector });

export function caseView(over: Partial<CaseView> = {}): CaseView {
  return {
    id: 'C1',
    reference_code: 'TMK-7K3F-9QXD-M2PA',
    kind: 'adult',
    status: 'open',
    tracks: { service: { track: 'care', status: 'reception', next_step: 'orientation' }, justice: { track: 'justice', status: 'none', next_step: 'complaint' } },
    holder: ref(police),
    opened_by: ref(police),
    risk_level: 'high',
    close_reason: null,
    child: null,
    created_at: '2026-11-20T10:00:00Z',
    updated_at: '2026-11-20T10:00:00Z',
    summary: {
      masked_name: 'F*** E*',
      age_band: '30-44',
      languages: ['darija', 'tachelhit'],
      needs_translator: true,
      reading_ability: 'cannot_read',
      disabilities: [],
      marital_status: 'married',
      contact: { safe_to_call: false, safe_to_text: true, safe_times: null, notes: null },
      children_count: 0,
      child_case_ids: [],
      violence_forms: ['physical'],
      incidents: [],
      intakes: [],
      risk: null,
    },
    permissions: {
      read: true,
      read_identity: true,
      update: true,
      assess_risk: true,
      record_consent: true,
      access_log: true,
      break_glass: false,
      exclusion: false,
      compartments: ['justice'],
      note_compartments: ['justice'],
      transitions: ['care:orientation', 'care:closed', 'justice:complaint'],
      document_types_readable: ['complaint', 'police_minutes'],
      document_types_creatable: ['complaint', 'police_minutes', 'other'],
      break_glass_until: null,
    },
    ...over,
  };
}
