// Intake: one guided form in five steps that asks each thing once and serves every sector —
// how she came (channel, receiving unit), who she is, what happened, the danger assessment and
// her consents. Field names follow POST /api/v1/cases, so the server's error lands next to its
// field (and opens its step); nothing typed is lost on an error. On save, the receipt (her
// reference code and the follow-up code, shown once). The live duplicate warning watches the
// identity fields (duplicates.ts).
import { api, type Unit } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field } from '../../lib/forms';
import { actingMembership, currentSession } from '../../lib/session';
import { findProvince, loadRegions, placeName } from '../../lib/reference';
import type { RouteContext } from '../../lib/router';
import type { Region } from '../../lib/api';
import { tr } from '../../i18n';
import { loadError, loading, pageHeading } from '../common';
import { birthAfter, localToIso } from './checks';
import { loadVocabulary, vlabel, type CreatedCase, type Vocabulary } from './model';
import { choices, compact, ConsentFields, Rows, StepForm, type RowItem } from './parts';
import { receiptView } from './receipt';
import { duplicateWatch } from './duplicates';
import { survivorFields } from './survivor';
import { incidentFields, type IncidentRow } from './incident';
import { CASE_SECTORS } from './sectors';


function unitOptions(units: Unit[]) {
  return [{ value: '', label: tr('common.choose') }, ...units.map((u) => ({ value: u.id, label: u.name }))];
}

function section(key: string, intro: string | null, ...children: (Node | null)[]): HTMLElement {
  return h('section', { class: 'step', 'data-step': key }, h('h2', { tabindex: '-1' }, tr(`intake.step.${key}`)), intro ? h('p', { class: 'hint' }, tr(intro)) : null, ...children);
}

export interface IntakeContext {
  v: Vocabulary;
  units: Unit[];
  regions: Region[];
}

export function intakeView(ctx: RouteContext): HTMLElement {
  const body = h('div', null, loading());
  const page = h('section', { class: 'intake' }, pageHeading('intake.title'), body);
  const build = async () => {
    try {
      const [v, units, regions] = await Promise.all([loadVocabulary(), api.get<{ items: Unit[] }>('/api/v1/units'), loadRegions()]);
      if (!ctx.live()) return;
      body.replaceChildren(intakeForm({ v, units: units.items.filter((u) => u.active), regions }, (created) => page.replaceChildren(receiptView(created))));
    } catch (err) {
      if (ctx.live()) body.replaceChildren(loadError(err, () => void build()));
    }
  };
  void build();
  return page;
}

