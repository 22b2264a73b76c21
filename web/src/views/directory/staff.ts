// Staff screens of the directory: the services of the units (edit, publish or withdraw, export
// HSDS), a service's form, shelters' occupancy (admit, exit) and find a bed. The server decides
// who may do what (unit heads and administrators edit; the shelter's staff admit); a refusal
// shows as the form's message.
import { api, ApiError, withQuery, type Region, type Unit } from '../../lib/api';
import { h, type Child } from '../../lib/dom';
import { Field, Form, messageFor } from '../../lib/forms';
import { loadRegions, placeName } from '../../lib/reference';
import { navigate, type RouteContext } from '../../lib/router';
import { currentSession, isAdministrator } from '../../lib/session';
import { formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading } from '../common';
import { hoursText } from './public';
import { DAYS, LANGUAGES, SERVICE_KINDS, type DirectoryService } from './types';

type Tab = 'services' | 'shelters' | 'find-bed';

export function directoryPage(tab: Tab, titleKey: string, ...content: Child[]): HTMLElement {
  const tabs: [Tab, string, string][] = [
    ['services', '/directory', 'dir.services'],
    ['shelters', '/directory/shelters', 'dir.shelters'],
    ['find-bed', '/directory/find-bed', 'dir.findBed'],
  ];
  return h(
    'div',
    { class: 'directory' },
    h(
      'nav',
      { class: 'sub-nav', 'aria-label': tr('dir.nav') },
      h('ul', null, tabs.map(([k, href, key]) => h('li', null, h('a', { href, 'aria-current': k === tab ? 'page' : undefined }, tr(key))))),
    ),
    pageHeading(titleKey),
    ...content,
  );
}

const myUnitIds = () => new Set(currentSession()?.user.memberships.map((m) => m.unit_id) ?? []);
const headOf = (unitId: string) =>
  isAdministrator() || (currentSession()?.user.memberships.some((m) => m.unit_id === unitId && m.role === 'unit_head') ?? false);

// --- the list -------------------------------------------------------------------------------

