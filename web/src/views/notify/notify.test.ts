import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import fr from '../../i18n/fr.json';
import { scriptFetch, settle } from '../../test/fetch';
import { outboxTable, preferencesView, type OutboxItem } from '.';

const item = (over: Partial<OutboxItem>): OutboxItem => ({
  id: 'n1',
  recipient_kind: 'user',
  recipient_id: 'u1',
  channel: 'email',
  address_hint: 'a…@example.ma',
  template: 'new_urgent_item',
  language: 'fr',
  state: 'sent',
  attempts: 1,
  next_attempt_at: null,
  last_error: null,
  created_at: '2026-11-23T10:00:00Z',
  sent_at: '2026-11-23T10:00:05Z',
  ...over,
});

beforeEach(async () => {
  await setLocale('fr');
});
afterEach(() => vi.unstubAllGlobals());

describe('notifications outbox', () => {
  it('shows state, attempts and the last error, and offers retry only for failed or given-up messages', () => {
    const retried: string[] = [];
    const table = outboxTable(
      [item({}), item({ id: 'n2', state: 'failed', attempts: 3, last_error: 'connection refused', next_attempt_at: '2026-11-23T10:05:00Z' }), item({ id: 'n3', state: 'given_up', attempts: 8 })],
      (id) => retried.push(id),
    );
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['sent', 'failed', 'given_up']);
    expect(rows[1]?.textContent).toContain(fr['notify.state.failed']);
    expect(rows[1]?.textContent).toContain('connection refused');
    expect(rows[0]?.querySelector('[data-testid="notify-retry"]')).toBeNull();
    (rows[1]?.querySelector('[data-testid="notify-retry"]') as HTMLButtonElement).click();
    (rows[2]?.querySelector('[data-testid="notify-retry"]') as HTMLButtonElement).click();
    expect(retried).toEqual(['n2', 'n3']);
    // The masked address only; never a case, a name or a reference code.
    expect(rows[0]?.textContent).toContain('a…@example.ma');
  });

  it('says when there is nothing', () => {
    expect(outboxTable([], () => undefined).textContent).toBe(fr['notify.none']);
  });
});

describe('my notifications', () => {
  it('loads the preferences and saves them with PUT', async () => {
    const calls = scriptFetch(
      { status: 200, body: { email: true, sms: false, language: 'fr', email_hint: 'a…@example.ma', phone_hint: null } },
      { status: 200, body: { email: true, sms: true, language: 'ar', email_hint: 'a…@example.ma', phone_hint: null } },
    );
    const el = preferencesView({ path: '/me/notifications', params: {}, query: new URLSearchParams(), live: () => true });
    document.body.replaceChildren(el);
    await settle();
    const form = el.querySelector('[data-testid="notify-prefs"]') as HTMLFormElement;
    expect((form.querySelector('input[name="email"]') as HTMLInputElement).checked).toBe(true);
    (form.querySelector('input[name="sms"]') as HTMLInputElement).checked = true;
    (form.querySelector('select[name="language"]') as HTMLSelectElement).value = 'ar';
    form.requestSubmit();
    await settle();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.path).toBe('/api/v1/notifications/preferences');
    expect(put?.body).toEqual({ email: true, sms: true, language: 'ar' });
    expect(el.textContent).toContain('SMS : Oui');
  });
});
