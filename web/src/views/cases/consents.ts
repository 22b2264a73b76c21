// Consents of a case: active and revoked, who recorded them and when; record her consent for a
// unit and purposes (children: a legal ground instead), revoke one with a reason. Revocation
// takes effect on the recipient's next request (the server checks consent on every request).
import { api, type Unit } from '../../lib/api';
import { h, type Child } from '../../lib/dom';
import { Form } from '../../lib/forms';
import { formatDateTime, tr } from '../../i18n';
import { loadError, loading, withheld } from '../common';
import { acting, caseApi, vlabel, type CaseView, type Consent, type Vocabulary } from './model';
import { ConsentFields } from './parts';
import { CASE_SECTORS } from './sectors';

export function consentsTab(c: CaseView, v: Vocabulary, say: (m: Child) => void): HTMLElement {
  const list = h('div', null, loading());
  const el = h('section', { 'aria-labelledby': 'cons-h' }, h('h2', { id: 'cons-h' }, tr('case.tab.consents')), list);
  const canRevoke = c.permissions.record_consent;

  const refresh = async () => {
    try {
      const { items } = await api.get<{ items: Consent[] }>(caseApi(c.id, '/consents'));
      list.replaceChildren(items.length === 0 ? h('p', { class: 'empty' }, tr('case.consent.none')) : table(items));
    } catch (err) {
      list.replaceChildren(loadError(err, () => void refresh()));
    }
  };

  const revokeCell = (k: Consent): HTMLElement => {
    const cell = h('td');
    if (!k.active || !canRevoke) return cell;
    const reason = h('select', { 'aria-label': tr('case.consent.revokeReason') }, v.revoke_reasons.map((r) => h('option', { value: r }, vlabel('revoke_reason', r))));
    const btn = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'revoke-consent' }, tr('case.consent.revoke'), h('span', { class: 'sr-only' }, `: ${k.unit.name}`));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await api.post(caseApi(c.id, `/consents/${encodeURIComponent(k.id)}/revoke`), { reason: reason.value, ...acting() });
        say(tr('case.consent.revoked', { unit: k.unit.name }));
        await refresh();
        list.querySelector<HTMLElement>('table')?.focus();
      } catch (err) {
        btn.disabled = false;
        cell.append(loadError(err));
      }
    });
    cell.append(reason, ' ', btn);
    return cell;
  };

  const table = (items: Consent[]) =>
    h(
      'table',
      { class: 'table', 'data-testid': 'consents', tabindex: '-1' },
      h('caption', { class: 'sr-only' }, tr('case.tab.consents')),
      h('thead', null, h('tr', null, ['case.consent.unit', 'case.consent.purpose', 'case.consent.basis', 'case.consent.granted', 'field.status', 'common.actions'].map((k) => h('th', { scope: 'col' }, tr(k))))),
      h(
        'tbody',
        null,
        items.map((k) =>
          h(
            'tr',
            { 'data-active': String(k.active), 'data-purpose': k.purpose, 'data-unit': k.unit.id },
            h('td', null, h('bdi', null, k.unit.name)),
            h('td', null, vlabel('purpose', k.purpose)),
            h('td', null, vlabel('basis', k.basis), k.legal_ground ? [' — ', vlabel('legal_ground', k.legal_ground)] : null, k.method ? [' (', vlabel('method', k.method), ')'] : null),
            h('td', null, formatDateTime(k.granted_at), ' — ', h('bdi', null, k.recorded_by_unit.name)),
            h('td', null, k.active ? tr('case.consent.active') : [tr('case.consent.revokedOn', { date: k.revoked_at ? formatDateTime(k.revoked_at) : '' }), k.revoke_reason ? [' — ', vlabel('revoke_reason', k.revoke_reason)] : null]),
            revokeCell(k),
          ),
        ),
      ),
    );

  void refresh();
  if (!c.permissions.record_consent) {
    el.append(h('h3', null, tr('case.consent.new')), withheld());
    return el;
  }
  const box = h('div', null, loading());
  el.append(h('section', { class: 'panel', 'aria-labelledby': 'cons-new-h' }, h('h3', { id: 'cons-new-h' }, tr('case.consent.new')), box));
  void (async () => {
    try {
      const { items } = await api.get<{ items: Unit[] }>('/api/v1/units');
      box.replaceChildren(consentForm(c, v, items.filter((u) => u.active && CASE_SECTORS.includes(u.sector)), async () => {
        say(tr('case.consent.saved'));
        await refresh();
      }));
    } catch (err) {
      box.replaceChildren(loadError(err));
    }
  })();
  return el;
}

function consentForm(c: CaseView, v: Vocabulary, units: Unit[], saved: () => Promise<void>): HTMLElement {
  const form: Form = new Form({
    submit: 'case.consent.record',
    attrs: { 'data-testid': 'consent-form' },
    onSubmit: async () => {
      if (!k.checkPurposes(form)) return;
      await api.post(caseApi(c.id, '/consents'), { ...k.value(), ...acting() });
      form.el.reset();
      k.sync();
      await saved();
    },
  });
  const k = new ConsentFields(form, v, units);
  k.setChild(c.kind === 'child');
  form.body.append(k.el);
  return form.el;
}
