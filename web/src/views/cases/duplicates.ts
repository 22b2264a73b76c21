// The live duplicate warning of the intake. When her names, birth date, ID number or phones
// change, POST /api/v1/cases/duplicate-check (debounced) asks whether she may already have a
// case; each candidate says what matched and how, in plain words. The person can attach this
// intake to that case (POST /api/v1/cases/{id}/intakes, with the reference code she quotes from
// her receipt) or say it is a different person (recorded after saving, through
// POST /api/v1/duplicates/decisions). A server without the endpoint (404) leaves it silent.
import { api, ApiError } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { navigate } from '../../lib/router';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { normaliseReference } from './checks';
import { casePath, caseApi, vlabel } from './model';
import { Checks } from './parts';
import { setFlash } from '../admin/units';

export interface Evidence {
  field: string;
  agreement: string;
  weight: number;
}

export interface Candidate {
  decision: 'probable' | 'possible';
  score: number;
  evidence: Evidence[];
  case: { id: string; reference_code: string; status: string; opened_at: string; held_by_unit_name: string; masked_name: string | null };
}

export const DUPLICATE_DEBOUNCE_MS = 700;

/** The wait after the last keystroke before asking (tests that are not about it push it away). */
export const duplicateTiming = { debounceMs: DUPLICATE_DEBOUNCE_MS };

/** "Family name: the same" — one line of evidence in plain words. */
export function evidenceText(e: Evidence): () => string {
  return () => `${t(`dup.field.${e.field}`)}: ${t(`dup.agreement.${e.agreement}`)}`;
}

/** Whether the identity typed so far is enough to look for her (a name, an ID or a phone). */
function enough(s: Record<string, unknown>): boolean {
  return ['names', 'id_number', 'phones'].some((k) => {
    const v = s[k];
    return Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.length > 0;
  });
}

export function candidateCard(c: Candidate, actions: Node | null): HTMLElement {
  const id = `dup-${c.case.id}`;
  return h(
    'li',
    { class: `dup-card dup-${c.decision}`, 'data-testid': 'duplicate-candidate', 'aria-labelledby': id },
    h(
      'h3',
      { id },
      tr(`dup.decision.${c.decision}`),
      ' — ',
      h('bdi', { dir: 'ltr', class: 'code' }, c.case.reference_code),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, tr('case.field.name')),
      h('dd', null, c.case.masked_name ? h('bdi', null, c.case.masked_name) : tr('case.nameWithheld')),
      h('dt', null, tr('case.field.status')),
      h('dd', null, vlabel('case_status', c.case.status)),
      h('dt', null, tr('case.field.holder')),
      h('dd', null, h('bdi', null, c.case.held_by_unit_name)),
      h('dt', null, tr('case.field.opened')),
      h('dd', null, formatDateTime(c.case.opened_at)),
      h('dt', null, tr('dup.score')),
      h('dd', null, formatNumber(Math.round(c.score * 10) / 10)),
    ),
    h('p', null, tr('dup.why')),
    h('ul', { class: 'dup-evidence' }, c.evidence.filter((e) => e.agreement !== 'missing').map((e) => h('li', { class: `agree-${e.agreement}` }, evidenceText(e)))),
    actions,
  );
}

export function duplicateWatch(o: {
  survivor: () => Record<string, unknown>;
  intake: () => Record<string, unknown>;
  unitId: () => string;
  purposesFor: () => string[];
}) {
  const list = h('ul', { class: 'plain dup-list' });
  const el = h('section', { class: 'dup-warning', 'aria-live': 'polite', 'data-testid': 'duplicate-warning', hidden: true }, h('h3', null, tr('dup.title')), h('p', null, tr('dup.intro')), list);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  let absent = false; // the server has no duplicate check (404): stay silent
  let lastKey = '';
  const dismissed = new Map<string, string>(); // case id -> reason
  let candidates: Candidate[] = [];

  const render = () => {
    const shown = candidates.filter((c) => !dismissed.has(c.case.id));
    el.hidden = shown.length === 0;
    list.replaceChildren(...shown.map((c) => candidateCard(c, actionsFor(c))));
  };

  const check = async () => {
    const survivor = o.survivor();
    const unit = o.unitId();
    const key = JSON.stringify([unit, survivor.names, survivor.birth_date, survivor.id_number, survivor.phones]);
    if (absent || !unit || !enough(survivor) || key === lastKey) return;
    lastKey = key;
    const mine = ++seq;
    try {
      const r = await api.post<{ candidates: Candidate[] }>('/api/v1/cases/duplicate-check', { acting_unit_id: unit, survivor });
      if (mine !== seq) return;
      candidates = r.candidates ?? [];
      render();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) absent = true;
      // Any other failure: the warning is an aid; the intake goes on without it.
    }
  };

  function actionsFor(c: Candidate): HTMLElement {
    const box = h('div', { class: 'dup-actions' });
    const attach = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'duplicate-attach', onclick: () => box.replaceChildren(attachForm(c, () => box.replaceChildren(attach, different))) }, tr('dup.attach'));
    const different = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small',
        'data-testid': 'duplicate-different',
        onclick: () => {
          dismissed.set(c.case.id, t('dup.reasonDefault'));
          render();
          say(tr('dup.dismissed', { code: c.case.reference_code }));
        },
      },
      tr('dup.different'),
    );
    box.append(attach, different);
    return box;
  }

  const status = h('p', { class: 'notice', role: 'status' });
  el.append(status);
  const say = (m: () => string) => status.replaceChildren(h('span', null, m));

  function attachForm(c: Candidate, cancel: () => void): HTMLElement {
    const form: Form = new Form({
      submit: 'dup.attachConfirm',
      attrs: { class: 'dup-attach', 'data-testid': 'attach-form' },
      onSubmit: async () => {
        const purposes = checks.selected();
        if (purposes.length === 0) {
          checks.fields[0]?.setError(tr('case.error.purpose'));
          checks.fields[0]?.control.focus();
          return;
        }
        await api.post(caseApi(c.case.id, '/intakes'), { reference_code: normaliseReference(code.value()), intake: o.intake(), purposes });
        setFlash(tr('dup.attached'));
        await navigate(casePath(c.case.id));
      },
    });
    const code = new Field({ name: 'reference_code', label: 'dup.herCode', hint: 'dup.herCodeHint', required: true, maxLength: 40, attrs: { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' } });
    const fit = o.purposesFor();
    const checks = new Checks(form, 'purposes', 'case.consent.purposes', 'purpose', fit.length ? fit : ['coordination'], ['coordination']);
    form.add(code);
    form.body.append(checks.el, h('button', { type: 'button', class: 'btn btn-quiet', onclick: cancel }, tr('common.cancel')));
    queueMicrotask(() => code.control.focus());
    return form.el;
  }

  return {
    el,
    changed: () => {
      clearTimeout(timer);
      timer = setTimeout(() => void check(), duplicateTiming.debounceMs);
    },
    /** After the new case is saved: record "different person" for each dismissed candidate. */
    afterSave: async (newCaseId: string) => {
      clearTimeout(timer);
      for (const [other, reason] of dismissed) {
        try {
          await api.post('/api/v1/duplicates/decisions', { case_a: newCaseId, case_b: other, decision: 'different', reason, acting_unit_id: o.unitId() });
        } catch {
          // The case is saved; the review queue will show the pair again if it was not recorded.
        }
      }
    },
  };
}
