import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale, t } from '../../i18n';
import { settle } from '../../test/fetch';
import type { Unit } from '../../lib/api';
import { caseView as caseViewPage } from './view';
import { caseView, health, ngo, police, signInAsPolice, vocab } from './fixtures.test-util';
import { referralsListView, type Referral, type ReferralLine } from './referrals';

interface Seen {
  method: string;
  path: string;
  body: unknown;
}
type A = { status: number; body?: unknown };

/** Answers by "METHOD path"; a list answers in turn (its last answer repeats). */
function routes(map: Record<string, A | A[]>): Seen[] {
  const seen: Seen[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      seen.push({ method, path, body: init.body ? JSON.parse(String(init.body)) : undefined });
      const entry = map[`${method} ${path}`];
      if (!entry) throw new Error(`unexpected ${method} ${path}`);
      const a = Array.isArray(entry) ? (entry.length > 1 ? entry.shift()! : entry[0]!) : entry;
      return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return seen;
}
const err = (status: number, field: string | null, message = 'refused') => ({ status, body: { error: { code: 'x', message, field } } });

const shelter: Unit = { id: 'U-SHELTER', name: 'Dar Al Amane', sector: 'ngo_shelter', region_code: 3, province_code: '331', address: null, phone: null, email: null, active: true };
const ref = (u: Unit) => ({ id: u.id, name: u.name, sector: u.sector });

function referral(over: Partial<Referral>): Referral {
  return {
    id: 'R1', case_id: 'C1', reference_code: 'TMK-7K3F-9QXD-M2PA', from_unit: ref(police), to_unit: ref(health), service: 'medical_care', priority: 'normal', state: 'proposed', version: 1,
    created_at: '2026-11-20T10:00:00Z', updated_at: '2026-11-20T10:00:00Z', purpose: 'medical_care', consent_basis: 'consent', reason: null, documents: [], decided_at: null, decided_by_unit: null,
    decision_note: null, next_step_referral_id: null, next_step: null, next_step_unit: null, parent_referral_id: null, ...over,
  };
}

const declined = referral({ id: 'R1', state: 'declined', version: 2, decided_at: '2026-11-20T12:00:00Z', decided_by_unit: ref(health), decision_note: 'No bed tonight', next_step: 'The listening centre calls her tomorrow', next_step_unit: ref(ngo) });
const outgoing = referral({ id: 'R2', to_unit: ref(shelter), service: 'shelter', priority: 'urgent', documents: [{ id: 'D1', type: 'complaint', agreement: 'written', recorded_by_user_id: 'u1', recorded_at: '2026-11-20T10:00:00Z' }] });
const incoming = referral({ id: 'R3', from_unit: ref(ngo), to_unit: ref(police), service: 'legal_aid', version: 4 });

const docs = { items: [{ id: 'D1', case_id: 'C1', type: 'complaint', created_by: ref(police), created_at: '2026-11-19T10:00:00Z', current_version: 1 }] };
const base = {
  'GET /api/v1/cases/C1': { status: 200, body: caseView() },
  'GET /api/v1/reference/case-vocabulary': { status: 200, body: vocab },
  'GET /api/v1/units': { status: 200, body: { items: [police, health, ngo, shelter] } },
  'GET /api/v1/cases/C1/documents': { status: 200, body: docs },
};

function openTab() {
  const el = caseViewPage({ path: '/cases/C1/referrals', params: { id: 'C1', tab: 'referrals' }, query: new URLSearchParams(), live: () => true });
  document.body.replaceChildren(el);
  return el;
}
const items = (el: HTMLElement) => [...el.querySelectorAll<HTMLElement>('[data-testid="referral"]')];
const select = (form: Element, name: string, value: string) => {
  const s = form.querySelector<HTMLSelectElement>(`[name="${name}"]`)!;
  s.value = value;
  s.dispatchEvent(new Event('change'));
};

beforeEach(async () => {
  await setLocale('en');
  signInAsPolice();
});
afterEach(() => vi.unstubAllGlobals());

describe('case Referrals tab', () => {
  it('shows the whole path oldest first, a declined one with its next step, and only the buttons of the user’s units', async () => {
    routes({ ...base, 'GET /api/v1/cases/C1/referrals': { status: 200, body: { items: [declined, outgoing, incoming] } } });
    const el = openTab();
    await settle();
    const [a, b, c] = items(el);
    expect(items(el).map((x) => x.dataset.id)).toEqual(['R1', 'R2', 'R3']);
    expect(a!.textContent).toContain('No bed tonight');
    expect(a!.querySelector('[data-testid="next-step"]')?.textContent).toContain('The listening centre calls her tomorrow');
    expect(a!.querySelector('[data-testid="next-step"]')?.textContent).toContain('Association Amal');
    expect(a!.querySelector('[data-testid="referral-actions"]')).toBeNull();
    // Sent by the police: the police may cancel it, not accept it; the complaint went with it.
    expect([...b!.querySelectorAll('[data-action]')].map((x) => x.getAttribute('data-action'))).toEqual(['cancel']);
    expect(b!.querySelector('[data-testid="referral-documents"]')?.textContent).toContain(t('case.v.doc_type.complaint'));
    expect(b!.textContent).toContain(t('ref.priority.urgent'));
    // Sent to the police: accept or decline.
    expect([...c!.querySelectorAll('[data-action]')].map((x) => x.getAttribute('data-action'))).toEqual(['accept', 'decline']);
  });

  it('refers her with the documents she agreed to send; her missing consent shows next to the receiving unit', async () => {
    const seen = routes({ ...base, 'GET /api/v1/cases/C1/referrals': { status: 200, body: { items: [] } }, 'POST /api/v1/cases/C1/referrals': [err(400, 'to_unit_id', 'no consent of hers for this unit and purpose'), { status: 201, body: outgoing }] });
    const el = openTab();
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="referral-form"]')!;
    expect(form.textContent).toContain(t('ref.consentNeeded'));
    select(form, 'service', 'shelter');
    // Only the units that provide the service are offered.
    expect([...form.querySelectorAll<HTMLOptionElement>('[name="to_unit_id"] option')].map((o) => o.value)).toEqual(['', shelter.id]);
    select(form, 'to_unit_id', shelter.id);
    select(form, 'priority', 'urgent');
    const agreement = form.querySelector<HTMLSelectElement>('[name="documents_agreement"]')!;
    expect(agreement.disabled).toBe(true);
    const box = form.querySelector<HTMLInputElement>('input[data-document="D1"]')!;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    expect(agreement.disabled).toBe(false);
    select(form, 'documents_agreement', 'written');
    form.requestSubmit();
    await settle();
    const unitErr = form.querySelector('[name="to_unit_id"]')!.closest('.field')!;
    expect(unitErr.querySelector('.field-error')?.textContent).toContain('no consent of hers');
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ to_unit_id: shelter.id, service: 'shelter', priority: 'urgent', document_ids: ['D1'], documents_agreement: 'written', acting_unit_id: police.id });
    form.requestSubmit();
    await settle();
    expect(el.textContent).toContain(t('ref.done.create'));
  });

  it('accepting sends the version read; a 409 says someone else has just acted and reloads', async () => {
    const seen = routes({ ...base, 'GET /api/v1/cases/C1/referrals': { status: 200, body: { items: [incoming] } }, 'POST /api/v1/referrals/R3/accept': err(409, 'version', 'changed') });
    const el = openTab();
    await settle();
    items(el)[0]!.querySelector<HTMLButtonElement>('[data-action="accept"]')!.click();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ version: 4, acting_unit_id: police.id });
    expect(el.textContent).toContain(t('ref.conflict'));
    expect(seen.filter((s) => s.path === '/api/v1/cases/C1/referrals').length).toBe(2);
  });

  it('declines with a reason and a next step held by another unit', async () => {
    const seen = routes({ ...base, 'GET /api/v1/cases/C1/referrals': { status: 200, body: { items: [incoming] } }, 'POST /api/v1/referrals/R3/decline': { status: 200, body: { ...incoming, state: 'declined' } } });
    const el = openTab();
    await settle();
    items(el)[0]!.querySelector<HTMLButtonElement>('[data-action="decline"]')!.click();
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="decline-form"]')!;
    form.querySelector<HTMLTextAreaElement>('[name="reason"]')!.value = 'Not our service';
    form.querySelector<HTMLTextAreaElement>('[name="next_step.text"]')!.value = 'The listening centre follows her';
    select(form, 'next_step.holder_unit_id', ngo.id);
    form.requestSubmit();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ version: 4, reason: 'Not our service', next_step: { text: 'The listening centre follows her', holder_unit_id: ngo.id }, acting_unit_id: police.id });
    expect(el.textContent).toContain(t('ref.done.decline'));
  });

  it('declines by referring her on: the new referral’s errors show next to its own fields', async () => {
    const seen = routes({ ...base, 'GET /api/v1/cases/C1/referrals': { status: 200, body: { items: [incoming] } }, 'POST /api/v1/referrals/R3/decline': [err(400, 'next_step.referral.to_unit_id', 'no consent of hers'), { status: 200, body: { ...incoming, state: 'declined' } }] });
    const el = openTab();
    await settle();
    items(el)[0]!.querySelector<HTMLButtonElement>('[data-action="decline"]')!.click();
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="decline-form"]')!;
    form.querySelector<HTMLTextAreaElement>('[name="reason"]')!.value = 'Not our service';
    select(form, 'next_step', 'referral');
    expect(form.querySelector<HTMLTextAreaElement>('[name="next_step.text"]')!.disabled).toBe(true);
    select(form, 'next_step.referral.service', 'shelter');
    select(form, 'next_step.referral.to_unit_id', shelter.id);
    form.requestSubmit();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ version: 4, reason: 'Not our service', next_step: { referral: { to_unit_id: shelter.id, service: 'shelter', priority: 'normal' } }, acting_unit_id: police.id });
    expect(form.querySelector('[name="next_step.referral.to_unit_id"]')!.closest('.field')!.querySelector('.field-error')?.textContent).toContain('no consent of hers');
    form.requestSubmit();
    await settle();
    expect(el.textContent).toContain(t('ref.done.decline'));
  });

  it('the receiving unit records that the service was given', async () => {
    const seen = routes({ ...base, 'GET /api/v1/cases/C1/referrals': { status: 200, body: { items: [{ ...incoming, state: 'accepted', version: 5 }] } }, 'POST /api/v1/referrals/R3/complete': { status: 200, body: { ...incoming, state: 'completed' } } });
    const el = openTab();
    await settle();
    const actions = items(el)[0]!.querySelectorAll<HTMLButtonElement>('[data-action]');
    expect([...actions].map((b) => b.dataset.action)).toEqual(['complete']);
    actions[0]!.click();
    await settle();
    expect(seen.find((s) => s.method === 'POST')).toMatchObject({ path: '/api/v1/referrals/R3/complete', body: { version: 5, acting_unit_id: police.id } });
  });
});

