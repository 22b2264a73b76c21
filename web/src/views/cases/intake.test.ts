import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { apiError, scriptFetch, settle } from '../../test/fetch';
import ar from '../../i18n/ar.json';
import en from '../../i18n/en.json';
import { intakeForm } from './intake';
import { receiptView } from './receipt';
import { DUPLICATE_DEBOUNCE_MS, duplicateTiming } from './duplicates';
import { regions, signInAsPolice, units, vocab, caseView } from './fixtures.test-util';
import type { CreatedCase } from './model';

beforeEach(async () => {
  await setLocale('ar');
  signInAsPolice();
  duplicateTiming.debounceMs = 1e9; // only the duplicate tests below let it run
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function render() {
  const done = vi.fn();
  const el = intakeForm({ v: vocab, units, regions }, done);
  document.body.replaceChildren(el);
  const q = <T extends Element = HTMLInputElement>(name: string) => el.querySelector<T & Element>(`[name="${name}"]`)!;
  const set = (name: string, value: string) => {
    const c = q<HTMLInputElement>(name);
    c.value = value;
    c.dispatchEvent(new Event('input', { bubbles: true }));
    c.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const check = (name: string) => {
    q<HTMLInputElement>(name).checked = true;
  };
  const next = () => el.querySelector<HTMLButtonElement>('[data-testid="intake-next"]')!.click();
  const visibleStep = () => [...el.querySelectorAll<HTMLElement>('.step')].find((s) => !s.hidden)?.dataset.step;
  const submit = async () => {
    el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }));
    await settle();
  };
  return { el, q, set, check, next, visibleStep, submit, done };
}

const created: CreatedCase = {
  case: caseView(),
  receipt: { reference_code: 'TMK-7K3F-9QXD-M2PA', followup_code: 'K7M2Q-9XDP4-ABCDE-FGHJ5', issued_at: '2026-11-23T10:00:00Z', unit_name: 'Cellule Fès' },
  possible_duplicates: [],
};

function fillMinimum(r: ReturnType<typeof render>) {
  r.set('intake.channel', 'in_person');
  r.next();
  r.set('survivor.names[0]', 'فاطمة الزهراء');
  r.next();
  r.set('incidents[0].date', '2026-11-01');
  r.set('incidents[0].place_type', 'home');
  r.check('incidents[0].forms.physical');
  r.set('incidents[0].perpetrators[0].relationship', 'husband');
  r.next();
  r.next();
}

