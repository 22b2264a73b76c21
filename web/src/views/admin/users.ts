// Users: the list (filtered by unit) with disable/enable, and the create form with one or more
// memberships (unit + role).
import { api, withQuery, type Unit, type User } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, Form, messageFor } from '../../lib/forms';
import { ROLES, roleLabel } from '../../lib/reference';
import { navigate, type RouteContext } from '../../lib/router';
import { checkEmail, checkPhone, checkUsername } from '../../lib/validate';
import { formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice } from '../common';
import { adminPage } from './layout';
import { setFlash, takeFlash } from './units';

async function loadUnits(): Promise<Unit[]> {
  const { items } = await api.get<{ items: Unit[] }>('/api/v1/units');
  return items;
}

export function usersListView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const list = h('div', null, loading());
  const unit = new Field({ name: 'unit_id', label: 'field.unit', type: 'select', options: [{ value: '', label: tr('filter.allUnits') }] });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': tr('admin.users.filters'), onsubmit: (e: Event) => e.preventDefault() }, unit.wrap);
  const page = adminPage(
    'users',
    'admin.users',
    h('p', null, h('a', { href: '/admin/users/new', class: 'btn btn-primary', 'data-testid': 'new-user' }, tr('admin.users.new'))),
    filters,
    status.el,
    list,
  );
  const msg = takeFlash();
  if (msg) status.say(msg);

  const refresh = async () => {
    const params = { unit_id: unit.control.value };
    history.replaceState(null, '', withQuery('/admin/users', params));
    list.replaceChildren(loading());
    try {
      const { items } = await api.get<{ items: User[] }>(withQuery('/api/v1/users', params));
      if (!ctx.live()) return;
      list.replaceChildren(usersTable(items, status.say));
      status.say(() => t('admin.users.count', { count: formatNumber(items.length) }));
    } catch (err) {
      if (ctx.live()) list.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  unit.control.addEventListener('change', () => void refresh());

  void (async () => {
    try {
      const units = await loadUnits();
      if (!ctx.live()) return;
      unit.control.append(...units.map((u) => h('option', { value: u.id }, u.name)));
      unit.control.value = ctx.query.get('unit_id') ?? '';
    } catch (err) {
      if (!ctx.live()) return;
      list.replaceChildren(loadError(err, () => void navigate(ctx.path, { replace: true })));
      return;
    }
    await refresh();
  })();
  return page;
}

function usersTable(items: User[], say: (m: ReturnType<typeof tr>) => void): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('admin.users.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'users-table' },
    h('caption', { class: 'sr-only' }, tr('admin.users')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['field.username', 'field.displayName', 'admin.users.memberships', 'field.status', 'field.totp', 'common.actions'].map((k) =>
          h('th', { scope: 'col' }, tr(k)),
        ),
      ),
    ),
    h('tbody', null, items.map((u) => userRow(u, say))),
  );
}

function userRow(initial: User, say: (m: ReturnType<typeof tr>) => void): HTMLTableRowElement {
  let u = initial;
  const statusCell = h('td');
  const actionCell = h('td');
  const render = () => {
    statusCell.replaceChildren(h('span', null, u.active === false ? tr('status.disabled') : tr('status.active')));
    const disable = u.active !== false;
    const btn = h(
      'button',
      {
        type: 'button',
        class: disable ? 'btn btn-danger btn-small' : 'btn btn-small',
        'data-testid': disable ? 'disable-user' : 'enable-user',
        onclick: async () => {
          btn.disabled = true;
          try {
            u = await api.post<User>(`/api/v1/users/${encodeURIComponent(u.id)}/${disable ? 'disable' : 'enable'}`);
            render();
            say(tr(disable ? 'admin.users.disabledMsg' : 'admin.users.enabledMsg', { name: u.display_name }));
            actionCell.querySelector('button')?.focus();
          } catch (err) {
            btn.disabled = false;
            say(messageFor(err));
          }
        },
      },
      disable ? tr('admin.users.disable') : tr('admin.users.enable'),
      h('span', { class: 'sr-only' }, `: ${u.display_name}`),
    );
    actionCell.replaceChildren(btn);
  };
  render();
  return h(
    'tr',
    { 'data-username': u.username },
    h('td', null, h('bdi', { dir: 'ltr' }, u.username)),
    h('td', null, u.display_name),
    h('td', null, h('ul', { class: 'plain' }, u.memberships.map((m) => h('li', null, h('bdi', null, m.unit_name), ' — ', roleLabel(m.role))))),
    statusCell,
    h('td', null, u.totp_enabled ? tr('common.yes') : tr('common.no')),
    actionCell,
  );
}

