import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { setSession } from '../../lib/session';
import { settle } from '../../test/fetch';
import { resetCatalogue, type InstructionType, type WorkItem } from '../coordination/model';
import { caseView, health, police, regions, signInAsPolice, vocab } from './fixtures.test-util';
import { instructionsTab } from './instructions';

interface Seen {
  method: string;
  path: string;
  body: unknown;
}

function routes(map: Record<string, { status: number; body?: unknown }>): Seen[] {
  const seen: Seen[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      seen.push({ method, path, body: init.body ? JSON.parse(String(init.body)) : undefined });
      const a = map[`${method} ${path}`];
      if (!a) throw new Error(`unexpected ${method} ${path}`);
      return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return seen;
}

const types: InstructionType[] = [
  { code: 'accompany_to_hospital', labels: { ar: 'مرافقتها إلى المستشفى', fr: "L'accompagner à l'hôpital", en: 'Accompany her to hospital' }, sectors: ['police', 'gendarmerie'], default_priority: 'urgent', deadline_minutes: { urgent: 60, priority: 240, normal: 1440 } },
  { code: 'medical_certificate', labels: { ar: 'شهادة طبية', fr: 'Certificat médical', en: 'Obtain a medical certificate' }, sectors: ['health'], default_priority: 'priority', deadline_minutes: { urgent: 120, priority: 1440, normal: 4320 } },
];
const parquet = { id: 'U-PARQUET', name: 'Parquet Fès', sector: 'prosecution', region_code: 3, province_code: '331', address: null, phone: null, email: null, active: true };

const done: WorkItem = {
  id: 'W1',
  case_id: 'C1',
  reference_code: 'TMK-AAAA-0001',
  kind: 'instruction',
  type: 'accompany_to_hospital',
  priority: 'urgent',
  target_unit: { id: police.id, name: police.name },
  issuer_unit: { id: parquet.id, name: parquet.name },
  issued_at: new Date().toISOString(),
  due_at: new Date(Date.now() - 60_000).toISOString(),
  state: 'done',
  version: 4,
  overdue: true,
  completed_at: new Date().toISOString(),
  text_withheld: false,
  outcome: 'Accompanied at 10:20',
};

function asProsecutor() {
  setSession({
    user: { id: 'u2', username: 'prosecutor', display_name: 'Karim', totp_enabled: false, memberships: [{ unit_id: parquet.id, unit_name: parquet.name, sector: 'prosecution', role: 'prosecutor' }] },
    csrf_token: 'csrf',
    must_enrol_totp: false,
  });
}

const base = {
  'GET /api/v1/cases/C1/work-items': { status: 200, body: { items: [done] } },
  'GET /api/v1/instruction-types': { status: 200, body: { items: types } },
  'GET /api/v1/cases/C1/protection-measures': { status: 200, body: { items: [] } },
  'GET /api/v1/units': { status: 200, body: { items: [police, health, parquet] } },
};

beforeEach(async () => {
  await setLocale('en');
  resetCatalogue();
});
afterEach(() => vi.unstubAllGlobals());

describe('Instructions tab', () => {
  it('lists the work items with type, unit, badge, overdue mark, state and outcome', async () => {
    signInAsPolice();
    routes(base);
    const el = instructionsTab(caseView(), vocab, () => {});
    document.body.replaceChildren(el);
    await settle();
    const row = el.querySelector<HTMLElement>('[data-testid="work-item"]')!;
    expect(row.textContent).toContain('Accompany her to hospital');
    expect(row.textContent).toContain(police.name);
    expect(row.querySelector('[data-testid="priority-badge"]')?.textContent).toBe('Urgent');
    expect(row.querySelector('[data-testid="overdue-badge"]')).not.toBeNull();
    expect(row.querySelector('[data-testid="item-state"]')?.textContent).toContain('Done');
    expect(row.textContent).toContain('Accompanied at 10:20');
    // A police officer gives no instruction but may record a withdrawal.
    expect(el.querySelector('[data-testid="instruction-form"]')).toBeNull();
    expect(el.querySelector('[data-testid="withdrawal-form"]')).not.toBeNull();
  });

  it('the issuing unit reads a withheld outcome from the item itself', async () => {
    asProsecutor();
    routes({ ...base, 'GET /api/v1/cases/C1/work-items': { status: 200, body: { items: [{ ...done, outcome: undefined, text_withheld: true }] } }, 'GET /api/v1/work-items/W1': { status: 200, body: done } });
    const el = instructionsTab(caseView(), vocab, () => {});
    document.body.replaceChildren(el);
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="show-text"]')!.click();
    await settle();
    expect(el.querySelector('[data-testid="item-text"]')?.textContent).toBe('Accompanied at 10:20');
  });

  it('a prosecutor gives an instruction: units that can perform it, the type priority by default', async () => {
    asProsecutor();
    const seen = routes({ ...base, 'POST /api/v1/cases/C1/instructions': { status: 201, body: done } });
    const el = instructionsTab(caseView(), vocab, () => {});
    document.body.replaceChildren(el);
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="instruction-form"]')!;
    const type = form.querySelector<HTMLSelectElement>('select[name="type"]')!;
    const target = form.querySelector<HTMLSelectElement>('select[name="target_unit_id"]')!;
    const priority = form.querySelector<HTMLSelectElement>('select[name="priority"]')!;
    type.value = 'medical_certificate';
    type.dispatchEvent(new Event('change'));
    expect([...target.options].map((o) => o.value)).toEqual(['', health.id]);
    expect(priority.value).toBe('priority');
    type.value = 'accompany_to_hospital';
    type.dispatchEvent(new Event('change'));
    expect([...target.options].map((o) => o.value)).toEqual(['', police.id]);
    expect(priority.value).toBe('urgent');
    target.value = police.id;
    form.querySelector<HTMLTextAreaElement>('textarea[name="note"]')!.value = 'She is at home';
    form.requestSubmit();
    await settle();
    const post = seen.find((s) => s.method === 'POST');
    expect(post?.body).toEqual({ type: 'accompany_to_hospital', target_unit_id: police.id, priority: 'urgent', note: 'She is at home', acting_unit_id: parquet.id });
  });

  it('shows the server error next to its field', async () => {
    asProsecutor();
    routes({ ...base, 'POST /api/v1/cases/C1/instructions': { status: 400, body: { error: { code: 'invalid_argument', message: 'must be in the future', field: 'due_at' } } } });
    const el = instructionsTab(caseView(), vocab, () => {});
    document.body.replaceChildren(el);
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="instruction-form"]')!;
    const type = form.querySelector<HTMLSelectElement>('select[name="type"]')!;
    type.value = 'accompany_to_hospital';
    type.dispatchEvent(new Event('change'));
    form.querySelector<HTMLSelectElement>('select[name="target_unit_id"]')!.value = police.id;
    form.requestSubmit();
    await settle();
    const due = form.querySelector<HTMLInputElement>('input[name="due_at"]')!;
    expect(due.getAttribute('aria-invalid')).toBe('true');
    expect(due.closest('.field')?.textContent).toContain('must be in the future');
  });

  it('records a withdrawal and explains the review it opens', async () => {
    signInAsPolice();
    const seen = routes({ ...base, 'POST /api/v1/cases/C1/withdrawal': { status: 201, body: {} } });
    const el = instructionsTab(caseView(), vocab, () => {});
    document.body.replaceChildren(el);
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="withdrawal-form"]')!;
    expect(form.closest('section')?.textContent).toContain('review by the prosecution');
    form.requestSubmit();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.path).toBe('/api/v1/cases/C1/withdrawal');
  });

  it('an active measure offers "report a violation", which sends an incident and a police unit', async () => {
    signInAsPolice();
    const measure = { id: 'M1', kind: 'contact_ban', issuing_authority: 'Procureur du Roi, Fès', starts_on: new Date().toISOString(), ends_on: null, state: 'active', conditions_withheld: true };
    routes({
      ...base,
      'GET /api/v1/cases/C1/protection-measures': { status: 200, body: { items: [measure] } },
      'GET /api/v1/reference/regions': { status: 200, body: { items: regions } },
      'GET /api/v1/protection-measures/M1/violations': { status: 500 },
    });
    const el = instructionsTab(caseView(), vocab, () => {});
    document.body.replaceChildren(el);
    await settle();
    const det = el.querySelector<HTMLDetailsElement>('[data-testid="report-violation"]')!;
    expect(det.textContent).toContain('urgent instruction');
  });
});

