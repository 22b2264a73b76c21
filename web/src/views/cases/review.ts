// The duplicate review queue of the acting unit (GET /api/v1/duplicates/review): pairs of cases
// that may be the same woman, with what matched in plain words. "Same woman" merges the second
// case into the first (POST /api/v1/cases/{id}/merge; nothing is deleted, and the merge can be
// undone at once with POST …/unmerge); "different" is remembered (POST /api/v1/duplicates/decisions).
import { api, ApiError } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { actingMembership } from '../../lib/session';
import type { RouteContext } from '../../lib/router';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading, withheld } from '../common';
import { evidenceText, type Evidence } from './duplicates';
import { acting, caseApi, casePath, vlabel } from './model';

interface CaseRef {
  id: string;
  reference_code: string;
  status: string;
  opened_at: string;
  held_by_unit_name: string;
  masked_name: string;
}

export interface ReviewItem {
  id: string;
  status: 'pending' | 'same';
  decision: 'probable' | 'possible';
  score: number;
  evidence: Evidence[];
  case_a: CaseRef;
  case_b: CaseRef;
  detected_at: string;
}

interface Merge {
  id: string;
  surviving_case_id: string;
  absorbed_case_id: string;
}

function caseCell(c: CaseRef): HTMLElement {
  return h(
    'div',
    { class: 'review-case' },
    h('p', null, h('a', { href: casePath(c.id) }, h('bdi', { dir: 'ltr', class: 'code' }, c.reference_code))),
    h('p', null, c.masked_name ? h('bdi', null, c.masked_name) : tr('case.nameWithheld')),
    h('p', { class: 'hint' }, vlabel('case_status', c.status), ' — ', h('bdi', null, c.held_by_unit_name), ' — ', formatDateTime(c.opened_at)),
  );
}

export function reviewView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const list = h('div', null, loading());
  const unitId = actingMembership()?.unit_id ?? '';
  const page = h('section', { class: 'review' }, pageHeading('review.title'), h('p', { class: 'hint' }, tr('review.intro')), status.el, list);

  const refresh = async () => {
    try {
      const { items } = await api.get<{ items: ReviewItem[] }>(`/api/v1/duplicates/review?unit_id=${encodeURIComponent(unitId)}`);
      if (!ctx.live()) return;
      list.replaceChildren(items.length === 0 ? h('p', { class: 'empty' }, tr('review.none')) : h('ul', { class: 'plain', 'data-testid': 'review-list' }, items.map(row)));
      status.say(() => t('review.count', { count: formatNumber(items.length) }));
    } catch (err) {
      if (!ctx.live()) return;
      list.replaceChildren(err instanceof ApiError && err.status === 404 ? withheld() : loadError(err, () => void refresh()));
    }
  };

  const row = (item: ReviewItem): HTMLElement => {
    const reason = new Field({ name: 'reason', label: 'review.reason', hint: 'review.reasonHint', type: 'textarea', required: true, minLength: 3, maxLength: 1000 });
    const done = h('div', { 'aria-live': 'polite' });
    let choice: 'same' | 'different' = 'same';
    const form: Form = new Form({
      submit: 'review.confirm',
      attrs: { 'data-testid': 'review-form' },
      onSubmit: async () => {
        const why = reason.control.value.trim();
        if (choice === 'different') {
          await api.post('/api/v1/duplicates/decisions', { case_a: item.case_a.id, case_b: item.case_b.id, decision: 'different', reason: why, ...acting() });
          done.replaceChildren(h('p', null, tr('review.differentDone')));
        } else {
          const m = await api.post<Merge>(caseApi(item.case_a.id, '/merge'), { absorbed_case_id: item.case_b.id, reason: why, ...acting() });
          done.replaceChildren(h('p', null, tr('review.mergedDone', { code: item.case_b.reference_code, into: item.case_a.reference_code })), undoButton(m, done));
        }
        form.el.remove();
      },
    });
    const pick = h(
      'fieldset',
      { class: 'check-group' },
      h('legend', null, tr('review.question')),
      (['same', 'different'] as const).map((v) =>
        h(
          'div',
          { class: 'field field-check' },
          h('input', { type: 'radio', name: `choice-${item.id}`, id: `choice-${item.id}-${v}`, value: v, checked: v === 'same', onchange: () => (choice = v) }),
          h('label', { for: `choice-${item.id}-${v}` }, tr(`review.choice.${v}`, { code: item.case_b.reference_code, into: item.case_a.reference_code })),
        ),
      ),
    );
    form.body.append(pick);
    form.add(reason);
    return h(
      'li',
      { class: `dup-card dup-${item.decision}`, 'data-testid': 'review-item' },
      h('h2', null, tr(`dup.decision.${item.decision}`), item.status === 'same' ? [' — ', tr('review.confirmedSame')] : null),
      h('div', { class: 'review-pair' }, caseCell(item.case_a), caseCell(item.case_b)),
      h('p', null, tr('dup.why')),
      h('ul', { class: 'dup-evidence' }, item.evidence.filter((e) => e.agreement !== 'missing').map((e) => h('li', { class: `agree-${e.agreement}` }, evidenceText(e)))),
      form.el,
      done,
    );
  };

  const undoButton = (m: Merge, box: HTMLElement): HTMLElement => {
    const reason = new Field({ name: 'reason', label: 'review.undoReason', type: 'textarea', required: true, minLength: 3, maxLength: 1000 });
    const f: Form = new Form({
      submit: 'review.undo',
      attrs: { 'data-testid': 'unmerge-form' },
      onSubmit: async () => {
        await api.post(caseApi(m.surviving_case_id, '/unmerge'), { merge_id: m.id, reason: reason.control.value.trim(), ...acting() });
        box.replaceChildren(h('p', null, tr('review.undone')));
      },
    });
    f.add(reason);
    return f.el;
  };

  void refresh();
  return page;
}