describe('/referrals', () => {
  const line = (r: Referral): ReferralLine => ({ id: r.id, case_id: r.case_id, reference_code: r.reference_code, from_unit: r.from_unit, to_unit: r.to_unit, service: r.service, priority: r.priority, state: r.state, version: r.version, created_at: r.created_at, updated_at: r.updated_at });
  it('lists incoming and outgoing with reference codes only, links to the case, and accepts incoming ones', async () => {
    const seen = routes({
      'GET /api/v1/referrals?box=incoming&state=proposed': { status: 200, body: { items: [line(incoming)] } },
      'GET /api/v1/referrals?box=outgoing&state=proposed': { status: 200, body: { items: [line(outgoing)] } },
      'POST /api/v1/referrals/R3/accept': { status: 200, body: { ...incoming, state: 'accepted' } },
    });
    const el = referralsListView({ path: '/referrals', params: {}, query: new URLSearchParams(), live: () => true });
    document.body.replaceChildren(el);
    await settle();
    const inRow = el.querySelector<HTMLElement>('[data-testid="referrals-incoming"] tbody tr')!;
    expect(inRow.querySelector('a')?.getAttribute('href')).toBe('/cases/C1/referrals');
    expect(inRow.textContent).toContain('TMK-7K3F-9QXD-M2PA');
    expect(inRow.textContent).toContain(t('ref.service.legal_aid'));
    const outRow = el.querySelector<HTMLElement>('[data-testid="referrals-outgoing"] tbody tr')!;
    expect(outRow.dataset.priority).toBe('urgent');
    expect(outRow.querySelector('[data-action]')).toBeNull();
    inRow.querySelector<HTMLButtonElement>('[data-action="accept"]')!.click();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ version: 4, acting_unit_id: police.id });
    expect(el.textContent).toContain(t('ref.done.accept'));
  });
});
