import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../i18n';
import fr from '../../i18n/fr.json';
import { barChart, breakdownsFor, statsTable, type StatsResult } from '.';

const regions = [{ code: 3, name_fr: 'Fès-Meknès', name_ar: 'فاس مكناس', provinces: [{ code: '03.01', name_fr: 'Fès', name_ar: 'فاس', kind: 'prefecture' }] }];

const oneWay: StatsResult = {
  scope: 'region:3',
  period: '2026-Q3',
  threshold: 5,
  total: 35,
  multi_valued: false,
  by: 'age_band',
  rows: [
    { key: '18-29', count: 20 },
    { key: '30-44', count: null },
    { key: '60+', count: null },
    { key: 'unknown', count: 0 },
  ],
  by2: null,
  cols: [],
  cells: [],
  cells_withheld: false,
};

beforeEach(async () => {
  await setLocale('fr');
});

describe('statistics', () => {
  it('offers geography and time only one level down', () => {
    expect(breakdownsFor('nation', '2026').slice(0, 2)).toEqual(['region', 'quarter']);
    expect(breakdownsFor('region:3', '2026-Q3').slice(0, 2)).toEqual(['province', 'month']);
    expect(breakdownsFor('province:03.01', '2026-07')[0]).toBe('age_band');
  });

  it('shows withheld counts as x, never as a number, with a spoken "withheld"', () => {
    const table = statsTable(oneWay, regions);
    const cells = [...table.querySelectorAll('tbody td')].map((td) => td.textContent);
    expect(cells).toEqual(['20', `x ${fr['stats.withheld']}`, `x ${fr['stats.withheld']}`, '0']);
    expect(table.querySelector('tbody th')?.textContent).toBe(fr['case.v.age_band.18-29']);
    expect(table.querySelector('tbody tr:last-child th')?.textContent).toBe(fr['stats.unknown']);
    expect(table.querySelector('tfoot td')?.textContent).toBe('35');
  });

  it('draws withheld bars hatched and labelled x', () => {
    const svg = barChart(oneWay, regions);
    const bars = [...svg.querySelectorAll('rect')];
    expect(bars.map((b) => b.getAttribute('class'))).toEqual(['bar', 'bar withheld', 'bar withheld', 'bar']);
    expect([...svg.querySelectorAll('text')].map((t) => t.textContent)).toContain('x');
  });

  it('lays out a cross-tabulation with totals on both sides', () => {
    const two: StatsResult = {
      ...oneWay,
      by: 'province',
      rows: [{ key: '03.01', count: 35 }],
      by2: 'kind',
      cols: [
        { key: 'adult', count: 30 },
        { key: 'child', count: 5 },
      ],
      cells: [[30, 5]],
    };
    const table = statsTable(two, regions);
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      `${fr['stats.dim.province']} / ${fr['stats.dim.kind']}`,
      fr['case.v.kind.adult'],
      fr['case.v.kind.child'],
      fr['stats.total'],
    ]);
    expect(table.querySelector('tbody th')?.textContent).toBe('Fès');
    expect([...table.querySelectorAll('tfoot td')].map((td) => td.textContent)).toEqual(['30', '5', '35']);
  });
});
