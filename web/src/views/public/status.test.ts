import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshPublicPage } from '../../test/public';
import { showPublic } from '../../frame';
import { tr } from '../../i18n';
import { apiError, scriptFetch, settle } from '../../test/fetch';
import zgh from '../../i18n/zgh.json';
import { statusView } from './status';

beforeEach(freshPublicPage);
afterEach(() => vi.unstubAllGlobals());

function submit(code: string) {
  const form = document.querySelector<HTMLFormElement>('[data-testid="status-form"]')!;
  form.querySelector<HTMLInputElement>('[name="code"]')!.value = code;
  form.dispatchEvent(new Event('submit', { cancelable: true }));
  return settle();
}

describe('status of my case', () => {
  it('shows the plain status in Tamazight, clears the code and stores nothing', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    showPublic(statusView(), tr('public.status.title'));
    expect(document.querySelector('button, a[href]')?.getAttribute('data-testid')).toBe('quick-exit');
    document.querySelector<HTMLButtonElement>('[data-locale="zgh"]')!.click();
    await vi.waitFor(() => expect(document.documentElement.lang).toBe('zgh'));
    const calls = scriptFetch({ status: 200, body: { status: 'in_progress', updated_on: '2026-11-20' } });
    await submit('k7m2q 9xdp4 abcde fghj5');
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/api/v1/public/case-status', body: { code: 'k7m2q 9xdp4 abcde fghj5' } });
    const result = document.querySelector('[data-testid="status-result"]')!;
    expect(result.textContent).toContain(zgh['public.status.in_progress.title']);
    expect(result.textContent).toContain('2026-11-20');
    expect(document.querySelector<HTMLInputElement>('[name="code"]')!.value).toBe('');
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('checks the code before asking, and says when there were too many tries', async () => {
    showPublic(statusView(), tr('public.status.title'));
    const calls = scriptFetch(apiError(429, 'rate_limited', 'slow down'));
    await submit('123');
    expect(calls).toHaveLength(0);
    expect(document.querySelector('[name="code"]')!.getAttribute('aria-invalid')).toBe('true');
    await submit('K7M2Q-9XDP4-ABCDE-FGHJ5');
    expect(document.querySelector('.form-status')!.textContent).toBe(tr('public.status.throttled')());
  });
});
