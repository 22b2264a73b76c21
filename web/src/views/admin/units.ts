// Units: the list (filtered by region, province and sector) and the create/edit form.
import { api, withQuery, type Region, type Unit } from '../../lib/api';
import { h, type Live } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { findProvince, loadRegions, placeName, SECTORS, sectorLabel } from '../../lib/reference';
import { navigate, type RouteContext } from '../../lib/router';
import { checkEmail, checkLength, checkPhone } from '../../lib/validate';
import { formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice } from '../common';
import { adminPage } from './layout';

/** One-shot message carried to the next page ("Unit saved"). */
let flash: Live | null = null;
export function setFlash(msg: Live): void {
  flash = msg;
}
export function takeFlash(): Live | null {
  const f = flash;
  flash = null;
  return f;
}

function regionOptions(rs: Region[], allKey: string) {
  return [{ value: '', label: tr(allKey) }, ...rs.map((r) => ({ value: String(r.code), label: () => placeName(r) }))];
}

function provinceOptions(rs: Region[], regionCode: string, allKey: string) {
  const list = rs.filter((r) => regionCode === '' || String(r.code) === regionCode).flatMap((r) => r.provinces);
  return [{ value: '', label: tr(allKey) }, ...list.map((p) => ({ value: p.code, label: () => placeName(p) }))];
}

function fillSelect(sel: HTMLSelectElement, options: { value: string; label: Live | string }[], value: string): void {
  sel.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
  sel.value = options.some((o) => o.value === value) ? value : '';
}

export function unitsListView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const list = h('div', null, loading());
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': tr('admin.units.filters') });
  const page = adminPage(
    'units',
    'admin.units',
    h('p', null, h('a', { href: '/admin/units/new', class: 'btn btn-primary', 'data-testid': 'new-unit' }, tr('admin.units.new'))),
    filters,
    status.el,
    list,
  );
  const msg = takeFlash();
  if (msg) status.say(msg);

  const q = ctx.query;
  const region = new Field({ name: 'region_code', label: 'field.region', type: 'select', options: [] });
  const province = new Field({ name: 'province_code', label: 'field.province', type: 'select', options: [] });
  const sector = new Field({
    name: 'sector',
    label: 'field.sector',
    type: 'select',
    value: q.get('sector') ?? '',
    options: [{ value: '', label: tr('filter.allSectors') }, ...SECTORS.map((s) => ({ value: s, label: sectorLabel(s) }))],
  });
  filters.append(region.wrap, province.wrap, sector.wrap);
  filters.addEventListener('submit', (e) => e.preventDefault());

  let regions: Region[] = [];
  const refresh = async () => {
    const params = {
      region_code: region.control.value,
      province_code: province.control.value,
      sector: sector.control.value,
    };
    // Keep the filter in the address, so reload and "back" keep it.
    history.replaceState(null, '', withQuery('/admin/units', params));
    list.replaceChildren(loading());
    try {
      const { items } = await api.get<{ items: Unit[] }>(withQuery('/api/v1/units', params));
      if (!ctx.live()) return;
      list.replaceChildren(unitsTable(items, regions));
      status.say(() => t('admin.units.count', { count: formatNumber(items.length) }));
    } catch (err) {
      if (ctx.live()) list.replaceChildren(loadError(err, () => void refresh()));
    }
  };

  region.control.addEventListener('change', () => {
    fillSelect(province.control as HTMLSelectElement, provinceOptions(regions, region.control.value, 'filter.allProvinces'), '');
    void refresh();
  });
  province.control.addEventListener('change', () => void refresh());
  sector.control.addEventListener('change', () => void refresh());

  void (async () => {
    try {
      regions = await loadRegions();
    } catch {
      regions = []; // filters by place unavailable; the list still loads
    }
    if (!ctx.live()) return;
    fillSelect(region.control as HTMLSelectElement, regionOptions(regions, 'filter.allRegions'), q.get('region_code') ?? '');
    fillSelect(
      province.control as HTMLSelectElement,
      provinceOptions(regions, region.control.value, 'filter.allProvinces'),
      q.get('province_code') ?? '',
    );
    await refresh();
  })();
  return page;
}

