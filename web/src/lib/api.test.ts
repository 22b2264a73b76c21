import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, NetworkError, setCsrfToken, withQuery } from './api';
import { apiError, scriptFetch } from '../test/fetch';

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('sends the CSRF token on state-changing requests only', async () => {
    setCsrfToken('tok-1');
    const calls = scriptFetch({ status: 200, body: { items: [] } }, { status: 201, body: { id: 'u1' } }, { status: 204 });
    await api.get('/api/v1/units');
    await api.post('/api/v1/units', { name: 'x' });
    await api.post('/api/v1/auth/logout');
    expect(calls[0]?.headers['X-CSRF-Token']).toBeUndefined();
    expect(calls[1]?.headers['X-CSRF-Token']).toBe('tok-1');
    expect(calls[1]?.body).toEqual({ name: 'x' });
    expect(calls[2]?.headers['X-CSRF-Token']).toBe('tok-1');
  });

  it('turns the error envelope into ApiError with its field', async () => {
    scriptFetch(apiError(400, 'invalid_argument', 'must be 2 to 200 characters', 'name'));
    const e = await api.post('/api/v1/units', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'invalid_argument', field: 'name', message: 'must be 2 to 200 characters' });
  });

  it('reports a lost connection as NetworkError', async () => {
    scriptFetch('offline');
    await expect(api.get('/api/v1/units')).rejects.toBeInstanceOf(NetworkError);
  });

  it('builds queries without empty values', () => {
    expect(withQuery('/api/v1/units', { region_code: '3', province_code: '', sector: null })).toBe('/api/v1/units?region_code=3');
  });
});
