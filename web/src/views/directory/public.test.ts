import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshPublicPage } from '../../test/public';
import { showPublic } from '../../frame';
import { setLocale, t, tr } from '../../i18n';
import { scriptFetch, settle } from '../../test/fetch';
import { hoursText, whereToGoView } from './public';
import type { PublicService } from './types';

beforeEach(freshPublicPage);
afterEach(() => vi.unstubAllGlobals());

const REGIONS = {
  regions: [{ code: 3, name_fr: 'Fès-Meknès', name_ar: 'فاس مكناس', provinces: [{ code: '03.01', name_fr: 'Fès', name_ar: 'فاس', kind: 'prefecture' }] }],
};

function service(over: Partial<PublicService>): PublicService {
  return {
    id: 'x',
    name: 'Accueil',
    unit_name: 'Police Fès',
    description: null,
    sector: 'police',
    region_code: 3,
    province_code: '03.01',
    commune: 'Fès',
    address: 'Avenue 1',
    latitude: null,
    longitude: null,
    phones: ['+212500000101'],
    email: null,
    hours: [{ days: ['MO', 'TU', 'WE', 'TH', 'FR'], opens: '08:30', closes: '16:30' }],
    open_24h: false,
    services: ['complaint'],
    languages: ['ar', 'zgh'],
    accessibility: [],
    free_of_charge: true,
    has_space: null,
    ...over,
  };
}

describe('where to go now', () => {
  it('writes hours in plain words', async () => {
    await setLocale('en');
    expect(hoursText([{ days: ['MO', 'TU', 'WE', 'TH', 'FR'], opens: '08:30', closes: '16:30' }], false)).toBe('Monday–Friday 08:30–16:30');
    expect(hoursText([{ days: ['SA', 'MO'], opens: '09:00', closes: '12:00' }], false)).toBe('Monday, Saturday 09:00–12:00');
    expect(hoursText([], true)).toBe(t('public.where.open24h'));
  });

  it('lists the province’s published services, says whether a shelter has room, and stores nothing', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const calls = scriptFetch(
      { status: 200, body: REGIONS },
      {
        status: 200,
        body: {
          items: [
            service({}),
            service({ id: 'y', name: 'Dar Al Amane', services: ['shelter'], address: null, open_24h: true, hours: [], has_space: true }),
            service({ id: 'z', name: 'Établissement', services: ['shelter'], address: null, open_24h: true, hours: [], has_space: false }),
          ],
        },
      },
    );
    showPublic(whereToGoView(), tr('public.where.title'));
    await settle();
    expect(document.querySelector('button, a[href]')?.getAttribute('data-testid')).toBe('quick-exit');
    const province = document.querySelector<HTMLSelectElement>('[data-testid="where-province"]')!;
    province.value = '03.01';
    province.dispatchEvent(new Event('change'));
    await settle();
    expect(calls[1]).toMatchObject({ method: 'GET', path: '/api/v1/public/directory?province_code=03.01' });
    const cards = document.querySelectorAll('[data-testid="where-card"]');
    expect(cards).toHaveLength(3);
    expect(cards[0].querySelector('a[href="tel:+212500000101"]')).not.toBeNull();
    expect(cards[1].querySelector('[data-testid="has-space"]')?.textContent).toBe(t('public.where.hasSpace'));
    expect(cards[2].querySelector('[data-testid="no-space"]')?.textContent).toBe(t('public.where.full'));
    expect(cards[0].querySelector('[data-testid="has-space"], [data-testid="no-space"]')).toBeNull();
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length + sessionStorage.length).toBe(0);
    expect(location.search).toBe('');
  });
});