export function directoryListView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const list = h('div', null, loading());
  const mineOnly = h('input', { type: 'checkbox', id: 'dir-mine', checked: !isAdministrator(), 'data-testid': 'dir-mine' });
  const refresh = async () => {
    list.replaceChildren(loading());
    try {
      const { items } = await api.get<{ items: DirectoryService[] }>('/api/v1/directory/services');
      if (!ctx.live()) return;
      const mine = myUnitIds();
      const shown = mineOnly.checked ? items.filter((s) => mine.has(s.unit_id)) : items;
      list.replaceChildren(servicesTable(shown, status.say, refresh));
      status.say(() => t('dir.count', { count: formatNumber(shown.length) }));
    } catch (err) {
      if (ctx.live()) list.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  mineOnly.addEventListener('change', () => void refresh());
  void refresh();
  const importer = isAdministrator() ? hsdsImport(status.say, refresh) : null;
  return directoryPage(
    'services',
    'dir.services',
    h(
      'p',
      { class: 'actions' },
      h('a', { href: '/directory/new', class: 'btn btn-primary', 'data-testid': 'dir-new' }, tr('dir.new')),
      ' ',
      h('a', { href: '/api/v1/directory/hsds', class: 'btn', download: 'tamkine-directory-hsds.json', 'data-testid': 'dir-export' }, tr('dir.export')),
    ),
    importer,
    h('p', null, mineOnly, ' ', h('label', { for: 'dir-mine' }, tr('dir.mineOnly'))),
    status.el,
    list,
  );
}

/** Administrators: import an HSDS 3.0 file (all or nothing; the first error names its JSON path). */
function hsdsImport(say: (m: Child) => void, refresh: () => Promise<void>): HTMLElement {
  const file = new Field({ name: 'hsds', label: 'dir.import.file', hint: 'dir.import.hint', type: 'file', attrs: { accept: 'application/json,.json' } });
  const form: Form = new Form({
    submit: 'dir.import.submit',
    attrs: { 'data-testid': 'hsds-form' },
    onSubmit: async () => {
      const f = (file.control as HTMLInputElement).files?.[0];
      if (!f) {
        file.setError(tr('dir.import.none'));
        return;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(await f.text());
      } catch {
        file.setError(tr('dir.import.notJson'));
        return;
      }
      try {
        const r = await api.post<{ organizations_created: number; services_created: number; services_updated: number }>('/api/v1/directory/hsds', doc);
        say(() => t('dir.import.done', { created: formatNumber(r.services_created), updated: formatNumber(r.services_updated), units: formatNumber(r.organizations_created) }));
        await refresh();
      } catch (err) {
        if (err instanceof ApiError && err.field) file.setError(() => `${err.field}: ${err.message}`);
        else throw err;
      }
    },
  });
  form.add(file);
  return h('details', { class: 'hsds-import' }, h('summary', null, tr('dir.import.title')), form.el);
}

function servicesTable(items: DirectoryService[], say: (m: Child) => void, refresh: () => Promise<void>): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('dir.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'dir-table' },
    h('thead', null, h('tr', null, ['dir.col.name', 'dir.col.unit', 'dir.col.services', 'dir.col.hours', 'dir.col.state', 'dir.col.actions'].map((k) => h('th', { scope: 'col' }, tr(k))))),
    h(
      'tbody',
      null,
      items.map((s) => {
        const can = headOf(s.unit_id);
        const publish = async (body: { published: boolean; publish_availability?: boolean }, done: string) => {
          try {
            await api.post(`/api/v1/directory/services/${encodeURIComponent(s.id)}/publication`, body);
            say(tr(done));
            await refresh();
          } catch (err) {
            say(messageFor(err));
          }
        };
        const toggle = () => publish({ published: !s.published }, s.published ? 'dir.withdrawn' : 'dir.publishedNow');
        const availability = s.shelter?.publish_availability ?? false;
        const toggleRoom = () =>
          publish({ published: s.published, publish_availability: !availability }, availability ? 'dir.roomHidden' : 'dir.roomShown');
        return h(
          'tr',
          { 'data-service': s.name },
          h('td', null, h('bdi', null, s.name)),
          h('td', null, h('bdi', null, s.unit_name)),
          h('td', null, () => s.services.map((k) => t(`public.where.service.${k}`)).join(', ')),
          h('td', null, () => hoursText(s.hours, s.open_24h)),
          h('td', null, tr(s.published ? 'dir.published' : 'dir.draft')),
          h(
            'td',
            null,
            can ? h('a', { href: `/directory/services/${encodeURIComponent(s.id)}`, class: 'btn btn-quiet' }, tr('dir.edit')) : null,
            can
              ? h('button', { type: 'button', class: 'btn btn-quiet', 'data-testid': 'dir-publish', onclick: () => void toggle() }, tr(s.published ? 'dir.withdraw' : 'dir.publish'))
              : null,
            can && s.shelter
              ? h(
                  'button',
                  { type: 'button', class: 'btn btn-quiet', 'data-testid': 'dir-room', onclick: () => void toggleRoom() },
                  tr(availability ? 'dir.hideRoom' : 'dir.showRoom'),
                )
              : null,
          ),
        );
      }),
    ),
  );
}

// --- the form -------------------------------------------------------------------------------

function multi(name: string, label: string, values: readonly string[], labelPrefix: string, chosen: string[]): Field {
  const f = new Field({ name, label, type: 'select', options: values.map((v) => ({ value: v, label: tr(`${labelPrefix}${v}`) })), attrs: { multiple: true, size: Math.min(values.length, 7) } });
  for (const o of Array.from((f.control as HTMLSelectElement).options)) o.selected = chosen.includes(o.value);
  return f;
}
const picked = (f: Field) => Array.from((f.control as HTMLSelectElement).selectedOptions).map((o) => o.value);

