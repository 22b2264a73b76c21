import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { setSession } from '../../lib/session';
import { apiError, scriptFetch, settle } from '../../test/fetch';
import ar from '../../i18n/ar.json';
import { casesListView } from './list';
import { caseView, signInAsPolice, units, vocab } from './fixtures.test-util';

beforeEach(async () => {
  await setLocale('ar');
  signInAsPolice();
});
afterEach(() => vi.unstubAllGlobals());

const ctx = (q = '') => ({ path: '/cases', params: {}, query: new URLSearchParams(q), live: () => true });
const item = { ...caseView(), masked_name: 'F*** E*' };

describe('case list', () => {
  it('lists cases with masked names and filters by the query in the address', async () => {
    const calls = scriptFetch({ status: 200, body: { items: units } }, { status: 200, body: vocab }, { status: 200, body: { items: [item, { ...item, id: 'C2', masked_name: null }], next_offset: null } });
    const el = casesListView(ctx('status=open&reference_code=TMK-7K3F'));
    document.body.replaceChildren(el);
    await settle();
    expect(calls[2]?.path).toBe('/api/v1/cases?reference_code=TMK-7K3F&status=open&limit=50');
    const rows = el.querySelectorAll('[data-testid="cases-table"] tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('F*** E*');
    expect(rows[0]?.textContent).toContain('TMK-7K3F-9QXD-M2PA');
    expect(rows[1]?.textContent).toContain(ar['case.nameWithheld']);
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe('/cases/C1');
  });

  it('searches by name with POST (the name stays out of addresses) and shows "withheld" on 403', async () => {
    const el = casesListView(ctx());
    scriptFetch({ status: 200, body: { items: units } }, { status: 200, body: vocab }, { status: 200, body: { items: [], next_offset: null } });
    document.body.replaceChildren(el);
    await settle();
    const form = el.querySelector<HTMLFormElement>('[data-testid="name-search"]')!;
    form.querySelector<HTMLInputElement>('[name="name"]')!.value = 'Fatima Zahra';
    const calls = scriptFetch(apiError(403, 'permission_denied', 'not for this role'));
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/api/v1/cases/name-search', body: { name: 'Fatima Zahra', limit: 50 } });
    expect(el.querySelector('[data-testid="withheld"]')).not.toBeNull();
  });

  it('does not offer the name search to roles the server refuses it to', async () => {
    setSession({
      user: { id: 'u2', username: 'acc', display_name: 'Amina', totp_enabled: false, memberships: [{ unit_id: 'U-NGO', unit_name: 'Amal', sector: 'ngo_listening', role: 'accompagnatrice' }] },
      csrf_token: 'c',
      must_enrol_totp: false,
    });
    scriptFetch({ status: 200, body: { items: units } }, { status: 200, body: vocab }, { status: 200, body: { items: [], next_offset: null } });
    const el = casesListView(ctx());
    await settle();
    expect(el.querySelector('[data-testid="name-search"]')).toBeNull();
    expect(el.querySelector('[data-testid="name-search-withheld"]')?.textContent).toBe(ar['case.nameSearch.notForRole']);
  });
});
