import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { settle } from '../../test/fetch';
import ar from '../../i18n/ar.json';
import { caseView as caseViewPage, eventText } from './view';
import { caseView, health, police, regions, signInAsPolice, units, vocab } from './fixtures.test-util';
import type { TimelineEntry } from './model';

interface Seen {
  method: string;
  path: string;
  body: unknown;
}

/** A fetch answering by "METHOD path" (order-free: the page loads several things at once). */
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

const base = {
  'GET /api/v1/cases/C1': { status: 200, body: caseView() },
  'GET /api/v1/reference/case-vocabulary': { status: 200, body: vocab },
};

function open(tab?: string) {
  const el = caseViewPage({ path: '/cases/C1', params: { id: 'C1', ...(tab ? { tab } : {}) }, query: new URLSearchParams(), live: () => true });
  document.body.replaceChildren(el);
  return el;
}

beforeEach(async () => {
  await setLocale('ar');
  signInAsPolice();
});
afterEach(() => vi.unstubAllGlobals());

describe('case page', () => {
  it('an unknown or refused case says "withheld" and offers emergency access', async () => {
    routes({ 'GET /api/v1/cases/C1': { status: 404, body: { error: { code: 'not_found', message: 'no', field: null } } }, 'GET /api/v1/reference/case-vocabulary': { status: 200, body: vocab } });
    const el = open();
    await settle();
    expect(el.querySelector('[data-testid="withheld"]')).not.toBeNull();
    expect(el.querySelector('a[href="/cases/break-glass"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="case-core"]')).toBeNull();
  });

  it('shows the core and masked name; her identity only after the explicit, audited request', async () => {
    const seen = routes({ ...base, 'GET /api/v1/cases/C1/identity': { status: 200, body: { names: ['Fatima El Fictif', 'فاطمة'], birth_date: '1990', id_number: null, phones: ['+212611223344'], address: null, children: [] } } });
    const el = open();
    await settle();
    expect(el.querySelector('[data-testid="case-reference"]')?.textContent).toBe('TMK-7K3F-9QXD-M2PA');
    expect(el.querySelector('[data-testid="masked-name"]')?.textContent).toBe('F*** E*');
    expect(el.textContent).not.toContain('Fatima El Fictif');
    expect(seen.some((s) => s.path.endsWith('/identity'))).toBe(false);
    el.querySelector<HTMLButtonElement>('[data-testid="show-identity"]')!.click();
    await settle();
    expect(el.textContent).toContain('Fatima El Fictif');
    expect(el.textContent).toContain('+212611223344');
  });

  it('issues her a new follow-up code and shows it once', async () => {
    const seen = routes({ ...base, 'POST /api/v1/cases/C1/followup-code': { status: 201, body: { followup_code: 'AAAAA-BBBBB-CCCCC-DDDD5' } } });
    const el = open();
    await settle();
    expect(el.querySelector('[data-testid="new-followup-code"]')).toBeNull();
    el.querySelector<HTMLButtonElement>('[data-testid="new-followup"]')!.click();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ acting_unit_id: police.id });
    expect(el.querySelector('[data-testid="new-followup-code"]')?.textContent).toBe('AAAAA-BBBBB-CCCCC-DDDD5');
  });

  it('adds an incident with the same fields as the intake, named as the API names them', async () => {
    const seen = routes({ ...base, 'GET /api/v1/reference/regions': { status: 200, body: { regions } }, 'POST /api/v1/cases/C1/incidents': { status: 201, body: {} } });
    const el = open();
    await settle();
    const det = el.querySelector<HTMLDetailsElement>('[data-testid="add-incident"]')!;
    det.open = true;
    det.dispatchEvent(new Event('toggle'));
    await settle();
    const q = (n: string) => det.querySelector<HTMLInputElement>(`[name="${n}"]`)!;
    q('date').value = '2026-11-02';
    q('province_code').value = '331';
    q('place_type').value = 'street';
    q('forms.psychological').checked = true;
    q('perpetrators[0].relationship').value = 'ex_husband';
    det.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ date: '2026-11-02', province_code: '331', place_type: 'street', forms: ['psychological'], perpetrators: [{ relationship: 'ex_husband' }], acting_unit_id: police.id });
  });

  it('corrects her details from what is known, and saves them whole', async () => {
    const seen = routes({
      ...base,
      'GET /api/v1/cases/C1/identity': { status: 200, body: { names: ['Fatima El Fictif', 'فاطمة'], birth_date: '1990', id_number: 'AB123456', phones: [], address: null, children: [] } },
      'PUT /api/v1/cases/C1/survivor': { status: 200, body: {} },
    });
    const el = open();
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="show-identity"]')!.click();
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="edit-survivor"]')!.click();
    const form = el.querySelector<HTMLFormElement>('[data-testid="survivor-form"]')!;
    const q = (n: string) => form.querySelector<HTMLInputElement>(`[name="${n}"]`)!;
    expect(q('names[1]').value).toBe('فاطمة');
    expect(q('languages.tachelhit').checked).toBe(true);
    q('birth_date').value = '1990-05';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(seen.find((s) => s.method === 'PUT')?.body).toEqual({
      names: ['Fatima El Fictif', 'فاطمة'],
      birth_date: '1990-05',
      id_number: 'AB123456',
      languages: ['darija', 'tachelhit'],
      needs_translator: true,
      reading_ability: 'cannot_read',
      marital_status: 'married',
      contact: { safe_to_text: true },
      acting_unit_id: police.id,
    });
  });

  it('compartments the role may not read say "withheld"; notes go to the permitted one', async () => {
    const seen = routes({
      ...base,
      'GET /api/v1/cases/C1/compartments/justice': { status: 200, body: { compartment: 'justice', notes: [{ id: 'n1', compartment: 'justice', unit: { id: police.id, name: police.name, sector: 'police' }, created_at: '2026-11-20T10:00:00Z', text: 'PV dressé' }], incidents: [], perpetrators: [], intake_notes: [] } },
      'POST /api/v1/cases/C1/compartments/justice/notes': { status: 201, body: {} },
    });
    const el = open('notes');
    await settle();
    expect(el.querySelector('[data-compartment="clinical"] [data-testid="withheld"]')).not.toBeNull();
    expect(el.querySelector('[data-compartment="social"] [data-testid="withheld"]')).not.toBeNull();
    expect(el.querySelector('[data-compartment="justice"]')?.textContent).toContain('PV dressé');
    expect(seen.some((s) => s.path.includes('clinical') || s.path.includes('social'))).toBe(false);
    const form = el.querySelector<HTMLFormElement>('[data-testid="note-form-justice"]')!;
    form.querySelector('textarea')!.value = 'Audition faite';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ text: 'Audition faite', acting_unit_id: police.id });
  });

  it('closing asks for the close reason and a written reason, as the server does', async () => {
    const seen = routes({ ...base, 'POST /api/v1/cases/C1/transitions': { status: 200, body: caseView() } });
    const el = open('status');
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="transition-form"]')!;
    const to = form.querySelector<HTMLSelectElement>('[name="to"]')!;
    expect([...to.options].map((o) => o.value)).toEqual(['', 'care:orientation', 'care:closed', 'justice:complaint']);
    to.value = 'care:closed';
    to.dispatchEvent(new Event('change'));
    const closeReason = form.querySelector<HTMLSelectElement>('[name="close_reason"]')!;
    expect(closeReason.closest('.field')!.hasAttribute('hidden')).toBe(false);
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(seen.some((s) => s.method === 'POST')).toBe(false);
    expect(closeReason.getAttribute('aria-invalid')).toBe('true');
    expect(form.querySelector('[name="reason"]')!.getAttribute('aria-invalid')).toBe('true');
    closeReason.value = 'services_completed';
    form.querySelector<HTMLTextAreaElement>('[name="reason"]')!.value = 'Toutes les prestations faites';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ track: 'care', to: 'closed', close_reason: 'services_completed', reason: 'Toutes les prestations faites', acting_unit_id: police.id });
  });

  it('lists consents and revokes one with a reason', async () => {
    const consent = { id: 'K1', unit: { id: health.id, name: health.name, sector: 'health' }, purpose: 'medical_care', basis: 'consent', legal_ground: null, method: 'oral', granted_at: '2026-11-20T10:00:00Z', recorded_by_unit: { id: police.id, name: police.name, sector: 'police' }, revoked_at: null, revoked_by_unit: null, revoke_reason: null, active: true };
    const seen = routes({
      ...base,
      'GET /api/v1/cases/C1/consents': { status: 200, body: { items: [consent] } },
      'GET /api/v1/units': { status: 200, body: { items: units } },
      'POST /api/v1/cases/C1/consents/K1/revoke': { status: 200, body: { ...consent, active: false } },
    });
    const el = open('consents');
    await settle();
    const row = el.querySelector('[data-testid="consents"] tbody tr')!;
    expect(row.textContent).toContain(ar['case.v.purpose.medical_care']);
    row.querySelector('select')!.value = 'survivor_request';
    row.querySelector<HTMLButtonElement>('[data-testid="revoke-consent"]')!.click();
    await settle();
    expect(seen.find((s) => s.method === 'POST')).toEqual({ method: 'POST', path: '/api/v1/cases/C1/consents/K1/revoke', body: { reason: 'survivor_request', acting_unit_id: police.id } });
  });
});

describe('timeline words', () => {
  it('says what a move and a document were', async () => {
    await setLocale('en');
    const e = (over: Partial<TimelineEntry>): TimelineEntry => ({ id: 'e', seq: 1, at: '2026-11-20T10:00:00Z', unit: null, kind: 'transition', topic: null, from: null, to: null, reason_code: null, related_unit: null, detail: null, detail_withheld: false, ...over });
    expect(eventText(e({ topic: 'care', from: 'reception', to: 'medical' }))()).toBe('Services: Reception and listening → Medical care');
    expect(eventText(e({ kind: 'document_version_added', topic: 'medical_certificate', to: '2' }))()).toBe(': Medical certificate, version 2');
  });
});
