// Referrals between units (docs/referrals.md): the case's Referrals tab (the whole path, oldest
// first; "Refer her" with her consent, the service and the documents she agreed to send; accept,
// decline with a next step, complete, cancel) and the /referrals page (incoming and outgoing for
// the user's units, urgent first, reference codes only). Every decision sends the `version` the
// screen read; a 409 on it means someone else acted first: say so and reload.
import { api, ApiError, withQuery, type Unit } from '../../lib/api';
import { h, type Child, type Live } from '../../lib/dom';
import { Field, Form, messageFor } from '../../lib/forms';
import { type RouteContext } from '../../lib/router';
import { currentSession } from '../../lib/session';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading, withheld } from '../common';
import { acting, caseApi, casePath, vlabel, type CaseDocument, type CaseView, type UnitRef } from './model';
import { CASE_SECTORS } from './sectors';

/** The services and the sectors that provide them (src/referrals/rules.cc). */
export const SERVICES: Record<string, string[]> = {
  medical_care: ['health'],
  psychological_care: ['health'],
  shelter: ['ngo_shelter', 'entraide_nationale'],
  legal_aid: ['ngo_listening', 'ngo_shelter', 'entraide_nationale'],
  social_support: ['ngo_listening', 'ngo_shelter', 'entraide_nationale', 'child_protection', 'health'],
  child_protection: ['child_protection'],
  economic_integration: ['ngo_listening', 'ngo_shelter', 'entraide_nationale'],
  translation: ['ngo_listening', 'entraide_nationale', 'court'],
};
export const PRIORITIES = ['urgent', 'priority', 'normal'] as const;
export const AGREEMENTS = ['oral', 'written', 'guardian'] as const;

export interface ReferralLine {
  id: string;
  case_id: string;
  reference_code: string;
  from_unit: UnitRef;
  to_unit: UnitRef;
  service: string;
  priority: string;
  state: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Referral extends ReferralLine {
  purpose: string;
  consent_basis: string;
  reason: string | null;
  documents: { id: string; type: string; agreement: string; recorded_by_user_id: string; recorded_at: string }[];
  decided_at: string | null;
  decided_by_unit: UnitRef | null;
  decision_note: string | null;
  next_step_referral_id: string | null;
  next_step: string | null;
  next_step_unit: UnitRef | null;
  parent_referral_id: string | null;
}

const myUnits = (): string[] => (currentSession()?.user.memberships ?? []).map((m) => m.unit_id);
const mine = (u: UnitRef) => myUnits().includes(u.id);
const label = (k: string) => tr(`ref.${k}`);
const service = (s: string) => tr(`ref.service.${s}`);
const priority = (p: string) => h('span', { class: `ref-priority ref-priority-${p}` }, tr(`ref.priority.${p}`));
const stateLabel = (s: string) => h('span', { class: `ref-state ref-state-${s}`, 'data-testid': 'referral-state' }, tr(`ref.state.${s}`));

/** Sectors whose units may act on a case: every referral picks among their active units. */
async function loadUnits(): Promise<Unit[]> {
  const { items } = await api.get<{ items: Unit[] }>('/api/v1/units');
  return items.filter((u) => u.active && CASE_SECTORS.includes(u.sector));
}

/** "3 days", "5 hours", "just now": how long a referral has waited. */
export function age(iso: string, now = Date.now()): Live {
  const ms = Math.max(0, now - new Date(iso).getTime());
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 48) return () => t('ref.age.days', { n: formatNumber(Math.floor(hours / 24)) });
  if (hours >= 1) return () => t('ref.age.hours', { n: formatNumber(hours) });
  return tr('ref.age.now');
}

/** 409 on `version` or `state`: another user decided first. */
const isConflict = (err: unknown) => err instanceof ApiError && err.status === 409 && (err.field === 'version' || err.field === 'state');

const unitOptions = (units: Unit[]) => [{ value: '', label: tr('common.choose') }, ...units.map((u) => ({ value: u.id, label: u.name }))];

/**
 * The fields of a new referral (the form's own, or a decline's next step under `prefix`): the
 * receiving unit among those that provide the chosen service, the service, priority and reason.
 */
