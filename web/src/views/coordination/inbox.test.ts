import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { settle } from '../../test/fetch';
import { police, signInAsPolice } from '../cases/fixtures.test-util';
import { inboxView } from './inbox';
import { orderItems, resetCatalogue, type InstructionType, type WorkItem } from './model';

interface Seen {
  method: string;
  path: string;
  body: unknown;
}
type Answer = { status: number; body?: unknown };

/** A fetch answering by "METHOD path"; a list of answers is used in turn (the last one repeats). */
function routes(map: Record<string, Answer | Answer[]>): Seen[] {
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

const types: InstructionType[] = [
  { code: 'go_to_scene', labels: { ar: 'الانتقال إلى مكان الحادث', fr: 'Se rendre sur les lieux', en: 'Go to the scene' }, sectors: ['police'], default_priority: 'urgent', deadline_minutes: { urgent: 60, priority: 240, normal: 1440 } },
  { code: 'accompany_to_hospital', labels: { ar: 'مرافقتها إلى المستشفى', fr: "L'accompagner à l'hôpital", en: 'Accompany her to hospital' }, sectors: ['police'], default_priority: 'urgent', deadline_minutes: { urgent: 60, priority: 240, normal: 1440 } },
];

const parquet = { id: 'U-PARQUET', name: 'Parquet Fès' };
const soon = new Date(Date.now() + 3_600_000).toISOString();
const later = new Date(Date.now() + 86_400_000).toISOString();
const past = new Date(Date.now() - 3_600_000).toISOString();

function item(over: Partial<WorkItem>): WorkItem {
  return {
    id: 'W1',
    case_id: 'C1',
    reference_code: 'TMK-AAAA-0001',
    kind: 'instruction',
    type: 'go_to_scene',
    priority: 'normal',
    target_unit: { id: police.id, name: police.name },
    issuer_unit: parquet,
    issued_at: new Date().toISOString(),
    due_at: later,
    state: 'issued',
    version: 1,
    overdue: false,
    text_withheld: true,
    ...over,
  };
}

const normal = item({ id: 'W-normal', reference_code: 'TMK-NORM-0001', priority: 'normal', due_at: soon });
const urgent = item({ id: 'W-urgent', reference_code: 'TMK-URGE-0001', priority: 'urgent', type: 'accompany_to_hospital', due_at: later });
const overdue = item({ id: 'W-late', reference_code: 'TMK-LATE-0001', priority: 'priority', due_at: past, overdue: true });
const health = item({ id: 'W-health', kind: 'health_followup', type: 'hiv_pep', issuer_unit: null, priority: 'urgent', due_at: later, state: 'acknowledged', version: 3 });

function base(items: WorkItem[], more: Record<string, Answer | Answer[]> = {}) {
  return routes({
    'GET /api/v1/inbox': { status: 200, body: { items, alerts: [{ id: 'A1', kind: 'work_item_overdue', unit_id: police.id, case_id: 'C9', reference_code: 'TMK-ALRT-0001', ref_id: 'W-late', created_at: past }] } },
    'GET /api/v1/instruction-types': { status: 200, body: { items: types } },
    'GET /api/v1/referrals?box=incoming&state=proposed': { status: 200, body: { items: [{ id: 'R1' }, { id: 'R2' }] } },
    ...more,
  });
}

let alive = true;
function open() {
  const el = inboxView({ path: '/inbox', params: {}, query: new URLSearchParams(), live: () => alive });
  document.body.replaceChildren(el);
  return el;
}

const lines = (el: HTMLElement) => [...el.querySelectorAll<HTMLElement>('[data-testid="work-item"]')];
const button = (li: HTMLElement, a: string) => li.querySelector<HTMLButtonElement>(`button[data-action="${a}"]`);

beforeEach(async () => {
  await setLocale('en');
  signInAsPolice();
  resetCatalogue();
  alive = true;
});
afterEach(() => {
  alive = false;
  vi.unstubAllGlobals();
});

describe('inbox', () => {
  it('orders overdue first, then urgent, then by deadline', () => {
    expect(orderItems([normal, urgent, overdue]).map((w) => w.id)).toEqual(['W-late', 'W-urgent', 'W-normal']);
  });

  it('shows reference codes, catalogue labels, text badges, units, due times, alerts and referrals', async () => {
    base([normal, urgent, overdue]);
    const el = open();
    await settle();
    const ls = lines(el);
    expect(ls.map((l) => l.dataset.id)).toEqual(['W-late', 'W-urgent', 'W-normal']);
    expect(ls[0]!.querySelector('[data-testid="overdue-badge"]')?.textContent).toBe('Overdue');
    expect(ls[1]!.querySelector('[data-testid="priority-badge"]')?.textContent).toBe('Urgent');
    expect(ls[1]!.textContent).toContain('Accompany her to hospital');
    expect(ls[1]!.textContent).toContain('TMK-URGE-0001');
    expect(ls[1]!.textContent).toContain('Parquet Fès');
    expect(ls[1]!.textContent).toContain(police.name);
    expect(ls[1]!.querySelector('time')?.getAttribute('datetime')).toBe(later);
    expect(ls[1]!.querySelector('a')?.getAttribute('href')).toBe('/cases/C1/instructions');
    expect(el.querySelector('[data-testid="inbox-alerts"]')?.textContent).toContain('TMK-ALRT-0001');
    expect(el.querySelector('[data-testid="referrals-waiting"] a')?.getAttribute('href')).toBe('/referrals');
    expect(el.querySelector('[data-testid="referrals-waiting"]')?.textContent).toContain('2');
    // The target unit's moves on an issued instruction.
    expect([...ls[1]!.querySelectorAll('button[data-action]')].map((b) => b.getAttribute('data-action'))).toEqual(['acknowledge', 'start', 'complete', 'refuse']);
  });

  it('changes the labels with the language', async () => {
    base([urgent]);
    const el = open();
    await settle();
    await setLocale('fr');
    expect(lines(el)[0]!.textContent).toContain("L'accompagner à l'hôpital");
    expect(lines(el)[0]!.textContent).toContain('Urgent');
  });

  it('offers no buttons on items the person only issued', async () => {
    base([item({ target_unit: { id: 'U-OTHER', name: 'Gendarmerie' } })]);
    const el = open();
    await settle();
    expect(lines(el)[0]!.querySelector('button')).toBeNull();
  });

  it('acknowledges with the version read, then reloads', async () => {
    const seen = base([urgent], { 'POST /api/v1/work-items/W-urgent/acknowledge': { status: 200, body: { ...urgent, state: 'acknowledged', version: 2 } } });
    const el = open();
    await settle();
    button(lines(el)[0]!, 'acknowledge')!.click();
    await settle();
    const post = seen.find((s) => s.method === 'POST');
    expect(post?.path).toBe('/api/v1/work-items/W-urgent/acknowledge');
    expect(post?.body).toEqual({ version: 1 });
    expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(2);
  });

  it('completes an instruction only with an outcome', async () => {
    const seen = base([urgent], { 'POST /api/v1/work-items/W-urgent/complete': { status: 200, body: { ...urgent, state: 'done' } } });
    const el = open();
    await settle();
    button(lines(el)[0]!, 'complete')!.click();
    const form = el.querySelector<HTMLFormElement>('[data-testid="form-complete"]')!;
    form.requestSubmit();
    await settle();
    expect(seen.some((s) => s.method === 'POST')).toBe(false);
    expect(form.querySelector('.field-error')?.textContent).not.toBe('');
    form.querySelector('textarea')!.value = 'Taken to the hospital at 10:20';
    form.requestSubmit();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ version: 1, outcome: 'Taken to the hospital at 10:20' });
  });

  it('health follow-ups: done, or declined by her with a reason', async () => {
    const seen = base([health], { 'POST /api/v1/work-items/W-health/decline': { status: 200, body: { ...health, state: 'declined' } } });
    const el = open();
    await settle();
    const li = lines(el)[0]!;
    expect(li.textContent).toContain('HIV post-exposure prophylaxis');
    expect(button(li, 'complete')?.textContent).toContain('Done');
    button(li, 'decline')!.click();
    const form = el.querySelector<HTMLFormElement>('[data-testid="form-decline"]')!;
    form.querySelector('textarea')!.value = 'She prefers her own doctor';
    form.requestSubmit();
    await settle();
    expect(seen.find((s) => s.method === 'POST')?.body).toEqual({ version: 3, reason: 'She prefers her own doctor' });
  });

  it('409: says someone else has just acted, and reloads', async () => {
    const seen = base([urgent], {
      'POST /api/v1/work-items/W-urgent/start': { status: 409, body: { error: { code: 'conflict', message: 'version', field: 'version' } } },
    });
    const el = open();
    await settle();
    button(lines(el)[0]!, 'start')!.click();
    await settle();
    expect(el.querySelector('[data-testid="inbox-conflict"]')?.textContent).toContain('Someone else has just acted on this item');
    expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(2);
  });

  it('without a live stream, reloads every 60 seconds while shown, and stops after leaving', async () => {
    vi.useFakeTimers();
    try {
      const seen = base([]);
      open();
      await vi.advanceTimersByTimeAsync(0);
      expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(2);
      alive = false;
      await vi.advanceTimersByTimeAsync(120_000);
      expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reloads on each inbox event of the live stream and closes it on leaving', async () => {
    const sources: FakeSource[] = [];
    class FakeSource {
      static CLOSED = 2;
      readyState = 1;
      closed = false;
      onerror: (() => void) | null = null;
      listeners: Record<string, (() => void)[]> = {};
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(k: string, f: () => void) {
        (this.listeners[k] ??= []).push(f);
      }
      close() {
        this.closed = true;
      }
    }
    vi.stubGlobal('EventSource', FakeSource);
    vi.useFakeTimers();
    try {
      const seen = base([]);
      open();
      await vi.advanceTimersByTimeAsync(0);
      expect(sources[0]?.url).toBe('/api/v1/events');
      sources[0]!.listeners.inbox!.forEach((f) => f());
      await vi.advanceTimersByTimeAsync(0);
      expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(60_000); // no polling while the stream is open
      expect(seen.filter((s) => s.path === '/api/v1/inbox')).toHaveLength(2);
      alive = false;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(sources[0]!.closed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
