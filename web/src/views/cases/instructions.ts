// The case's Instructions tab: its work items (type, target unit, priority, deadline, state, an
// overdue mark, the outcome where the reader may see it); "give an instruction" for prosecutors
// and unit heads (the target units offered are those whose sector can perform the type); "record
// a withdrawal of complaint", which opens a review by the prosecution; the protection measures.
import { api, ApiError, type Unit } from '../../lib/api';
import { h, type Child } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { currentSession } from '../../lib/session';
import { formatDateTime, tr } from '../../i18n';
import { loadError, loading } from '../common';
import { acting, caseApi, type CaseView, type Vocabulary } from './model';
import { incidentFields } from './incident';
import { loadRegions } from '../../lib/reference';
import {
  dueText,
  loadCatalogue,
  overdueBadge,
  PRIORITIES,
  priorityBadge,
  stateLabel,
  typeLabel,
  type InstructionType,
  type WorkItem,
} from '../coordination/model';

const memberships = () => currentSession()?.user.memberships ?? [];
export const canIssue = () => memberships().some((m) => m.role === 'prosecutor' || m.role === 'unit_head');
export const canRecordWithdrawal = () => memberships().some((m) => ['police', 'gendarmerie', 'prosecution', 'court'].includes(m.sector));
export const canIssueMeasure = () =>
  memberships().some((m) => ['prosecution', 'court'].includes(m.sector) && ['prosecutor', 'judge', 'unit_head', 'clerk'].includes(m.role));

export const MEASURE_KINDS = ['contact_ban', 'approach_ban', 'communication_ban', 'removal_from_home', 'return_of_children', 'offender_treatment', 'pledge'] as const;

interface Measure {
  id: string;
  kind: string;
  issuing_authority: string;
  starts_on: string;
  ends_on: string | null;
  state: string;
  conditions_withheld: boolean;
  conditions?: string | null;
}

/** A datetime-local value as an RFC 3339 time, or undefined when empty. */
export function isoOf(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Lists withhold free text; the target and issuing units read it from the item itself. */
function showText(w: WorkItem): HTMLElement {
  const cell = h('span', null);
  const btn = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'show-text' }, tr('coord.showText'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const full = await api.get<WorkItem>(`/api/v1/work-items/${encodeURIComponent(w.id)}`);
      const text = full.outcome ?? full.refusal_reason ?? null;
      cell.replaceChildren(text ? h('bdi', { 'data-testid': 'item-text' }, text) : h('span', null, tr('case.none')));
    } catch (err) {
      cell.replaceChildren(err instanceof ApiError && (err.status === 403 || err.status === 404) ? h('span', { class: 'hint' }, tr('coord.textWithheld')) : loadError(err));
    }
  });
  cell.append(btn);
  return cell;
}

function itemsTable(items: WorkItem[], types: InstructionType[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('coord.noItems'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'work-items', tabindex: '-1' },
    h('caption', { class: 'sr-only' }, tr('case.tab.instructions')),
    h('thead', null, h('tr', null, ['coord.type', 'coord.to', 'coord.priority', 'coord.due', 'coord.state', 'coord.outcome'].map((k) => h('th', { scope: 'col' }, tr(k))))),
    h(
      'tbody',
      null,
      items.map((w) =>
        h(
          'tr',
          { 'data-testid': 'work-item', 'data-id': w.id, 'data-state': w.state, 'data-type': w.type },
          h('td', null, typeLabel(w, types)),
          h('td', null, w.target_unit ? h('bdi', null, w.target_unit.name) : tr('coord.unassigned')),
          h('td', null, priorityBadge(w.priority)),
          h('td', null, w.overdue ? [overdueBadge(), ' '] : null, dueText(w)),
          h('td', { 'data-testid': 'item-state' }, stateLabel(w.state), w.completed_at ? [' — ', formatDateTime(w.completed_at)] : null),
          h(
            'td',
            null,
            w.outcome_code ? [tr(`coord.outcomeCode.${w.outcome_code}`), ' '] : null,
            w.outcome ? h('bdi', null, w.outcome) : w.refusal_reason ? h('bdi', null, w.refusal_reason) : w.text_withheld && ['done', 'refused', 'declined'].includes(w.state) ? showText(w) : null,
          ),
        ),
      ),
    ),
  );
}