class ReferralFields {
  readonly service: Field;
  readonly unit: Field;
  readonly priority: Field;
  readonly reason: Field;
  constructor(private readonly units: Unit[], prefix: string, exclude: string[]) {
    this.service = new Field({ name: `${prefix}service`, label: 'ref.field.service', type: 'select', required: true, options: [{ value: '', label: tr('common.choose') }, ...Object.keys(SERVICES).map((s) => ({ value: s, label: service(s) }))] });
    this.unit = new Field({ name: `${prefix}to_unit_id`, label: 'ref.field.toUnit', hint: 'ref.field.consentHint', type: 'select', required: true, options: unitOptions([]) });
    this.priority = new Field({ name: `${prefix}priority`, label: 'ref.field.priority', type: 'select', value: 'normal', options: PRIORITIES.map((p) => ({ value: p, label: tr(`ref.priority.${p}`) })) });
    this.reason = new Field({ name: `${prefix}reason`, label: 'ref.field.reason', type: 'textarea', maxLength: 4000 });
    const sync = () => {
      const sectors = SERVICES[this.service.control.value];
      const keep = this.unit.control.value;
      const list = this.units.filter((u) => !exclude.includes(u.id) && (!sectors || sectors.includes(u.sector)));
      this.unit.control.replaceChildren(...unitOptions(list).map((o) => h('option', { value: o.value }, o.label)));
      if (list.some((u) => u.id === keep)) this.unit.control.value = keep;
    };
    this.service.control.addEventListener('change', sync);
    sync();
  }
  get all(): Field[] {
    return [this.service, this.unit, this.priority, this.reason];
  }
  value(): Record<string, unknown> {
    const body: Record<string, unknown> = { to_unit_id: this.unit.value(), service: this.service.value(), priority: this.priority.value() };
    if (this.reason.value()) body.reason = this.reason.value();
    return body;
  }
}

/** The decline form: a reason and exactly one next step (a new referral, or a text and its holder). */
function declineForm(r: ReferralLine, units: Unit[], done: (d: Referral) => void, conflict: () => void): HTMLElement {
  const reason = new Field({ name: 'reason', label: 'ref.decline.reason', type: 'textarea', required: true, maxLength: 4000 });
  const kind = new Field({ name: 'next_step', label: 'ref.decline.nextStep', type: 'select', required: true, value: 'text', options: [{ value: 'text', label: tr('ref.decline.byText') }, { value: 'referral', label: tr('ref.decline.byReferral') }] });
  const text = new Field({ name: 'next_step.text', label: 'ref.decline.text', type: 'textarea', required: true, maxLength: 4000 });
  const holder = new Field({ name: 'next_step.holder_unit_id', label: 'ref.decline.holder', type: 'select', required: true, options: unitOptions(units) });
  const onward = new ReferralFields(units, 'next_step.referral.', [r.to_unit.id]);
  const textBox = h('div', null, text.wrap, holder.wrap);
  const refBox = h('div', null, onward.all.map((f) => f.wrap));
  const form: Form = new Form({
    submit: 'ref.decline.submit',
    attrs: { 'data-testid': 'decline-form', class: 'ref-decline' },
    onSubmit: async () => {
      const next_step = kind.value() === 'referral' ? { referral: onward.value() } : { text: text.value(), holder_unit_id: holder.value() };
      try {
        done(await api.post<Referral>(`/api/v1/referrals/${encodeURIComponent(r.id)}/decline`, { version: r.version, reason: reason.value(), next_step, acting_unit_id: r.to_unit.id }));
      } catch (err) {
        if (isConflict(err)) conflict();
        else throw err;
      }
    },
  });
  const sync = () => {
    const byRef = kind.control.value === 'referral';
    textBox.hidden = byRef;
    refBox.hidden = !byRef;
    for (const f of [text, holder]) f.control.disabled = byRef;
    for (const f of onward.all) f.control.disabled = !byRef;
  };
  kind.control.addEventListener('change', sync);
  form.add(reason, kind);
  for (const f of [text, holder, ...onward.all]) form.track(f);
  form.body.append(textBox, refBox);
  sync();
  return form.el;
}

/**
 * The buttons the user's units may use on a referral now: the receiving unit accepts, declines
 * or completes; the referring unit cancels. `changed` is told what happened (a message), `units`
 * feeds the decline's next step.
 */