function unitsTable(items: Unit[], regions: Region[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('admin.units.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'units-table' },
    h('caption', { class: 'sr-only' }, tr('admin.units')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['field.name', 'field.sector', 'field.province', 'field.region', 'field.status', 'common.actions'].map((k) =>
          h('th', { scope: 'col' }, tr(k)),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      items.map((u) => {
        const place = findProvince(regions, u.province_code);
        return h(
          'tr',
          null,
          h('td', null, u.name),
          h('td', null, sectorLabel(u.sector)),
          h('td', null, place ? () => placeName(place.province) : u.province_code),
          h('td', null, place ? () => placeName(place.region) : String(u.region_code)),
          h('td', null, u.active ? tr('status.active') : tr('status.inactive')),
          h(
            'td',
            null,
            h(
              'a',
              { href: `/admin/units/${encodeURIComponent(u.id)}` },
              tr('common.edit'),
              h('span', { class: 'sr-only' }, `: ${u.name}`),
            ),
          ),
        );
      }),
    ),
  );
}

/** Create (no id) or edit a unit. Sector and place are fixed once created. */
export function unitFormView(ctx: RouteContext, id: string | null): HTMLElement {
  const body = h('div', null, loading());
  const page = adminPage('units', id ? 'admin.units.edit' : 'admin.units.new', body);

  const build = async () => {
    let regions: Region[] = [];
    let unit: Unit | null = null;
    try {
      [regions, unit] = await Promise.all([
        loadRegions(),
        id ? api.get<Unit>(`/api/v1/units/${encodeURIComponent(id)}`) : Promise.resolve(null),
      ]);
    } catch (err) {
      if (ctx.live()) body.replaceChildren(loadError(err, () => void build()));
      return;
    }
    if (!ctx.live()) return;

    const name = new Field({ name: 'name', label: 'field.name', required: true, minLength: 2, maxLength: 200, value: unit?.name });
    const address = new Field({ name: 'address', label: 'field.address', type: 'textarea', maxLength: 500, value: unit?.address ?? '', check: (v) => checkLength(v, 1, 500) });
    const phone = new Field({ name: 'phone', label: 'field.phone', type: 'tel', hint: 'hint.phone', maxLength: 40, value: unit?.phone ?? '', check: checkPhone, attrs: { dir: 'ltr', autocomplete: 'off' } });
    const email = new Field({ name: 'email', label: 'field.email', type: 'email', maxLength: 254, value: unit?.email ?? '', check: checkEmail, attrs: { dir: 'ltr', autocomplete: 'off' } });

    let form: Form;
    if (unit) {
      const u = unit;
      const place = findProvince(regions, u.province_code);
      const active = new Field({ name: 'active', label: 'field.activeUnit', type: 'checkbox', checked: u.active });
      form = new Form({
        submit: 'common.save',
        attrs: { 'data-testid': 'unit-form' },
        onSubmit: async () => {
          const patch: Record<string, unknown> = {};
          const opt = (f: Field, old: string | null) => {
            const v = f.value();
            if (v !== (old ?? '')) patch[f.opts.name] = v === '' ? null : v;
          };
          if (name.value() !== u.name) patch.name = name.value();
          opt(address, u.address);
          opt(phone, u.phone);
          opt(email, u.email);
          if (active.checked() !== u.active) patch.active = active.checked();
          if (Object.keys(patch).length > 0) await api.patch<Unit>(`/api/v1/units/${encodeURIComponent(u.id)}`, patch);
          setFlash(tr('admin.units.saved', { name: name.value() }));
          await navigate('/admin/units');
        },
      });
      form.body.append(
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, tr('field.sector')),
          h('dd', null, sectorLabel(u.sector)),
          h('dt', null, tr('field.province')),
          h('dd', null, place ? () => `${placeName(place.province)} — ${placeName(place.region)}` : u.province_code),
        ),
      );
      form.add(name, address, phone, email, active);
    } else {
      const sector = new Field({
        name: 'sector',
        label: 'field.sector',
        type: 'select',
        required: true,
        options: [{ value: '', label: tr('common.choose') }, ...SECTORS.map((s) => ({ value: s, label: sectorLabel(s) }))],
      });
      const region = new Field({ name: 'region_code', label: 'field.region', type: 'select', required: true, options: regionOptions(regions, 'common.choose') });
      const province = new Field({ name: 'province_code', label: 'field.province', type: 'select', required: true, options: provinceOptions(regions, '', 'common.choose') });
      region.control.addEventListener('change', () =>
        fillSelect(province.control as HTMLSelectElement, provinceOptions(regions, region.control.value, 'common.choose'), ''),
      );
      province.control.addEventListener('change', () => {
        // Choosing a province first fills in its region.
        const p = findProvince(regions, province.control.value);
        if (p && region.control.value !== String(p.region.code)) {
          region.control.value = String(p.region.code);
          fillSelect(province.control as HTMLSelectElement, provinceOptions(regions, region.control.value, 'common.choose'), p.province.code);
        }
      });
      form = new Form({
        submit: 'admin.units.create',
        attrs: { 'data-testid': 'unit-form' },
        onSubmit: async () => {
          const body: Record<string, unknown> = {
            name: name.value(),
            sector: sector.value(),
            region_code: Number(region.value()),
            province_code: province.value(),
          };
          for (const f of [address, phone, email]) if (f.value() !== '') body[f.opts.name] = f.value();
          const created = await api.post<Unit>('/api/v1/units', body);
          setFlash(tr('admin.units.created', { name: created.name }));
          await navigate('/admin/units');
        },
      });
      form.add(name, sector, region, province, address, phone, email);
    }
    body.replaceChildren(
      h('p', { class: 'hint' }, tr('common.requiredNote')),
      form.el,
      h('p', null, h('a', { href: '/admin/units' }, tr('common.backToList'))),
    );
  };
  void build();
  return page;
}