export function userFormView(ctx: RouteContext): HTMLElement {
  const body = h('div', null, loading());
  const page = adminPage('users', 'admin.users.new', body);

  const build = async () => {
    let units: Unit[];
    try {
      units = (await loadUnits()).filter((u) => u.active);
    } catch (err) {
      if (ctx.live()) body.replaceChildren(loadError(err, () => void build()));
      return;
    }
    if (!ctx.live()) return;

    const username = new Field({ name: 'username', label: 'field.username', hint: 'hint.username', required: true, check: checkUsername, maxLength: 64, attrs: { dir: 'ltr', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' } });
    const displayName = new Field({ name: 'display_name', label: 'field.displayName', required: true, minLength: 2, maxLength: 200, attrs: { autocomplete: 'off' } });
    const password = new Field({ name: 'password', label: 'field.initialPassword', hint: 'hint.initialPassword', type: 'password', required: true, minLength: 12, maxLength: 256, attrs: { autocomplete: 'new-password', dir: 'ltr' } });
    const email = new Field({ name: 'email', label: 'field.email', type: 'email', maxLength: 254, check: checkEmail, attrs: { dir: 'ltr', autocomplete: 'off' } });
    const phone = new Field({ name: 'phone', label: 'field.phone', hint: 'hint.phone', type: 'tel', maxLength: 40, check: checkPhone, attrs: { dir: 'ltr', autocomplete: 'off' } });

    interface Row {
      el: HTMLElement;
      unit: Field;
      role: Field;
      remove: HTMLButtonElement;
    }
    const rows: Row[] = [];
    const rowList = h('ol', { class: 'membership-rows' });
    const unitOptions = [{ value: '', label: tr('common.choose') }, ...units.map((u) => ({ value: u.id, label: u.name }))];
    const roleOptions = [{ value: '', label: tr('common.choose') }, ...ROLES.map((r) => ({ value: r, label: roleLabel(r) }))];

    // Field names follow the API ("memberships[0].unit_id") so server errors land on the right row.
    const renumber = () => {
      rows.forEach((r, i) => {
        r.unit.opts.name = `memberships[${i}].unit_id`;
        r.role.opts.name = `memberships[${i}].role`;
        r.unit.control.name = r.unit.opts.name;
        r.role.control.name = r.role.opts.name;
        r.remove.disabled = rows.length === 1;
      });
    };

    const form: Form = new Form({
      submit: 'admin.users.create',
      attrs: { 'data-testid': 'user-form' },
      onSubmit: async () => {
        const payload: Record<string, unknown> = {
          username: username.value().toLowerCase(),
          display_name: displayName.value(),
          password: password.control.value,
          memberships: rows.map((r) => ({ unit_id: r.unit.value(), role: r.role.value() })),
        };
        if (email.value()) payload.email = email.value();
        if (phone.value()) payload.phone = phone.value();
        const created = await api.post<User>('/api/v1/users', payload);
        setFlash(tr('admin.users.created', { name: created.display_name }));
        await navigate('/admin/users');
      },
    });

    const addRow = (focus: boolean) => {
      if (rows.length >= 20) return;
      const unit = form.track(new Field({ name: 'memberships[].unit_id', label: 'field.unit', type: 'select', required: true, options: unitOptions }));
      const role = form.track(new Field({ name: 'memberships[].role', label: 'field.role', type: 'select', required: true, options: roleOptions }));
      const row: Row = {
        unit,
        role,
        el: h('li', { class: 'membership-row' }),
        remove: h('button', { type: 'button', class: 'btn btn-quiet btn-small' }, tr('admin.users.removeMembership')),
      };
      row.remove.addEventListener('click', () => {
        const i = rows.indexOf(row);
        if (i < 0 || rows.length === 1) return;
        rows.splice(i, 1);
        form.untrack(unit);
        form.untrack(role);
        row.el.remove();
        renumber();
        (rows[Math.min(i, rows.length - 1)]?.unit.control ?? addBtn).focus();
      });
      row.el.append(unit.wrap, role.wrap, row.remove);
      rows.push(row);
      rowList.append(row.el);
      renumber();
      if (focus) unit.control.focus();
    };
    const addBtn = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'add-membership', onclick: () => addRow(true) }, tr('admin.users.addMembership'));

    form.add(username, displayName, password, email, phone);
    form.body.append(
      h(
        'fieldset',
        { class: 'memberships', 'data-field': 'memberships' },
        h('legend', null, tr('admin.users.memberships')),
        h('p', { class: 'hint' }, tr('hint.memberships')),
        rowList,
        addBtn,
      ),
    );
    addRow(false);
    body.replaceChildren(
      h('p', { class: 'hint' }, tr('common.requiredNote')),
      form.el,
      h('p', null, h('a', { href: '/admin/users' }, tr('common.backToList'))),
    );
  };
  void build();
  return page;
}