export function decisionActions(r: ReferralLine, units: () => Promise<Unit[]>, changed: (msg: Child) => void): HTMLElement | null {
  const toMine = mine(r.to_unit);
  const fromMine = mine(r.from_unit);
  const box = h('div', { class: 'ref-actions', 'data-testid': 'referral-actions' });
  const out = h('div', { 'aria-live': 'polite' });
  const conflict = () => changed(h('span', { class: 'danger', 'data-testid': 'referral-conflict' }, tr('ref.conflict')));
  const button = (action: 'accept' | 'complete' | 'cancel', unit: UnitRef, cls = '') => {
    const b = h('button', { type: 'button', class: `btn btn-small ${cls}`, 'data-action': action }, tr(`ref.action.${action}`), h('span', { class: 'sr-only' }, `: ${r.reference_code}`));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await api.post(`/api/v1/referrals/${encodeURIComponent(r.id)}/${action}`, { version: r.version, acting_unit_id: unit.id });
        changed(tr(`ref.done.${action}`));
      } catch (err) {
        b.disabled = false;
        if (isConflict(err)) conflict();
        else out.replaceChildren(h('p', { class: 'field-error' }, messageFor(err)));
      }
    });
    return b;
  };
  if (toMine && r.state === 'proposed') {
    const decline = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'decline', 'aria-expanded': 'false' }, tr('ref.action.decline'), h('span', { class: 'sr-only' }, `: ${r.reference_code}`));
    decline.addEventListener('click', async () => {
      if (decline.getAttribute('aria-expanded') === 'true') {
        out.replaceChildren();
        decline.setAttribute('aria-expanded', 'false');
        return;
      }
      decline.setAttribute('aria-expanded', 'true');
      out.replaceChildren(loading());
      try {
        out.replaceChildren(declineForm(r, await units(), () => changed(tr('ref.done.decline')), conflict));
        out.querySelector<HTMLElement>('textarea')?.focus();
      } catch (err) {
        out.replaceChildren(loadError(err));
      }
    });
    box.append(button('accept', r.to_unit, 'btn-primary'), ' ', decline);
  }
  if (toMine && r.state === 'accepted') box.append(button('complete', r.to_unit));
  if (fromMine && r.state === 'proposed') box.append(' ', button('cancel', r.from_unit));
  if (!box.childNodes.length) return null;
  box.append(out);
  return box;
}

function pathItem(r: Referral, n: number, all: Referral[], units: () => Promise<Unit[]>, changed: (msg: Child) => void): HTMLElement {
  const number = (id: string | null) => (id ? all.findIndex((x) => x.id === id) + 1 : 0);
  const dl = (...pairs: [string, Child][]) => h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null).flatMap(([k, v]) => [h('dt', null, label(k)), h('dd', null, v)]));
  const parent = number(r.parent_referral_id);
  const onward = number(r.next_step_referral_id);
  return h(
    'li',
    { class: `referral ref-state-${r.state}`, 'data-testid': 'referral', 'data-id': r.id, 'data-state': r.state, id: `referral-${n}` },
    h('h3', null, () => t('ref.number', { n: formatNumber(n) })),
    dl(
      ['field.from', h('bdi', null, r.from_unit.name)],
      ['field.to', h('bdi', null, r.to_unit.name)],
      ['field.service', service(r.service)],
      ['field.priority', priority(r.priority)],
      ['field.state', stateLabel(r.state)],
      ['field.created', formatDateTime(r.created_at)],
      ['field.basis', r.consent_basis ? vlabel('basis', r.consent_basis) : null],
      ['field.reason', r.reason ? h('bdi', { class: 'note-text' }, r.reason) : null],
      ['field.parent', parent ? h('a', { href: `#referral-${parent}` }, () => t('ref.number', { n: formatNumber(parent) })) : null],
      ['field.decided', r.decided_at ? [formatDateTime(r.decided_at), r.decided_by_unit ? [' — ', h('bdi', null, r.decided_by_unit.name)] : null] : null],
      [r.state === 'declined' ? 'field.declineReason' : 'field.note', r.decision_note ? h('bdi', { class: 'note-text', 'data-testid': 'decision-note' }, r.decision_note) : null],
      [
        'field.nextStep',
        onward
          ? h('a', { href: `#referral-${onward}`, 'data-testid': 'next-step' }, () => t('ref.nextStepReferral', { n: formatNumber(onward) }))
          : r.next_step || r.next_step_unit
            ? h('span', { 'data-testid': 'next-step' }, r.next_step ? h('bdi', null, r.next_step) : null, r.next_step_unit ? [' — ', label('heldBy'), ' ', h('bdi', null, r.next_step_unit.name)] : null)
            : null,
      ],
    ),
    r.documents.length
      ? h('div', null, h('h4', null, label('documents')), h('ul', { class: 'plain', 'data-testid': 'referral-documents' }, r.documents.map((d) => h('li', { 'data-type': d.type }, vlabel('doc_type', d.type), ' — ', () => t('ref.agreedHow', { how: vlabel('method', d.agreement)() }), ' (', formatDateTime(d.recorded_at), ')'))))
      : null,
    decisionActions(r, units, changed),
  );
}

