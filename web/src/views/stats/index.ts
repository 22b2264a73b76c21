// The commissions' statistics: counts of cases for an area and a period, broken down along one
// or two dimensions, as a bar chart and a table, with a CSV download in Arabic or French. The
// server withholds every small count and its complements (null): they show as "x", never as a
// number, and the chart draws them as hatched, empty bars.
import { api, withQuery, type Region } from '../../lib/api';
import { append, h } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { loadRegions, placeName } from '../../lib/reference';
import { type RouteContext } from '../../lib/router';
import { currentSession } from '../../lib/session';
import { formatNumber, locale, t, tr } from '../../i18n';
import { notice, pageHeading } from '../common';

export type Count = number | null;
export interface StatsCategory {
  key: string;
  count: Count;
}
export interface StatsResult {
  scope: string;
  period: string;
  threshold: number;
  total: Count;
  multi_valued: boolean;
  by: string | null;
  rows: StatsCategory[];
  by2: string | null;
  cols: StatsCategory[];
  cells: Count[][];
  cells_withheld: boolean;
}

export const DIMENSIONS = ['age_band', 'kind', 'form', 'gbv_type', 'relationship', 'channel', 'sector', 'status', 'close_reason', 'risk_level'] as const;

/** Who may see the statistics (the server decides; this only hides the menu entry). */
export function canReadStats(): boolean {
  return currentSession()?.user.memberships.some((m) => ['administrator', 'commission_member', 'unit_head'].includes(m.role)) ?? false;
}

/** The breakdowns one level down that an area and a period allow, then the category dimensions. */
export function breakdownsFor(scope: string, period: string): string[] {
  const out: string[] = [];
  if (scope === 'nation') out.push('region');
  else if (scope.startsWith('region:')) out.push('province');
  if (/^\d{4}$/.test(period)) out.push('quarter');
  else if (/^\d{4}-Q[1-4]$/.test(period)) out.push('month');
  return [...out, ...DIMENSIONS];
}

export function countText(c: Count): string {
  return c === null ? 'x' : formatNumber(c);
}

export function categoryLabel(by: string, key: string, regions: Region[]): string {
  if (key === 'unknown') return t('stats.unknown');
  if (by === 'region') {
    const r = regions.find((x) => String(x.code) === key);
    return r ? placeName(r) : key;
  }
  if (by === 'province') {
    for (const r of regions) {
      const p = r.provinces.find((x) => x.code === key);
      if (p) return placeName(p);
    }
    return key;
  }
  if (by === 'quarter' || by === 'month') return key;
  const prefix = by === 'sector' ? 'sector.' : by === 'gbv_type' ? 'case.v.gbv.' : by === 'status' ? 'stats.v.status.' : `case.v.${by}.`;
  return t(prefix + key);
}

/** Horizontal bars, one per category; withheld counts are hatched and labelled "x". */
export function barChart(r: StatsResult, regions: Region[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const rowH = 26;
  const labelW = 180;
  const barW = 320;
  const width = labelW + barW + 60;
  const height = rowH * r.rows.length + 8;
  const max = Math.max(1, ...r.rows.map((c) => c.count ?? 0));
  const rtl = locale() === 'ar';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'stats-chart');
  svg.setAttribute('direction', 'ltr'); // positions are computed for both directions below
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('stats.chartLabel', { dim: t(`stats.dim.${r.by}`) }));
  const defs = document.createElementNS(ns, 'defs');
  defs.innerHTML = '<pattern id="stats-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="2"/></pattern>';
  svg.append(defs);
  r.rows.forEach((c, i) => {
    const y = 4 + i * rowH;
    const text = (x: number, s: string, anchor: string) => {
      const el = document.createElementNS(ns, 'text');
      el.setAttribute('x', String(x));
      el.setAttribute('y', String(y + rowH / 2 + 4));
      el.setAttribute('text-anchor', anchor);
      el.textContent = s;
      return el;
    };
    const len = c.count === null ? barW * 0.08 : (barW * c.count) / max;
    const rect = document.createElementNS(ns, 'rect');
    const x0 = rtl ? width - labelW - len : labelW;
    rect.setAttribute('x', String(x0));
    rect.setAttribute('y', String(y + 3));
    rect.setAttribute('width', String(Math.max(len, c.count === 0 ? 0 : 2)));
    rect.setAttribute('height', String(rowH - 6));
    rect.setAttribute('class', c.count === null ? 'bar withheld' : 'bar');
    if (c.count === null) rect.setAttribute('fill', 'url(#stats-hatch)');
    svg.append(
      text(rtl ? width - 4 : labelW - 8, categoryLabel(r.by ?? '', c.key, regions), 'end'),
      rect,
      text(rtl ? x0 - 6 : x0 + len + 6, countText(c.count), rtl ? 'end' : 'start'),
    );
  });
  return svg;
}

