// "Where to go now": the public directory for a woman or a child looking for help, in plain words.
// No account; the province and need she picks stay in the page (not in the address, not in the
// browser's storage); quick exit is in the frame (frame.ts). A shelter's address never appears.
import { api, withQuery, type Region } from '../../lib/api';
import { h, icon } from '../../lib/dom';
import { loadRegions, placeName } from '../../lib/reference';
import { t, tr } from '../../i18n';
import { loadError, loading, pageHeading } from '../common';
import { ICONS } from '../icons';
import type { OpeningHours, PublicService } from './types';

/** Needs a person can name, each mapped to one service offered. */
const NEEDS = ['listening', 'medical_certificate', 'complaint', 'shelter', 'legal_aid', 'child_protection'] as const;

/** "Monday–Friday 08:30–16:30" from blocks of days; consecutive days are joined with a dash. */
export function hoursText(hours: OpeningHours[], open24h: boolean): string {
  if (open24h) return t('public.where.open24h');
  const order = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
  return hours
    .map((b) => {
      const idx = b.days.map((d) => order.indexOf(d)).sort((x, y) => x - y);
      const consecutive = idx.length > 2 && idx.every((v, i) => i === 0 || v === idx[i - 1] + 1);
      const day = (i: number) => t(`public.where.day.${order[i]}`);
      const days = consecutive ? `${day(idx[0])}–${day(idx[idx.length - 1])}` : idx.map(day).join(', ');
      return `${days} ${b.opens}–${b.closes}`;
    })
    .join(' · ');
}

function serviceCard(s: PublicService): HTMLElement {
  return h(
    'section',
    { class: 'card directory-card', 'data-testid': 'where-card' },
    h('div', { class: 'card-icon' }, icon(s.services.includes('shelter') ? ICONS.shield : ICONS.phone, 'icon icon-lg')),
    h(
      'div',
      { class: 'card-body' },
      h('h2', null, h('bdi', null, s.name)),
      h('p', { class: 'muted' }, h('bdi', null, s.unit_name)),
      h('p', null, () => s.services.map((k) => t(`public.where.service.${k}`)).join(' · ')),
      h('p', { 'data-testid': 'where-hours' }, () => hoursText(s.hours, s.open_24h)),
      s.address || s.commune ? h('p', null, h('bdi', null, [s.address, s.commune].filter(Boolean).join(', '))) : null,
      s.has_space === true ? h('p', { class: 'ok', 'data-testid': 'has-space' }, tr('public.where.hasSpace')) : null,
      s.has_space === false ? h('p', { class: 'warn', 'data-testid': 'no-space' }, tr('public.where.full')) : null,
      s.free_of_charge ? h('p', null, tr('public.where.free')) : null,
      s.languages.length > 0
        ? h('p', null, tr('public.where.languages'), ' ', () => s.languages.map((l) => t(`public.where.lang.${l}`)).join(', '))
        : null,
      h(
        'div',
        { class: 'calls' },
        s.phones.map((p) =>
          h('a', { href: `tel:${p}`, class: 'call', 'data-external': '' }, icon(ICONS.phone), h('span', { class: 'call-number', dir: 'ltr' }, p)),
        ),
      ),
    ),
  );
}

export function whereToGoView(): HTMLElement {
  const results = h('div', { class: 'cards', 'aria-live': 'polite', 'data-testid': 'where-results' });
  const province = h('select', { id: 'where-province', name: 'province_code', 'data-testid': 'where-province' });
  const need = h(
    'select',
    { id: 'where-need', name: 'service', 'data-testid': 'where-need' },
    h('option', { value: '' }, tr('public.where.anyNeed')),
    NEEDS.map((n) => h('option', { value: n }, tr(`public.where.service.${n}`))),
  );
  let seq = 0;
  const refresh = async () => {
    const mine = ++seq;
    if (!province.value) {
      results.replaceChildren(h('p', null, tr('public.where.pickProvince')));
      return;
    }
    results.replaceChildren(loading());
    try {
      const { items } = await api.get<{ items: PublicService[] }>(
        withQuery('/api/v1/public/directory', { province_code: province.value, service: need.value }),
      );
      if (mine !== seq) return;
      results.replaceChildren(...(items.length ? items.map(serviceCard) : [h('p', { class: 'empty' }, tr('public.where.none'))]));
    } catch (err) {
      if (mine === seq) results.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  province.addEventListener('change', () => void refresh());
  need.addEventListener('change', () => void refresh());
  void (async () => {
    let regions: Region[] = [];
    try {
      regions = await loadRegions();
    } catch {
      regions = [];
    }
    province.replaceChildren(
      h('option', { value: '' }, tr('public.where.chooseProvince')),
      ...regions.map((r) => h('optgroup', { label: placeName(r) }, r.provinces.map((p) => h('option', { value: p.code }, () => placeName(p))))),
    );
    await refresh();
  })();
  return h(
    'article',
    { class: 'public-where' },
    pageHeading('public.where.title'),
    h('p', { class: 'lead' }, tr('public.where.intro')),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'where-province' }, tr('public.where.province')), province),
      h('div', { class: 'field' }, h('label', { for: 'where-need' }, tr('public.where.need')), need),
    ),
    results,
    h('p', null, h('a', { href: '/help' }, tr('public.where.danger'))),
  );
}