export function serviceFormView(ctx: RouteContext, id: string | null): HTMLElement {
  const holder = h('div', null, loading());
  const page = directoryPage('services', id ? 'dir.editTitle' : 'dir.newTitle', holder);
  void (async () => {
    try {
      const svc = id ? await api.get<DirectoryService>(`/api/v1/directory/services/${encodeURIComponent(id)}`) : null;
      let units: { id: string; name: string }[] = [];
      if (!id) {
        if (isAdministrator()) units = (await api.get<{ items: Unit[] }>('/api/v1/units')).items;
        else units = (currentSession()?.user.memberships ?? []).filter((m) => m.role === 'unit_head').map((m) => ({ id: m.unit_id, name: m.unit_name }));
      }
      if (ctx.live()) holder.replaceChildren(serviceForm(svc, units));
    } catch (err) {
      if (ctx.live()) holder.replaceChildren(loadError(err));
    }
  })();
  return page;
}

function serviceForm(svc: DirectoryService | null, units: { id: string; name: string }[]): HTMLElement {
  const block = svc?.hours[0];
  const fields = {
    unit: svc ? null : new Field({ name: 'unit_id', label: 'dir.field.unit', type: 'select', required: true, options: units.map((u) => ({ value: u.id, label: u.name })) }),
    name: new Field({ name: 'name', label: 'dir.field.name', required: true, maxLength: 200, value: svc?.name }),
    description: new Field({ name: 'description', label: 'dir.field.description', type: 'textarea', maxLength: 2000, value: svc?.description ?? '' }),
    commune: new Field({ name: 'commune', label: 'dir.field.commune', maxLength: 200, value: svc?.commune ?? '' }),
    address: new Field({ name: 'address', label: 'dir.field.address', maxLength: 500, value: svc?.address ?? '' }),
    phones: new Field({ name: 'phones', label: 'dir.field.phones', hint: 'dir.field.phonesHint', type: 'tel', value: svc?.phones.join(', ') ?? '' }),
    open24: new Field({ name: 'open_24h', label: 'dir.field.open24h', type: 'checkbox', checked: svc?.open_24h ?? false }),
    days: multi('hours[0].days', 'dir.field.days', DAYS, 'public.where.day.', block?.days ?? ['MO', 'TU', 'WE', 'TH', 'FR']),
    opens: new Field({ name: 'hours[0].opens', label: 'dir.field.opens', hint: 'dir.field.timeHint', value: block?.opens ?? '08:30', attrs: { dir: 'ltr', inputmode: 'numeric' } }),
    closes: new Field({ name: 'hours[0].closes', label: 'dir.field.closes', hint: 'dir.field.timeHint', value: block?.closes ?? '16:30', attrs: { dir: 'ltr', inputmode: 'numeric' } }),
    services: multi('services', 'dir.field.services', SERVICE_KINDS, 'public.where.service.', svc?.services ?? []),
    languages: multi('languages', 'dir.field.languages', LANGUAGES, 'public.where.lang.', svc?.languages ?? ['ar', 'fr']),
    free: new Field({ name: 'free_of_charge', label: 'dir.field.free', type: 'checkbox', checked: svc?.free_of_charge ?? true }),
    latitude: new Field({ name: 'latitude', label: 'dir.field.latitude', value: svc?.latitude?.toString() ?? '', attrs: { dir: 'ltr', inputmode: 'decimal' } }),
    longitude: new Field({ name: 'longitude', label: 'dir.field.longitude', value: svc?.longitude?.toString() ?? '', attrs: { dir: 'ltr', inputmode: 'decimal' } }),
    beds: new Field({ name: 'shelter.beds', label: 'dir.field.beds', hint: 'dir.field.shelterHint', value: svc?.shelter?.beds.toString() ?? '', attrs: { inputmode: 'numeric' } }),
    children: new Field({ name: 'shelter.child_places', label: 'dir.field.childPlaces', value: svc?.shelter?.child_places.toString() ?? '', attrs: { inputmode: 'numeric' } }),
    criteria: new Field({ name: 'shelter.admission_criteria', label: 'dir.field.criteria', type: 'textarea', maxLength: 2000, value: svc?.shelter?.admission_criteria ?? '' }),
  };
  const opt = (f: Field) => (f.value().trim() === '' ? null : f.value().trim());
  const num = (f: Field) => (f.value().trim() === '' ? null : Number(f.value().trim().replace(',', '.')));
  const form: Form = new Form({
    submit: 'dir.save',
    attrs: { 'data-testid': 'dir-form' },
    onSubmit: async () => {
      const kinds = picked(fields.services);
      const body: Record<string, unknown> = {
        name: fields.name.value().trim(),
        description: opt(fields.description),
        commune: opt(fields.commune),
        address: opt(fields.address),
        phones: fields.phones.value().split(/[,;\n]/).map((p) => p.trim()).filter(Boolean),
        open_24h: fields.open24.checked(),
        hours: fields.open24.checked() ? [] : [{ days: picked(fields.days), opens: fields.opens.value().trim(), closes: fields.closes.value().trim() }],
        services: kinds,
        languages: picked(fields.languages),
        free_of_charge: fields.free.checked(),
        latitude: num(fields.latitude),
        longitude: num(fields.longitude),
        shelter: kinds.includes('shelter')
          ? { beds: num(fields.beds) ?? 0, child_places: num(fields.children) ?? 0, admission_criteria: opt(fields.criteria) }
          : null,
      };
      if (svc) {
        await api.put(`/api/v1/directory/services/${encodeURIComponent(svc.id)}`, body);
      } else {
        body.unit_id = fields.unit?.value();
        await api.post('/api/v1/directory/services', body);
      }
      await navigate('/directory');
    },
  });
  if (fields.unit) form.add(fields.unit);
  form.add(
    fields.name,
    fields.description,
    fields.services,
    fields.commune,
    fields.address,
    fields.phones,
    fields.open24,
    fields.days,
    fields.opens,
    fields.closes,
    fields.languages,
    fields.free,
    fields.latitude,
    fields.longitude,
    fields.beds,
    fields.children,
    fields.criteria,
  );
  return form.el;
}