export function statsTable(r: StatsResult, regions: Region[]): HTMLTableElement {
  const label = (by: string | null, key: string) => h('bdi', null, categoryLabel(by ?? '', key, regions));
  const num = (c: Count) => h('td', { class: c === null ? 'num withheld' : 'num', 'data-withheld': c === null ? 'true' : undefined }, countText(c), c === null ? h('span', { class: 'sr-only' }, ' ', tr('stats.withheld')) : null);
  if (!r.by2) {
    return h(
      'table',
      { class: 'table stats-table', 'data-testid': 'stats-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr(`stats.dim.${r.by}`)), h('th', { scope: 'col', class: 'num' }, tr('stats.cases')))),
      h('tbody', null, r.rows.map((c) => h('tr', null, h('th', { scope: 'row' }, label(r.by, c.key)), num(c.count)))),
      h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, tr('stats.total')), num(r.total))),
    );
  }
  return h(
    'table',
    { class: 'table stats-table', 'data-testid': 'stats-table' },
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, tr(`stats.dim.${r.by}`), ' / ', tr(`stats.dim.${r.by2}`)), r.cols.map((c) => h('th', { scope: 'col', class: 'num' }, label(r.by2, c.key))), h('th', { scope: 'col', class: 'num' }, tr('stats.total'))),
    ),
    h('tbody', null, r.rows.map((row, i) => h('tr', null, h('th', { scope: 'row' }, label(r.by, row.key)), (r.cells[i] ?? []).map(num), num(row.count)))),
    h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, tr('stats.total')), r.cols.map((c) => num(c.count)), num(r.total))),
  );
}

