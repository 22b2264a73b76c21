// Case list and search: by reference code, status, unit, dates, form of violence; by name only
// for the roles the server allows (it answers 403 otherwise and the screen says the search is
// withheld). Names are masked in every list; the full identity is only on the case page.
import { api, ApiError, withQuery, type Unit } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { hasRole } from '../../lib/session';
import type { RouteContext } from '../../lib/router';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading, withheld } from '../common';
import { casePath, loadVocabulary, statusLabel, vlabel, type CaseList, type CaseListItem } from './model';

/** Roles the server lets search by name (cases.md, "search by name"). */
export const NAME_SEARCH_ROLES = ['unit_head', 'officer', 'prosecutor', 'social_worker', 'doctor'];

const FILTERS = ['reference_code', 'status', 'unit_id', 'form', 'from', 'to'] as const;

export function casesTable(items: CaseListItem[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('case.list.none'));
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table', 'data-testid': 'cases-table' },
      h('caption', { class: 'sr-only' }, tr('case.list.title')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['case.field.reference', 'case.field.name', 'case.field.status', 'case.field.service', 'case.field.justice', 'case.field.holder', 'case.field.opened', 'case.field.risk'].map((k) =>
            h('th', { scope: 'col' }, tr(k)),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((c) =>
          h(
            'tr',
            { 'data-reference': c.reference_code },
            h('td', null, h('a', { href: casePath(c.id) }, h('bdi', { dir: 'ltr', class: 'code' }, c.reference_code))),
            h('td', null, c.masked_name ? h('bdi', null, c.masked_name) : h('span', { class: 'muted' }, tr('case.nameWithheld'))),
            h('td', null, vlabel('case_status', c.status), c.kind === 'child' ? h('span', { class: 'tag' }, ' ', tr('case.v.kind.child')) : null),
            h('td', null, statusLabel(c.tracks.service.track, c.tracks.service.status)),
            h('td', null, statusLabel('justice', c.tracks.justice.status)),
            h('td', null, h('bdi', null, c.holder.name)),
            h('td', null, formatDateTime(c.created_at)),
            h('td', null, h('span', { class: `risk risk-${c.risk_level}` }, vlabel('risk_level', c.risk_level))),
          ),
        ),
      ),
    ),
  );
}

export function casesListView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const results = h('div', { 'data-testid': 'case-results' }, loading());
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, tr('case.list.more'));
  const page = h(
    'section',
    { class: 'cases' },
    pageHeading('case.list.title'),
    h('p', null, h('a', { href: '/cases/new', class: 'btn btn-primary', 'data-testid': 'new-intake' }, tr('intake.start')), ' ', h('a', { href: '/cases/duplicates', class: 'btn', 'data-testid': 'review-link' }, tr('review.title'))),
  );

  const reference = new Field({ name: 'reference_code', label: 'case.field.reference', maxLength: 40, attrs: { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' } });
  const statusF = new Field({ name: 'status', label: 'case.field.status', type: 'select', options: [{ value: '', label: tr('case.filter.any') }, { value: 'open', label: vlabel('case_status', 'open') }, { value: 'closed', label: vlabel('case_status', 'closed') }] });
  const unit = new Field({ name: 'unit_id', label: 'field.unit', type: 'select', options: [{ value: '', label: tr('filter.allUnits') }] });
  const form = new Field({ name: 'form', label: 'case.field.form', type: 'select', options: [{ value: '', label: tr('case.filter.any') }] });
  const from = new Field({ name: 'from', label: 'case.filter.from', type: 'date' });
  const to = new Field({ name: 'to', label: 'case.filter.to', type: 'date' });
  const fields = { reference_code: reference, status: statusF, unit_id: unit, form, from, to };
  for (const k of FILTERS) fields[k].control.value = ctx.query.get(k) ?? '';

  let offset = 0;
  let shown: CaseListItem[] = [];
  const params = () => Object.fromEntries(FILTERS.map((k) => [k, fields[k].value()]));
  const search = async (append: boolean) => {
    const p = params();
    if (!append) {
      offset = 0;
      shown = [];
      history.replaceState(null, '', withQuery('/cases', p));
      results.replaceChildren(loading());
    }
    more.hidden = true;
    try {
      const list = await api.get<CaseList>(withQuery('/api/v1/cases', { ...p, offset: offset || null, limit: 50 }));
      if (!ctx.live()) return;
      shown = shown.concat(list.items);
      results.replaceChildren(casesTable(shown));
      status.say(() => t('case.list.count', { count: formatNumber(shown.length) }));
      if (list.next_offset !== null) {
        offset = list.next_offset;
        more.hidden = false;
      }
    } catch (err) {
      if (ctx.live()) results.replaceChildren(loadError(err, () => void search(false)));
    }
  };
  more.addEventListener('click', () => void search(true));

  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': tr('case.list.filters'), onsubmit: (e: Event) => { e.preventDefault(); void search(false); } },
    FILTERS.map((k) => fields[k].wrap),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'case-search' }, tr('case.list.search'))),
  );
  for (const k of ['status', 'unit_id', 'form'] as const) fields[k].control.addEventListener('change', () => void search(false));
  page.append(filters);

  // Search by name: offered to the roles the server allows; a 403 still says "withheld".
  if (NAME_SEARCH_ROLES.some(hasRole)) page.append(nameSearch(results, status.say));
  else page.append(h('p', { class: 'hint', 'data-testid': 'name-search-withheld' }, tr('case.nameSearch.notForRole')));
  page.append(status.el, results, more);

  void (async () => {
    try {
      const [units, v] = await Promise.all([api.get<{ items: Unit[] }>('/api/v1/units'), loadVocabulary()]);
      if (!ctx.live()) return;
      unit.control.append(...units.items.map((u) => h('option', { value: u.id }, u.name)));
      form.control.append(...v.violence_forms.map((f) => h('option', { value: f }, vlabel('form', f))));
      for (const k of ['unit_id', 'form'] as const) fields[k].control.value = ctx.query.get(k) ?? '';
    } catch {
      // the filters still work without the unit and form lists
    }
    await search(false);
  })();
  return page;
}

function nameSearch(results: HTMLElement, say: (m: () => string) => void): HTMLElement {
  const name = new Field({ name: 'name', label: 'case.nameSearch.label', hint: 'case.nameSearch.hint', required: true, minLength: 2, maxLength: 200, attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const f: Form = new Form({
    submit: 'case.nameSearch.submit',
    attrs: { class: 'name-search', role: 'search', 'aria-label': tr('case.nameSearch.label'), 'data-testid': 'name-search' },
    onSubmit: async () => {
      try {
        const list = await api.post<CaseList>('/api/v1/cases/name-search', { name: name.value(), limit: 50 });
        results.replaceChildren(casesTable(list.items));
        say(() => t('case.list.count', { count: formatNumber(list.items.length) }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) {
          results.replaceChildren(withheld());
          return;
        }
        throw err;
      }
    },
  });
  f.add(name);
  return f.el;
}