describe('intake', () => {
  it('moves step by step, checking each step before the next', () => {
    const r = render();
    expect(r.visibleStep()).toBe('intake');
    expect(r.q<HTMLSelectElement>('intake.unit_id').value).toBe('U-POLICE');
    r.next();
    // The channel is required: the step stays and the field says why.
    expect(r.visibleStep()).toBe('intake');
    expect(r.q('intake.channel').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(r.q('intake.channel'));
    r.set('intake.channel', 'referral');
    // A referral asks who referred her.
    expect(r.q<HTMLSelectElement>('intake.referred_by_unit_id').closest('.field')!.hasAttribute('hidden')).toBe(false);
    r.set('intake.referred_by_unit_id', 'U-HEALTH');
    r.next();
    expect(r.visibleStep()).toBe('survivor');
  });

  it('mirrors the server: partial birth dates, ID numbers, phones, a birth after the incident', async () => {
    const r = render();
    fillMinimum(r);
    r.set('survivor.birth_date', '1990-13');
    r.set('survivor.id_number', 'AB#12');
    r.set('survivor.phones[0]', '12345');
    await r.submit();
    expect(r.visibleStep()).toBe('survivor');
    expect(r.q('survivor.birth_date').getAttribute('aria-invalid')).toBe('true');
    expect(r.q('survivor.id_number').getAttribute('aria-invalid')).toBe('true');
    expect(r.q('survivor.phones[0]').getAttribute('aria-invalid')).toBe('true');
    r.set('survivor.birth_date', '2026-11-05');
    r.set('survivor.id_number', 'AB 123456');
    r.set('survivor.phones[0]', '06 12 34 56 78');
    // Enter on an earlier step moves on; saving is from the last step (reached from the step list).
    await r.submit();
    expect(r.visibleStep()).toBe('incidents');
    [...r.el.querySelectorAll<HTMLButtonElement>('.steps-progress button')].pop()!.click();
    const calls = scriptFetch();
    await r.submit();
    expect(r.visibleStep()).toBe('survivor');
    expect(calls).toHaveLength(0);
    expect(r.q('survivor.birth_date').closest('.field')!.textContent).toContain('2026-11-01');
  });

  it('sends one request in the API shape and shows the receipt', async () => {
    const r = render();
    r.set('intake.channel', 'in_person');
    r.next();
    r.set('survivor.names[0]', 'فاطمة الزهراء العلوي');
    r.el.querySelector<HTMLButtonElement>('[data-testid="add-name"]')!.click();
    r.set('survivor.names[1]', 'Fatima Zahra El Alaoui');
    r.set('survivor.birth_date', '1990');
    r.check('survivor.languages.tachelhit');
    r.check('survivor.needs_translator');
    r.check('survivor.contact.safe_to_text');
    r.next();
    r.set('incidents[0].date', '2026-11-01');
    r.set('incidents[0].place_type', 'home');
    r.check('incidents[0].facts.physical_assault');
    r.set('incidents[0].perpetrators[0].relationship', 'husband');
    r.check('incidents[0].perpetrators[0].cohabiting');
    r.next();
    r.set('risk.answers.threatened_to_kill', 'yes');
    r.next();
    r.el.querySelector<HTMLButtonElement>('[data-testid="add-consent"]')!.click();
    r.set('consents[0].unit_id', 'U-HEALTH');
    // Only the purposes that fit a health unit are offered.
    expect(r.q('consents[0].purposes.investigation_prosecution').closest('.field')!.hasAttribute('hidden')).toBe(true);
    r.check('consents[0].purposes.medical_care');
    const calls = scriptFetch({ status: 201, body: created });
    await r.submit();
    expect(calls[0]?.path).toBe('/api/v1/cases');
    expect(calls[0]?.body).toEqual({
      kind: 'adult',
      intake: { unit_id: 'U-POLICE', channel: 'in_person' },
      survivor: {
        names: ['فاطمة الزهراء العلوي', 'Fatima Zahra El Alaoui'],
        birth_date: '1990',
        languages: ['tachelhit'],
        needs_translator: true,
        reading_ability: 'unknown',
        marital_status: 'unknown',
        contact: { safe_to_text: true },
      },
      incidents: [{ date: '2026-11-01', province_code: '331', place_type: 'home', facts: { physical_assault: true }, perpetrators: [{ relationship: 'husband', cohabiting: true }] }],
      consents: [{ unit_id: 'U-HEALTH', purposes: ['medical_care'], method: 'oral' }],
      risk: { answers: { threatened_to_kill: 'yes' } },
    });
    expect(r.done).toHaveBeenCalledWith(created);
  });

  it("shows the server's error next to the field it names, on its step, keeping every value", async () => {
    const r = render();
    fillMinimum(r);
    scriptFetch(apiError(400, 'invalid_argument', 'must not be in the future', 'incidents[0].date'));
    await r.submit();
    expect(r.visibleStep()).toBe('incidents');
    const date = r.q('incidents[0].date');
    expect(document.activeElement).toBe(date);
    expect(date.closest('.field')!.textContent).toContain('must not be in the future');
    expect(date.value).toBe('2026-11-01');
    expect(r.q('survivor.names[0]').value).toBe('فاطمة الزهراء');
  });

  it('keeps everything and says so when the connection is lost', async () => {
    const r = render();
    fillMinimum(r);
    scriptFetch('offline');
    await r.submit();
    expect(r.el.querySelector('.form-status')!.textContent).toBe(ar['error.connection']);
    expect(r.q('survivor.names[0]').value).toBe('فاطمة الزهراء');
  });
});

describe('duplicate warning', () => {
  beforeEach(() => {
    duplicateTiming.debounceMs = DUPLICATE_DEBOUNCE_MS;
  });
  const candidate = {
    decision: 'probable',
    score: 14.2,
    evidence: [
      { field: 'family_name', agreement: 'exact', weight: 6 },
      { field: 'given_name', agreement: 'close', weight: 4 },
      { field: 'phone', agreement: 'missing', weight: 0 },
    ],
    case: { id: 'C9', reference_code: 'TMK-AAAA-BBBB-CCCC', status: 'open', opened_at: '2026-10-01T10:00:00Z', held_by_unit_name: 'Hôpital Fès', masked_name: 'F*** E*' },
  };

  it('asks after the identity changes, says what matched, and attaches the intake with her code', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await setLocale('en');
    const r = render();
    r.set('intake.channel', 'in_person');
    const calls = scriptFetch({ status: 200, body: { candidates: [candidate] } }, { status: 201, body: caseView({ id: 'C9' }) });
    r.set('survivor.names[0]', 'Fatima');
    r.set('survivor.names[0]', 'Fatima El Alaoui');
    vi.advanceTimersByTime(DUPLICATE_DEBOUNCE_MS + 10);
    vi.useRealTimers();
    await settle();
    expect(calls).toHaveLength(1); // debounced: one request for two changes
    expect(calls[0]?.path).toBe('/api/v1/cases/duplicate-check');
    expect(calls[0]?.body).toEqual({ acting_unit_id: 'U-POLICE', survivor: expect.objectContaining({ names: ['Fatima El Alaoui'] }) });
    const card = r.el.querySelector('[data-testid="duplicate-candidate"]')!;
    expect(card.textContent).toContain(en['dup.decision.probable']);
    expect(card.textContent).toContain(`${en['dup.field.family_name']}: ${en['dup.agreement.exact']}`);
    expect(card.textContent).toContain(`${en['dup.field.given_name']}: ${en['dup.agreement.close']}`);
    expect(card.textContent).not.toContain(en['dup.field.phone']); // unknown on one side is not evidence
    card.querySelector<HTMLButtonElement>('[data-testid="duplicate-attach"]')!.click();
    const attach = card.querySelector<HTMLFormElement>('[data-testid="attach-form"]')!;
    attach.querySelector<HTMLInputElement>('[name="reference_code"]')!.value = 'tmk aaaabbbbcccc';
    attach.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls[1]?.path).toBe('/api/v1/cases/C9/intakes');
    expect(calls[1]?.body).toEqual({ reference_code: 'TMK-AAAA-BBBB-CCCC', intake: { unit_id: 'U-POLICE', channel: 'in_person' }, purposes: ['coordination'] });
  });

  it('stays silent when the server has no duplicate check (404), and records "different" after saving', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = render();
    const calls = scriptFetch({ status: 200, body: { candidates: [candidate] } });
    r.set('survivor.names[0]', 'Fatima');
    vi.advanceTimersByTime(DUPLICATE_DEBOUNCE_MS + 10);
    await vi.waitFor(() => expect(r.el.querySelector('[data-testid="duplicate-candidate"]')).not.toBeNull());
    r.el.querySelector<HTMLButtonElement>('[data-testid="duplicate-different"]')!.click();
    expect(r.el.querySelector('[data-testid="duplicate-candidate"]')).toBeNull();
    vi.useRealTimers();

    fillMinimum(r);
    calls.length = 0;
    const saves = scriptFetch({ status: 201, body: created }, { status: 201, body: {} });
    await r.submit();
    expect(saves.map((c) => c.path)).toEqual(['/api/v1/cases', '/api/v1/duplicates/decisions']);
    expect(saves[1]?.body).toEqual({ case_a: 'C1', case_b: 'C9', decision: 'different', reason: ar['dup.reasonDefault'], acting_unit_id: 'U-POLICE' });
  });

  it('a 404 silences it for the rest of the intake', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = render();
    const calls = scriptFetch(apiError(404, 'not_found', 'no route'));
    r.set('survivor.names[0]', 'Fatima');
    vi.advanceTimersByTime(DUPLICATE_DEBOUNCE_MS + 10);
    vi.useRealTimers();
    await settle();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    r.set('survivor.names[0]', 'Khadija');
    vi.advanceTimersByTime(DUPLICATE_DEBOUNCE_MS + 10);
    vi.useRealTimers();
    await settle();
    expect(calls).toHaveLength(1);
    expect(r.el.querySelector<HTMLElement>('[data-testid="duplicate-warning"]')!.hidden).toBe(true);
  });
});

describe('receipt', () => {
  it('shows both codes once, with instructions, printable', () => {
    const print = vi.fn();
    vi.stubGlobal('print', print);
    const el = receiptView(created);
    document.body.replaceChildren(el);
    expect(el.querySelector('[data-testid="receipt-reference"]')!.textContent).toBe('TMK-7K3F-9QXD-M2PA');
    expect(el.querySelector('[data-testid="receipt-followup"]')!.textContent).toBe('K7M2Q-9XDP4-ABCDE-FGHJ5');
    expect(el.textContent).toContain('/status');
    el.querySelector<HTMLButtonElement>('[data-testid="receipt-print"]')!.click();
    expect(print).toHaveBeenCalled();
  });
});