/** The case's Referrals tab. */
export function referralsTab(c: CaseView, say: (m: Child) => void): HTMLElement {
  const list = h('div', null, loading());
  const el = h('section', { 'aria-labelledby': 'ref-h' }, h('h2', { id: 'ref-h' }, tr('case.tab.referrals')), list);
  let unitsP: Promise<Unit[]> | null = null;
  const units = () => (unitsP ??= loadUnits().catch((e) => ((unitsP = null), Promise.reject(e))));
  const refresh = async () => {
    try {
      const { items } = await api.get<{ items: Referral[] }>(caseApi(c.id, '/referrals'));
      list.replaceChildren(items.length === 0 ? h('p', { class: 'empty' }, label('none')) : h('ol', { class: 'plain referral-path', 'data-testid': 'referral-path' }, items.map((r, i) => pathItem(r, i + 1, items, units, changed))));
    } catch (err) {
      list.replaceChildren(err instanceof ApiError && (err.status === 403 || err.status === 404) ? withheld() : loadError(err, () => void refresh()));
    }
  };
  const changed = (msg: Child) => {
    say(msg);
    void refresh();
  };
  void refresh();
  if (!(c.permissions.update || c.permissions.record_consent)) return el;
  const box = h('div', null, loading());
  el.append(h('section', { class: 'panel', 'aria-labelledby': 'ref-new-h' }, h('h3', { id: 'ref-new-h' }, label('new')), box));
  void (async () => {
    try {
      const [us, docs] = await Promise.all([units(), api.get<{ items: CaseDocument[] }>(caseApi(c.id, '/documents')).then((d) => d.items, () => [] as CaseDocument[])]);
      box.replaceChildren(referForm(c, us, docs, async () => changed(label('done.create'))));
    } catch (err) {
      box.replaceChildren(loadError(err));
    }
  })();
  return el;
}

function referForm(c: CaseView, units: Unit[], docs: CaseDocument[], saved: () => Promise<void>): HTMLElement {
  const f = new ReferralFields(units, '', myUnits());
  const checks = docs.map((d) => new Field({ name: `doc-${d.id}`, label: 'ref.field.document', type: 'checkbox', attrs: { 'data-document': d.id, 'data-type': d.type } }));
  checks.forEach((k, i) => {
    const d = docs[i];
    if (!d) return;
    k.wrap.querySelector('label')?.replaceChildren(h('span', null, vlabel('doc_type', d.type)(), ' — ', formatDateTime(d.created_at), ' — '), h('bdi', null, d.created_by.name));
  });
  const agreement = new Field({ name: 'documents_agreement', label: 'ref.field.agreement', type: 'select', required: true, options: [{ value: '', label: tr('common.choose') }, ...AGREEMENTS.map((a) => ({ value: a, label: vlabel('method', a) }))] });
  const syncAgreement = () => {
    const any = checks.some((k) => k.checked());
    agreement.wrap.hidden = !any;
    agreement.control.disabled = !any;
  };
  for (const k of checks) k.control.addEventListener('change', syncAgreement);
  const form: Form = new Form({
    submit: 'ref.submit',
    attrs: { 'data-testid': 'referral-form' },
    onSubmit: async () => {
      const chosen = docs.filter((_, i) => checks[i]?.checked());
      const body: Record<string, unknown> = { ...f.value(), ...acting() };
      if (chosen.length) {
        body.document_ids = chosen.map((d) => d.id);
        body.documents_agreement = agreement.value();
      }
      try {
        await api.post(caseApi(c.id, '/referrals'), body);
      } catch (err) {
        // "document_ids[i]" names the i-th document sent: show it on that checkbox.
        const m = err instanceof ApiError ? /^document_ids\[(\d+)\]/.exec(err.field ?? '') : null;
        const doc = m ? chosen[Number(m[1])] : undefined;
        const k = doc ? checks[docs.indexOf(doc)] : undefined;
        if (k && err instanceof ApiError) {
          k.setError(err.message);
          form.say(tr('error.fixFields'));
          k.control.focus();
          return;
        }
        throw err;
      }
      form.el.reset();
      f.service.control.dispatchEvent(new Event('change'));
      syncAgreement();
      await saved();
    },
  });
  form.add(...f.all);
  for (const k of checks) form.track(k);
  form.track(agreement);
  form.body.prepend(h('p', { class: 'panel panel-warn', 'data-testid': 'consent-needed' }, label('consentNeeded')));
  form.body.append(
    h(
      'fieldset',
      { class: 'ref-documents', 'data-testid': 'referral-documents-choice' },
      h('legend', null, label('field.documents')),
      h('p', { class: 'hint' }, label('field.documentsHint')),
      checks.length ? checks.map((k) => k.wrap) : h('p', { class: 'empty' }, label('noDocuments')),
      agreement.wrap,
    ),
  );
  syncAgreement();
  return form.el;
}