export function statsView(ctx: RouteContext): HTMLElement {
  const now = new Date();
  const status = notice();
  let threshold = 5;
  const intro = h('p', { class: 'lead' }, () => t('stats.intro', { k: threshold }));
  const results = h('div', { class: 'stats-results', 'aria-live': 'polite', 'data-testid': 'stats-results' });
  const scope = new Field({ name: 'scope', label: 'stats.scope', type: 'select', options: [{ value: 'nation', label: tr('stats.nation') }] });
  const kind = new Field({
    name: 'period_kind',
    label: 'stats.period',
    type: 'select',
    value: 'year',
    options: [
      { value: 'year', label: tr('stats.periodYear') },
      { value: 'quarter', label: tr('stats.periodQuarter') },
      { value: 'month', label: tr('stats.periodMonth') },
    ],
  });
  const year = new Field({ name: 'period', label: 'stats.periodYear', value: String(now.getUTCFullYear()), attrs: { inputmode: 'numeric', dir: 'ltr', maxlength: 4 } });
  const quarter = new Field({ name: 'quarter', label: 'stats.periodQuarter', type: 'select', value: String(Math.floor(now.getUTCMonth() / 3) + 1), options: [1, 2, 3, 4].map((q) => ({ value: String(q), label: `Q${q}` })) });
  const month = new Field({ name: 'month', label: 'stats.periodMonth', type: 'select', value: String(now.getUTCMonth() + 1).padStart(2, '0'), options: Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1).padStart(2, '0'), label: String(i + 1).padStart(2, '0') })) });
  const by = new Field({ name: 'by', label: 'stats.by', type: 'select', options: [] });
  const by2 = new Field({ name: 'by2', label: 'stats.by2', type: 'select', options: [] });
  let regions: Region[] = [];

  const period = () => {
    const y = year.value().trim();
    if (kind.value() === 'quarter') return `${y}-Q${quarter.value()}`;
    if (kind.value() === 'month') return `${y}-${month.value()}`;
    return y;
  };
  const fillBreakdowns = () => {
    const keep = by.value();
    const keep2 = by2.value();
    const allowed = breakdownsFor(scope.value(), period());
    (by.control as HTMLSelectElement).replaceChildren(h('option', { value: '' }, tr('stats.none')), ...allowed.map((d) => h('option', { value: d }, tr(`stats.dim.${d}`))));
    (by2.control as HTMLSelectElement).replaceChildren(h('option', { value: '' }, tr('stats.none')), ...DIMENSIONS.map((d) => h('option', { value: d }, tr(`stats.dim.${d}`))));
    by.control.value = allowed.includes(keep) ? keep : 'age_band';
    by2.control.value = keep2;
  };
  const showPeriodParts = () => {
    quarter.wrap.hidden = kind.value() !== 'quarter';
    month.wrap.hidden = kind.value() !== 'month';
    fillBreakdowns();
  };
  kind.control.addEventListener('change', showPeriodParts);
  scope.control.addEventListener('change', fillBreakdowns);

  const download = h('a', { class: 'btn', 'data-testid': 'stats-csv', hidden: true }, tr('stats.exportCsv'));
  const form: Form = new Form({
    submit: 'stats.show',
    attrs: { 'data-testid': 'stats-form' },
    onSubmit: async () => {
      const query = { scope: scope.value(), period: period(), by: by.value() || null, by2: (by.value() && by2.value()) || null };
      const r = await api.get<StatsResult>(withQuery('/api/v1/stats/cases', query));
      if (!ctx.live()) return;
      threshold = r.threshold;
      intro.replaceChildren(t('stats.intro', { k: threshold }));
      download.setAttribute('href', withQuery('/api/v1/stats/cases.csv', { ...query, lang: locale() === 'ar' ? 'ar' : 'fr' }));
      download.setAttribute('download', `tamkine-stats-${query.period}.csv`);
      download.hidden = false;
      results.replaceChildren();
      append(
        results,
        h('p', { class: 'stats-total', 'data-testid': 'stats-total' }, tr('stats.total'), ': ', h('strong', null, countText(r.total))),
        r.multi_valued ? h('p', { class: 'hint' }, tr('stats.multiNote')) : null,
        r.cells_withheld ? h('p', { class: 'hint' }, tr('stats.cellsWithheld')) : null,
        r.by && !r.by2 ? barChart(r, regions) : null,
        r.by ? statsTable(r, regions) : null,
        h('p', { class: 'hint' }, tr('stats.legend'), ' ', formatNumber(r.threshold)),
      );
      status.say(null);
    },
  });
  form.add(scope, kind, year, quarter, month, by, by2);
  showPeriodParts();
  void (async () => {
    try {
      regions = await loadRegions();
    } catch {
      regions = [];
    }
    if (!ctx.live()) return;
    const sel = scope.control as HTMLSelectElement;
    sel.replaceChildren(
      h('option', { value: 'nation' }, tr('stats.nation')),
      ...regions.map((r) =>
        h('optgroup', { label: placeName(r) }, h('option', { value: `region:${r.code}` }, () => placeName(r)), r.provinces.map((p) => h('option', { value: `province:${p.code}` }, () => `— ${placeName(p)}`))),
      ),
    );
    const home = currentSession()?.user.memberships[0]?.region_code;
    if (home) sel.value = `region:${home}`;
    fillBreakdowns();
  })();
  return h(
    'section',
    { class: 'stats' },
    pageHeading('stats.title'),
    intro,
    form.el,
    h('p', { class: 'actions' }, download),
    status.el,
    results,
  );
}