export function instructionsTab(c: CaseView, v: Vocabulary, say: (m: Child) => void): HTMLElement {
  const list = h('div', null, loading());
  const el = h('section', { 'aria-labelledby': 'instr-h' }, h('h2', { id: 'instr-h' }, tr('case.tab.instructions')), list);
  let types: InstructionType[] = [];

  const refresh = async () => {
    try {
      const [r, cat] = await Promise.all([api.get<{ items: WorkItem[] }>(caseApi(c.id, '/work-items')), loadCatalogue().catch(() => [] as InstructionType[])]);
      types = cat;
      list.replaceChildren(itemsTable(r.items, types));
    } catch (err) {
      list.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  void refresh();

  if (canIssue()) {
    const box = h('div', null, loading());
    el.append(h('section', { class: 'panel', 'aria-labelledby': 'instr-new-h' }, h('h3', { id: 'instr-new-h' }, tr('coord.give')), box));
    void (async () => {
      try {
        const [cat, units] = await Promise.all([loadCatalogue(), api.get<{ items: Unit[] }>('/api/v1/units')]);
        box.replaceChildren(
          instructionForm(c, cat.filter((x) => x.active !== false), units.items.filter((u) => u.active), async () => {
            say(tr('coord.given'));
            await refresh();
          }),
        );
      } catch (err) {
        box.replaceChildren(loadError(err));
      }
    })();
  }

  if (canRecordWithdrawal()) el.append(withdrawalPanel(c, say, refresh));
  el.append(measuresPanel(c, v, say, refresh));
  return el;
}

export function instructionForm(c: CaseView, types: InstructionType[], units: Unit[], saved: () => Promise<void>): HTMLElement {
  const type = new Field({
    name: 'type',
    label: 'coord.field.type',
    type: 'select',
    required: true,
    options: [{ value: '', label: tr('common.choose') }, ...types.map((x) => ({ value: x.code, label: typeLabel({ kind: 'instruction', type: x.code }, types) }))],
  });
  const target = new Field({ name: 'target_unit_id', label: 'coord.field.target', type: 'select', required: true, hint: 'coord.field.targetHint', options: [] });
  const priority = new Field({ name: 'priority', label: 'coord.field.priority', type: 'select', options: [{ value: '', label: tr('coord.field.priorityDefault') }, ...PRIORITIES.map((p) => ({ value: p, label: tr(`coord.priority.${p}`) }))] });
  const issued = new Field({ name: 'issued_at', label: 'coord.field.issuedAt', type: 'datetime-local', hint: 'coord.field.issuedAtHint' });
  const due = new Field({ name: 'due_at', label: 'coord.field.dueAt', type: 'datetime-local', hint: 'coord.field.dueAtHint' });
  const note = new Field({ name: 'note', label: 'coord.field.note', type: 'textarea', maxLength: 4000, hint: 'coord.field.noteHint' });

  const fillTargets = () => {
    const ty = types.find((x) => x.code === type.value());
    const sel = target.control as HTMLSelectElement;
    const keep = sel.value;
    const fit = ty ? units.filter((u) => ty.sectors.includes(u.sector)) : [];
    sel.replaceChildren(h('option', { value: '' }, tr('common.choose')), ...fit.map((u) => h('option', { value: u.id }, u.name)));
    sel.value = fit.some((u) => u.id === keep) ? keep : '';
    if (ty) priority.control.value = ty.default_priority;
  };
  type.control.addEventListener('change', fillTargets);
  fillTargets();

  const form: Form = new Form({
    submit: 'coord.giveSubmit',
    attrs: { 'data-testid': 'instruction-form' },
    onSubmit: async () => {
      await api.post(caseApi(c.id, '/instructions'), {
        type: type.value(),
        target_unit_id: target.value(),
        priority: priority.value() || undefined,
        issued_at: isoOf(issued.value()),
        due_at: isoOf(due.value()),
        note: note.value() || undefined,
        ...acting(),
      });
      form.el.reset();
      fillTargets();
      await saved();
    },
  });
  form.add(type, target, priority, issued, due, note);
  return form.el;
}

function withdrawalPanel(c: CaseView, say: (m: Child) => void, refresh: () => Promise<void>): HTMLElement {
  const when = new Field({ name: 'withdrawn_at', label: 'coord.withdrawal.when', type: 'datetime-local', hint: 'coord.withdrawal.whenHint' });
  const note = new Field({ name: 'note', label: 'coord.field.note', type: 'textarea', maxLength: 4000 });
  const form: Form = new Form({
    submit: 'coord.withdrawal.submit',
    attrs: { 'data-testid': 'withdrawal-form' },
    onSubmit: async () => {
      await api.post(caseApi(c.id, '/withdrawal'), { withdrawn_at: isoOf(when.value()), note: note.value() || undefined, ...acting() });
      form.el.reset();
      say(tr('coord.withdrawal.saved'));
      await refresh();
    },
  });
  form.add(when, note);
  return h('section', { class: 'panel', 'aria-labelledby': 'wd-h' }, h('h3', { id: 'wd-h' }, tr('coord.withdrawal.title')), h('p', { class: 'hint' }, tr('coord.withdrawal.explain')), form.el);
}

function measuresPanel(c: CaseView, v: Vocabulary, say: (m: Child) => void, refreshItems: () => Promise<void>): HTMLElement {
  const list = h('div', null, loading());
  const refresh = async () => {
    try {
      const { items } = await api.get<{ items: Measure[] }>(caseApi(c.id, '/protection-measures'));
      list.replaceChildren(
        items.length === 0
          ? h('p', { class: 'empty' }, tr('coord.measure.none'))
          : h(
              'table',
              { class: 'table', 'data-testid': 'measures' },
              h('caption', { class: 'sr-only' }, tr('coord.measure.title')),
              h('thead', null, h('tr', null, ['coord.measure.kind', 'coord.measure.authority', 'coord.measure.period', 'coord.state', 'coord.measure.conditions', 'common.actions'].map((k) => h('th', { scope: 'col' }, tr(k))))),
              h(
                'tbody',
                null,
                items.map((m) =>
                  h(
                    'tr',
                    { 'data-state': m.state },
                    h('td', null, tr(`coord.measure.k.${m.kind}`)),
                    h('td', null, h('bdi', null, m.issuing_authority)),
                    h('td', null, formatDateTime(m.starts_on), ' — ', m.ends_on ? formatDateTime(m.ends_on) : tr('coord.measure.noEnd')),
                    h('td', null, tr(`coord.measure.state.${m.state}`)),
                    h('td', null, m.conditions_withheld ? h('span', { class: 'hint' }, tr('coord.textWithheld')) : m.conditions ? h('bdi', null, m.conditions) : tr('case.none')),
                    h('td', null, m.state === 'active' ? violationReport(v, m, async () => {
                      say(tr('coord.violation.saved'));
                      await Promise.all([refresh(), refreshItems()]);
                    }) : null),
                  ),
                ),
              ),
            ),
      );
    } catch (err) {
      list.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  void refresh();
  const el = h('section', { class: 'panel', 'aria-labelledby': 'pm-h' }, h('h3', { id: 'pm-h' }, tr('coord.measure.title')), list);
  if (!canIssueMeasure()) return el;
  const kind = new Field({ name: 'kind', label: 'coord.measure.kind', type: 'select', required: true, options: [{ value: '', label: tr('common.choose') }, ...MEASURE_KINDS.map((k) => ({ value: k, label: tr(`coord.measure.k.${k}`) }))] });
  const authority = new Field({ name: 'issuing_authority', label: 'coord.measure.authority', required: true, minLength: 2, maxLength: 300 });
  const ends = new Field({ name: 'ends_on', label: 'coord.measure.endsOn', type: 'datetime-local', hint: 'coord.measure.endsOnHint' });
  const conditions = new Field({ name: 'conditions', label: 'coord.measure.conditions', type: 'textarea', maxLength: 4000 });
  const form: Form = new Form({
    submit: 'coord.measure.submit',
    attrs: { 'data-testid': 'measure-form' },
    onSubmit: async () => {
      await api.post(caseApi(c.id, '/protection-measures'), { kind: kind.value(), issuing_authority: authority.value(), ends_on: isoOf(ends.value()), conditions: conditions.value() || undefined, ...acting() });
      form.el.reset();
      say(tr('coord.measure.saved'));
      await refresh();
    },
  });
  form.add(kind, authority, ends, conditions);
  el.append(h('h4', null, tr('coord.measure.new')), form.el);
  return el;
}


/** "Report a violation": an incident on the case and an urgent instruction to a police unit. */
function violationReport(v: Vocabulary, m: Measure, saved: () => Promise<void>): HTMLElement {
  const box = h('div');
  const det = h('details', { class: 'violation', 'data-testid': 'report-violation' }, h('summary', null, tr('coord.violation.report')), h('p', { class: 'hint' }, tr('coord.violation.explain')), box);
  let built = false;
  det.addEventListener('toggle', async () => {
    if (!det.open || built) return;
    built = true;
    box.replaceChildren(loading());
    try {
      const [regions, units] = await Promise.all([loadRegions(), api.get<{ items: Unit[] }>('/api/v1/units')]);
      const target = new Field({
        name: 'target_unit_id',
        label: 'coord.field.target',
        type: 'select',
        required: true,
        options: [{ value: '', label: tr('common.choose') }, ...units.items.filter((u) => u.active && ['police', 'gendarmerie'].includes(u.sector)).map((u) => ({ value: u.id, label: u.name }))],
      });
      const note = new Field({ name: 'note', label: 'coord.field.note', type: 'textarea', maxLength: 4000 });
      const form: Form = new Form({
        submit: 'coord.violation.submit',
        onSubmit: async () => {
          await api.post(`/api/v1/protection-measures/${encodeURIComponent(m.id)}/violations`, { target_unit_id: target.value(), incident: incident.value(), note: note.value() || undefined, ...acting() });
          det.open = false;
          await saved();
        },
      });
      form.add(target);
      const incident = incidentFields(form, v, regions, '');
      incident.rename('incident');
      form.body.append(incident.el);
      form.add(note);
      box.replaceChildren(form.el);
    } catch (err) {
      built = false;
      box.replaceChildren(loadError(err));
    }
  });
  return det;
}