/** /referrals: incoming and outgoing referrals of the user's units, urgent first. */
export function referralsListView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const stateF = new Field({ name: 'state', label: 'ref.field.state', type: 'select', value: ctx.query.get('state') ?? 'proposed', options: [{ value: '', label: tr('ref.allStates') }, ...['proposed', 'accepted', 'declined', 'completed', 'cancelled'].map((s) => ({ value: s, label: tr(`ref.state.${s}`) }))] });
  const boxes = (['incoming', 'outgoing'] as const).map((box) => ({ box, body: h('div', null, loading()) }));
  let unitsP: Promise<Unit[]> | null = null;
  const units = () => (unitsP ??= loadUnits().catch((e) => ((unitsP = null), Promise.reject(e))));
  const refresh = async () => {
    await Promise.all(
      boxes.map(async ({ box, body }) => {
        try {
          const { items } = await api.get<{ items: ReferralLine[] }>(withQuery('/api/v1/referrals', { box, state: stateF.control.value }));
          if (!ctx.live()) return;
          body.replaceChildren(items.length === 0 ? h('p', { class: 'empty' }, label('noneInBox')) : table(box, items));
        } catch (err) {
          body.replaceChildren(err instanceof ApiError && err.status === 403 ? withheld() : loadError(err, () => void refresh()));
        }
      }),
    );
  };
  const changed = (msg: Child) => {
    status.say(msg);
    void refresh();
  };
  const table = (box: string, items: ReferralLine[]) =>
    h(
      'table',
      { class: 'table', 'data-testid': `referrals-${box}` },
      h('caption', { class: 'sr-only' }, label(`box.${box}`)),
      h('thead', null, h('tr', null, ['field.reference', 'field.service', 'field.from', 'field.to', 'field.priority', 'field.state', 'field.age', 'field.actions'].map((k) => h('th', { scope: 'col' }, label(k))))),
      h(
        'tbody',
        null,
        items.map((r) =>
          h(
            'tr',
            { 'data-id': r.id, 'data-case': r.case_id, 'data-state': r.state, 'data-priority': r.priority, class: r.priority === 'urgent' ? 'ref-urgent' : undefined },
            h('td', null, h('a', { href: casePath(r.case_id, 'referrals'), 'data-testid': 'referral-case' }, h('bdi', { dir: 'ltr', class: 'code' }, r.reference_code))),
            h('td', null, service(r.service)),
            h('td', null, h('bdi', null, r.from_unit.name)),
            h('td', null, h('bdi', null, r.to_unit.name)),
            h('td', null, priority(r.priority)),
            h('td', null, stateLabel(r.state)),
            h('td', null, h('time', { datetime: r.created_at, title: formatDateTime(r.created_at) }, age(r.created_at))),
            h('td', null, box === 'incoming' ? decisionActions(r, units, changed) : null),
          ),
        ),
      ),
    );
  stateF.control.addEventListener('change', () => void refresh());
  void refresh();
  return h(
    'section',
    { class: 'referrals-page' },
    pageHeading('ref.list.title'),
    h('p', { class: 'hint' }, label('list.intro')),
    status.el,
    h('div', { class: 'filters' }, stateF.wrap),
    boxes.map(({ box, body }) => h('section', { 'aria-labelledby': `ref-${box}-h` }, h('h2', { id: `ref-${box}-h` }, label(`box.${box}`)), body)),
  );
}
