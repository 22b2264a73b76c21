import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api';
import { loadError } from './common';
import { unitsListView } from './admin/units';
import { setLocale } from '../i18n';
import { scriptFetch, apiError, settle } from '../test/fetch';
import ar from '../i18n/ar.json';

beforeEach(async () => {
  await setLocale('ar');
});
afterEach(() => vi.unstubAllGlobals());

describe('withheld', () => {
  it('a 403 becomes "you do not have access"', () => {
    const el = loadError(new ApiError(403, 'permission_denied', 'no', null));
    expect(el.getAttribute('data-testid')).toBe('withheld');
    expect(el.textContent).toContain(ar['withheld.title']);
  });

  it('an admin page answered 403 by the API shows the notice in place of the list', async () => {
    scriptFetch(
      { status: 200, body: { regions: [] } },
      apiError(403, 'permission_denied', 'not allowed'),
    );
    const live = () => true;
    const el = unitsListView({ path: '/admin/units', params: {}, query: new URLSearchParams(), live });
    document.body.replaceChildren(el);
    await settle();
    expect(el.querySelector('[data-testid="withheld"]')?.textContent).toContain(ar['withheld.title']);
  });
});