export function intakeForm(c: IntakeContext, done: (created: CreatedCase) => void): HTMLElement {
  const { v, units, regions } = c;
  const caseUnits = units.filter((u) => CASE_SECTORS.includes(u.sector));
  const form: StepForm = new StepForm({
    submit: 'intake.save',
    attrs: { 'data-testid': 'intake-form' },
    onSubmit: async () => {
      const created = await api.post<CreatedCase>('/api/v1/cases', payload());
      await dups.afterSave(created.case.id);
      done(created);
    },
  });

  // ---- 1. how she came ----
  const mine = (currentSession()?.user.memberships ?? []).filter((m) => CASE_SECTORS.includes(m.sector));
  const unit = form.track(new Field({ name: 'intake.unit_id', label: 'intake.field.unit', type: 'select', required: true, hint: 'intake.hint.unit', options: [{ value: '', label: tr('common.choose') }, ...mine.map((m) => ({ value: m.unit_id, label: m.unit_name }))] }));
  unit.control.value = mine.find((m) => m.unit_id === actingMembership()?.unit_id)?.unit_id ?? mine[0]?.unit_id ?? '';
  const channel = form.track(new Field({ name: 'intake.channel', label: 'intake.field.channel', type: 'select', required: true, options: choices('channel', v.channels) }));
  const receivedAt = form.track(new Field({ name: 'intake.received_at', label: 'intake.field.receivedAt', hint: 'intake.hint.receivedAt', type: 'datetime-local' }));
  const referredBy = form.track(new Field({ name: 'intake.referred_by_unit_id', label: 'intake.field.referredBy', type: 'select', required: true, options: unitOptions(units) }));
  const onBehalf = form.track(new Field({ name: 'intake.on_behalf_unit_id', label: 'intake.field.onBehalf', type: 'select', required: true, options: unitOptions(units.filter((u) => u.sector.startsWith('ngo_'))) }));
  const intakeNotes = form.track(new Field({ name: 'intake.notes', label: 'intake.field.notes', type: 'textarea', hint: 'intake.hint.notes', maxLength: 2000 }));
  const kind = form.track(new Field({ name: 'kind', label: 'intake.field.kind', type: 'select', required: true, value: 'adult', options: choices('kind', ['adult', 'child'], true) }));
  const childRole = form.track(new Field({ name: 'child_role', label: 'intake.field.childRole', type: 'select', required: true, options: choices('child_role', ['victim', 'accompanying']) }));
  const linked = form.track(new Field({ name: 'linked_case_id', label: 'intake.field.linkedCase', hint: 'intake.hint.linkedCase', maxLength: 64, attrs: { dir: 'ltr', autocomplete: 'off' } }));
  const toggle = (f: Field, on: boolean) => {
    f.wrap.hidden = !on;
    f.control.disabled = !on;
  };
  const syncChannel = () => {
    toggle(referredBy, channel.control.value === 'referral');
    toggle(onBehalf, channel.control.value === 'ngo_on_behalf');
  };
  const syncKind = () => {
    const child = kind.control.value === 'child';
    toggle(childRole, child);
    toggle(linked, child);
    for (const r of consents.items) r.syncKind(child);
  };
  channel.control.addEventListener('change', syncChannel);
  kind.control.addEventListener('change', syncKind);

  // ---- 2. her ----
  const her = survivorFields(form, v, 'survivor');
  const { birth } = her;

  // ---- 3. what happened ----
  const homeProvince = units.find((u) => u.id === unit.control.value)?.province_code ?? '';
  const incidents = new Rows<IncidentRow>(form, 'incidents', {
    legend: 'intake.field.incidents',
    addKey: 'intake.addIncident',
    removeKey: 'intake.removeIncident',
    min: 1,
    max: 20,
    testid: 'incident',
    make: () => incidentFields(form, v, regions, homeProvince),
  });

  // ---- 4. danger assessment ----
  const risk = v.risk_questions.map((q) =>
    form.track(
      new Field({
        name: `risk.answers.${q.key}`,
        label: `case.risk.q.${q.key}`,
        type: 'select',
        options: [{ value: '', label: tr('intake.risk.notAsked') }, ...['yes', 'no', 'unknown'].map((a) => ({ value: a, label: vlabel('answer', a) }))],
        attrs: q.critical ? { 'data-critical': '' } : undefined,
      }),
    ),
  );

  // ---- 5. consents ----
  type ConsentRow = RowItem & { value(): Record<string, unknown>; syncKind(child: boolean): void; check(): boolean; purposesOk(): boolean };
  const consents = new Rows<ConsentRow>(form, 'consents', {
    legend: 'intake.field.consents',
    addKey: 'intake.addConsent',
    removeKey: 'intake.removeConsent',
    min: 0,
    max: 20,
    testid: 'consent',
    make: () => consentRow(form, c, caseUnits),
  });
  consents.items.forEach((r) => r.syncKind(false));

  const payload = () => {
    const child = kind.control.value === 'child';
    const risks = Object.fromEntries(v.risk_questions.map((q, i) => [q.key, risk[i]?.value() ?? '']).filter(([, a]) => a !== ''));
    return compact({
      kind: kind.value(),
      child_role: child ? childRole.value() : '',
      linked_case_id: child ? linked.value() : '',
      intake: intakePayload(),
      survivor: survivorPayload(),
      incidents: incidents.items.map((r) => r.value()),
      consents: consents.items.map((r) => r.value()),
      risk: Object.keys(risks).length ? { answers: risks } : undefined,
    });
  };
  const intakePayload = () =>
    compact({
      unit_id: unit.value(),
      channel: channel.value(),
      received_at: localToIso(receivedAt.value()),
      referred_by_unit_id: channel.value() === 'referral' ? referredBy.value() : '',
      on_behalf_unit_id: channel.value() === 'ngo_on_behalf' ? onBehalf.value() : '',
      notes: intakeNotes.control.value.trim(),
    });
  const survivorPayload = () => her.value();

  // Cross-field rules of the server: her birth is not after an incident; a received time is
  // not in the future.
  form.extraChecks = () => {
    const at = localToIso(receivedAt.value());
    if (at && Date.parse(at) > Date.now() + 5 * 60_000) {
      form.show(0, false);
      receivedAt.setError(tr('case.error.future'));
      receivedAt.control.focus();
      return false;
    }
    const noPurpose = consents.items.find((r) => !r.purposesOk());
    if (noPurpose) {
      form.show(form.steps.length - 1, false);
      return noPurpose.check();
    }
    const bad = incidents.items.find((r) => birthAfter(birth.value(), r.date.value()));
    if (bad) {
      form.show(1, false);
      birth.setError(tr('case.error.birthAfterIncident', { date: bad.date.value() }));
      form.say(tr('error.fixFields'));
      birth.control.focus();
      return false;
    }
    return true;
  };

  const dups = duplicateWatch({
    survivor: survivorPayload,
    intake: intakePayload,
    unitId: () => unit.value(),
    purposesFor: () => purposesForUnit(c, unit.value()),
  });
  for (const el of her.identityEls) el.addEventListener('input', dups.changed);

  form.steps = [
    { key: 'intake', el: section('intake', 'intake.intro.intake', unit.wrap, channel.wrap, referredBy.wrap, onBehalf.wrap, receivedAt.wrap, kind.wrap, childRole.wrap, linked.wrap, intakeNotes.wrap) },
    {
      key: 'survivor',
      el: section(
        'survivor',
        'intake.intro.survivor',
        ...her.els,
      ),
    },
    { key: 'incidents', el: section('incidents', 'intake.intro.incidents', incidents.el) },
    { key: 'risk', el: section('risk', 'intake.intro.risk', h('div', { class: 'risk-questions' }, risk.map((f) => f.wrap))) },
    { key: 'consents', el: section('consents', 'intake.intro.consents', consents.el) },
  ];
  const progress = h('ol', { class: 'steps-progress' });
  const back = h('button', { type: 'button', class: 'btn', 'data-testid': 'intake-back', onclick: () => form.show(form.current - 1) }, tr('intake.back'));
  const next = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'intake-next', onclick: () => form.validateStep(form.current) && form.show(form.current + 1) }, tr('intake.next'));
  form.onStep = () => {
    const last = form.current === form.steps.length - 1;
    back.hidden = form.current === 0;
    next.hidden = last;
    form.button.hidden = !last;
    progress.replaceChildren(
      ...form.steps.map((s, i) =>
        h('li', { 'aria-current': i === form.current ? 'step' : undefined }, h('button', { type: 'button', class: 'btn-link', onclick: () => form.show(i) }, tr(`intake.step.${s.key}`))),
      ),
    );
  };
  form.body.append(...form.steps.map((s) => s.el));
  form.button.parentElement?.prepend(back, next);
  form.show(0, false);
  syncChannel();
  syncKind();
  // Enter in a field of an earlier step moves on instead of saving (capture runs before the form's own handler).
  // The duplicate warning stays outside the form (its own attach form cannot nest) and above it,
  // so it is seen from whichever step changed her identity.
  const wrap = h('div', { class: 'intake-wrap' }, h('nav', { 'aria-label': tr('intake.stepsLabel') }, progress), dups.el, h('p', { class: 'hint' }, tr('common.requiredNote')), form.el);
  wrap.addEventListener(
    'submit',
    (e) => {
      if (e.target === form.el && form.current < form.steps.length - 1) {
        e.preventDefault();
        e.stopImmediatePropagation();
        if (form.validateStep(form.current)) form.show(form.current + 1);
      }
    },
    true,
  );
  return wrap;
}

/** The purposes that fit a unit's sector (for consents, and for attaching an intake). */
export function purposesForUnit(c: IntakeContext, unitId: string): string[] {
  const u = c.units.find((x) => x.id === unitId);
  return u ? c.v.consent_purposes.filter((p) => p.sectors.includes(u.sector)).map((p) => p.purpose) : [];
}

function consentRow(form: StepForm, c: IntakeContext, caseUnits: Unit[]) {
  const k = new ConsentFields(form, c.v, caseUnits);
  return {
    el: k.el,
    fields: () => k.fields(),
    rename: (p: string) => k.rename(p),
    focus: () => k.unit.control.focus(),
    syncKind: (isChild: boolean) => k.setChild(isChild),
    check: () => k.checkPurposes(form),
    purposesOk: () => k.purposes.selected().length > 0,
    value: () => k.value(),
  };
}

/** "Fès" for a province code, in the current language. */
export function provinceName(regions: Region[], code: string): string {
  const p = findProvince(regions, code);
  return p ? placeName(p.province) : code;
}
