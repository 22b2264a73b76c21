// Notifications outside the platform (docs/notifications.md): the administrators' view of the
// outbox — every message's channel, masked address, template, state, attempts, next attempt and
// last error, with "retry" for failed or given-up ones and a test message to oneself — and each
// user's own preferences (e-mail, SMS, language). Messages carry no case content; neither do
// these screens.
import { api, withQuery } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, Form, messageFor } from '../../lib/forms';
import type { RouteContext } from '../../lib/router';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading } from '../common';
import { adminPage } from '../admin/layout';

export interface OutboxItem {
  id: string;
  recipient_kind: 'user' | 'survivor_contact';
  recipient_id: string | null;
  channel: 'email' | 'sms';
  address_hint: string;
  template: string;
  language: string;
  state: 'pending' | 'sent' | 'failed' | 'given_up' | 'withheld';
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface Preferences {
  email: boolean;
  sms: boolean;
  language: string;
  email_hint: string | null;
  phone_hint: string | null;
}

const STATES = ['', 'pending', 'failed', 'given_up', 'sent', 'withheld'] as const;
const retryable = (s: OutboxItem['state']) => s === 'failed' || s === 'given_up';

export function outboxTable(items: OutboxItem[], onRetry: (id: string) => void): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('notify.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'outbox' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['notify.col.created', 'notify.col.channel', 'notify.col.to', 'notify.col.template', 'notify.col.state', 'notify.col.attempts', 'notify.col.next', 'notify.col.error', 'common.actions'].map((k) =>
          h('th', { scope: 'col' }, tr(k)),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      items.map((n) =>
        h(
          'tr',
          { 'data-state': n.state, 'data-id': n.id },
          h('td', null, formatDateTime(n.created_at)),
          h('td', null, tr(`notify.channel.${n.channel}`)),
          h('td', { dir: 'ltr' }, n.address_hint),
          h('td', null, h('code', null, n.template)),
          h('td', null, h('span', { class: `badge state-${n.state}` }, tr(`notify.state.${n.state}`))),
          h('td', { class: 'num' }, formatNumber(n.attempts)),
          h('td', null, n.next_attempt_at ? formatDateTime(n.next_attempt_at) : '—'),
          h('td', { dir: 'ltr' }, n.last_error ?? '—'),
          h('td', null, retryable(n.state) ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'notify-retry', onclick: () => onRetry(n.id) }, tr('notify.retry')) : null),
        ),
      ),
    ),
  );
}

/** Administration → Notifications. */
export function outboxView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const list = h('div', null, loading());
  const filter = h(
    'select',
    { id: 'notify-state', 'data-testid': 'notify-state' },
    STATES.map((s) => h('option', { value: s }, tr(s ? `notify.state.${s}` : 'notify.allStates'))),
  );
  const refresh = async () => {
    list.replaceChildren(loading());
    try {
      const { items } = await api.get<{ items: OutboxItem[] }>(withQuery('/api/v1/admin/notifications', { state: filter.value || null, limit: 200 }));
      if (!ctx.live()) return;
      list.replaceChildren(
        outboxTable(items, (id) => {
          void (async () => {
            try {
              await api.post(`/api/v1/admin/notifications/${encodeURIComponent(id)}/retry`, {});
              status.say(tr('notify.retried'));
            } catch (err) {
              status.say(messageFor(err));
            }
            await refresh();
          })();
        }),
      );
    } catch (err) {
      if (ctx.live()) list.replaceChildren(loadError(err, () => void refresh()));
    }
  };
  filter.addEventListener('change', () => void refresh());
  const test = (channel: 'email' | 'sms') =>
    h(
      'button',
      {
        type: 'button',
        class: 'btn',
        'data-testid': `notify-test-${channel}`,
        onclick: async () => {
          try {
            await api.post('/api/v1/admin/notifications/test', { channel });
            status.say(tr('notify.testQueued'));
          } catch (err) {
            status.say(messageFor(err));
          }
          await refresh();
        },
      },
      tr(`notify.test.${channel}`),
    );
  void refresh();
  return adminPage(
    'notifications',
    'notify.title',
    h('p', { class: 'lead' }, tr('notify.intro')),
    h('p', { class: 'actions' }, h('label', { for: 'notify-state' }, tr('notify.filter')), ' ', filter, ' ', test('email'), ' ', test('sms')),
    status.el,
    list,
  );
}

/** My notifications: whether to be told of new items by e-mail or SMS, and in which language. */
export function preferencesView(ctx: RouteContext): HTMLElement {
  const body = h('div', null, loading());
  void (async () => {
    let p: Preferences;
    try {
      p = await api.get<Preferences>('/api/v1/notifications/preferences');
    } catch (err) {
      if (ctx.live()) body.replaceChildren(loadError(err));
      return;
    }
    if (!ctx.live()) return;
    const email = new Field({ name: 'email', label: 'notify.pref.email', type: 'checkbox', checked: p.email });
    const sms = new Field({ name: 'sms', label: 'notify.pref.sms', type: 'checkbox', checked: p.sms });
    const language = new Field({
      name: 'language',
      label: 'notify.pref.language',
      type: 'select',
      value: p.language,
      options: ['ar', 'fr', 'en', 'zgh'].map((l) => ({ value: l, label: tr(`lang.${l}`) })),
    });
    const saved = notice();
    const form: Form = new Form({
      submit: 'common.save',
      attrs: { 'data-testid': 'notify-prefs' },
      onSubmit: async () => {
        const out = await api.put<Preferences>('/api/v1/notifications/preferences', {
          email: (email.control as HTMLInputElement).checked,
          sms: (sms.control as HTMLInputElement).checked,
          language: language.value(),
        });
        saved.say(t('notify.pref.saved', { email: out.email ? t('common.yes') : t('common.no'), sms: out.sms ? t('common.yes') : t('common.no') }));
      },
    });
    form.add(email, sms, language);
    body.replaceChildren(
      h('p', null, tr('notify.pref.where'), ' ', h('bdi', { dir: 'ltr' }, p.email_hint ?? '—'), ' · ', h('bdi', { dir: 'ltr' }, p.phone_hint ?? '—')),
      form.el,
      saved.el,
    );
  })();
  return h('section', { class: 'notify-prefs' }, pageHeading('notify.pref.title'), h('p', { class: 'lead' }, tr('notify.pref.intro')), body);
}