// --- shelters -------------------------------------------------------------------------------

export function sheltersView(ctx: RouteContext): HTMLElement {
  const list = h('div', { class: 'cards' }, loading());
  const refresh = async () => {
    try {
      const { items } = await api.get<{ items: DirectoryService[] }>('/api/v1/directory/services?service=shelter');
      if (!ctx.live()) return;
      const mine = myUnitIds();
      const shown = items.filter((s) => mine.has(s.unit_id));
      list.replaceChildren(...(shown.length ? shown.map((s) => shelterCard(s, refresh)) : [h('p', { class: 'empty' }, tr('dir.noShelters'))]));
    } catch (err) {
      if (ctx.live()) list.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  void refresh();
  return directoryPage('shelters', 'dir.shelters', h('p', { class: 'lead' }, tr('dir.sheltersIntro')), list);
}

function occupancy(s: DirectoryService): HTMLElement {
  const sh = s.shelter;
  if (!sh) return h('p', null);
  return h(
    'p',
    { 'data-testid': 'occupancy' },
    () => t('dir.occupancy', { beds: formatNumber(sh.beds_occupied), of: formatNumber(sh.beds), children: formatNumber(sh.children_occupied), places: formatNumber(sh.child_places) }),
  );
}

function shelterCard(s: DirectoryService, refresh: () => Promise<void>): HTMLElement {
  const adults = new Field({ name: 'adults', label: 'dir.field.adults', value: '1', attrs: { inputmode: 'numeric', 'data-testid': 'move-adults' } });
  const children = new Field({ name: 'children', label: 'dir.field.children', value: '0', attrs: { inputmode: 'numeric', 'data-testid': 'move-children' } });
  const count = (f: Field) => Number(f.value().trim() || '0');
  let kind: 'admissions' | 'exits' = 'admissions';
  const form: Form = new Form({
    submit: 'dir.admit',
    attrs: { 'data-testid': 'move-form' },
    onSubmit: async () => {
      await api.post(`/api/v1/directory/services/${encodeURIComponent(s.id)}/${kind}`, { adults: count(adults), children: count(children) });
      await refresh();
    },
  });
  form.add(adults, children);
  const exit = h('button', { type: 'button', class: 'btn', 'data-testid': 'move-exit', onclick: () => { kind = 'exits'; form.el.requestSubmit(); } }, tr('dir.exit'));
  form.button.setAttribute('data-testid', 'move-admit');
  form.button.addEventListener('click', () => {
    kind = 'admissions';
  });
  form.el.querySelector('.form-actions')?.append(exit);
  return h('section', { class: 'card', 'data-testid': 'shelter-card' }, h('div', { class: 'card-body' }, h('h2', null, h('bdi', null, s.name)), occupancy(s), form.el));
}

// --- find a bed -----------------------------------------------------------------------------

export function findBedView(ctx: RouteContext): HTMLElement {
  const results = h('div', { class: 'cards', 'aria-live': 'polite', 'data-testid': 'bed-results' });
  const region = new Field({ name: 'region_code', label: 'field.region', type: 'select', options: [] });
  const adults = new Field({ name: 'adults', label: 'dir.field.adults', value: '1', attrs: { inputmode: 'numeric' } });
  const children = new Field({ name: 'children', label: 'dir.field.children', value: '0', attrs: { inputmode: 'numeric' } });
  const latitude = new Field({ name: 'latitude', label: 'dir.field.latitude', hint: 'dir.field.whereHint', attrs: { dir: 'ltr', inputmode: 'decimal' } });
  const longitude = new Field({ name: 'longitude', label: 'dir.field.longitude', attrs: { dir: 'ltr', inputmode: 'decimal' } });
  const form: Form = new Form({
    submit: 'dir.search',
    attrs: { 'data-testid': 'bed-form' },
    onSubmit: async () => {
      const { items } = await api.get<{ items: DirectoryService[] }>(
        withQuery('/api/v1/directory/find-bed', {
          region_code: region.value(),
          adults: adults.value().trim(),
          children: children.value().trim(),
          latitude: latitude.value().trim(),
          longitude: longitude.value().trim(),
        }),
      );
      if (!ctx.live()) return;
      results.replaceChildren(
        ...(items.length
          ? items.map((s) =>
              h(
                'section',
                { class: 'card', 'data-testid': 'bed-card' },
                h(
                  'div',
                  { class: 'card-body' },
                  h('h2', null, h('bdi', null, s.name)),
                  h('p', null, h('bdi', null, [s.commune, s.unit_name].filter(Boolean).join(' — '))),
                  h('p', null, () => t('dir.free', { beds: formatNumber(s.shelter?.beds_free ?? 0), places: formatNumber(s.shelter?.child_places_free ?? 0) })),
                  s.distance_km != null ? h('p', null, () => t('dir.distance', { km: formatNumber(Math.round(s.distance_km ?? 0)) })) : null,
                  s.shelter?.admission_criteria ? h('p', null, h('bdi', null, s.shelter.admission_criteria)) : null,
                  h('p', null, s.phones.map((p) => h('a', { href: `tel:${p}`, dir: 'ltr' }, p))),
                ),
              ),
            )
          : [h('p', { class: 'empty' }, tr('dir.noBed'))]),
      );
    },
  });
  form.add(region, adults, children, latitude, longitude);
  void (async () => {
    let regions: Region[] = [];
    try {
      regions = await loadRegions();
    } catch {
      regions = [];
    }
    const sel = region.control as HTMLSelectElement;
    sel.replaceChildren(h('option', { value: '' }, tr('filter.allRegions')), ...regions.map((r) => h('option', { value: String(r.code) }, () => placeName(r))));
    const home = currentSession()?.user.memberships[0]?.region_code;
    if (home) sel.value = String(home);
  })();
  return directoryPage('find-bed', 'dir.findBed', h('p', { class: 'lead' }, tr('dir.findBedIntro')), form.el, results);
}

