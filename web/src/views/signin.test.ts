import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signInView } from './signin';
import { setLocale } from '../i18n';
import { api } from '../lib/api';
import { currentSession, setSession } from '../lib/session';
import { apiError, scriptFetch, settle } from '../test/fetch';
import ar from '../i18n/ar.json';
import fr from '../i18n/fr.json';

const session = {
  user: { id: 'u1', username: 'admin', display_name: 'Salma', totp_enabled: true, memberships: [] },
  csrf_token: 'csrf-42',
  must_enrol_totp: false,
};

beforeEach(async () => {
  await setLocale('ar');
  setSession(null);
});
afterEach(() => vi.unstubAllGlobals());

function render() {
  const done = vi.fn();
  const el = signInView(done);
  document.body.replaceChildren(el);
  const q = (name: string) => el.querySelector<HTMLInputElement>(`[name="${name}"]`);
  const submit = async () => {
    el.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
  };
  return { el, q, submit, done };
}

describe('sign-in', () => {
  it('asks for the TOTP code when the server requires it, then signs in', async () => {
    const { q, submit, done, el } = render();
    expect(q('totp_code')).toBeNull();
    q('username')!.value = 'admin';
    q('password')!.value = 'secret';
    const calls = scriptFetch(apiError(401, 'totp_required', 'enter the code', 'totp_code'), { status: 200, body: session });
    await submit();
    const code = q('totp_code');
    expect(code).not.toBeNull();
    expect(document.activeElement).toBe(code);
    expect(el.querySelector('label[for="' + code!.id + '"]')?.textContent).toContain(ar['signin.totp']);

    code!.value = '123456';
    await submit();
    expect(calls[1]?.body).toEqual({ username: 'admin', password: 'secret', totp_code: '123456' });
    expect(done).toHaveBeenCalledWith(session);
    expect(currentSession()?.csrf_token).toBe('csrf-42');

    // The token from the login answer goes on the next state-changing request.
    const next = scriptFetch({ status: 204 });
    await api.post('/api/v1/auth/logout');
    expect(next[0]?.headers['X-CSRF-Token']).toBe('csrf-42');
  });

  it("shows the server's message next to the code when the code is wrong", async () => {
    const { q, submit, done } = render();
    q('username')!.value = 'admin';
    q('password')!.value = 'secret';
    scriptFetch(
      apiError(401, 'totp_required', 'enter the code', 'totp_code'),
      apiError(401, 'totp_required', 'the code does not match; try the next one', 'totp_code'),
    );
    await submit();
    q('totp_code')!.value = '000000';
    await submit();
    const code = q('totp_code')!;
    expect(code.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(code.getAttribute('aria-describedby')!.split(' ').pop()!)?.textContent).toContain(
      'the code does not match',
    );
    expect(done).not.toHaveBeenCalled();
  });

  it('says the credentials are wrong without revealing which one', async () => {
    const { q, submit, el } = render();
    q('username')!.value = 'admin';
    q('password')!.value = 'nope';
    scriptFetch(apiError(401, 'unauthenticated', 'wrong username or password'));
    await submit();
    expect(el.querySelector('.form-status')?.textContent).toBe(ar['signin.badCredentials']);
    expect(q('password')!.value).toBe('');
    expect(q('username')!.value).toBe('admin');
  });

  it('keeps the typed username across a language switch', async () => {
    const { q, el } = render();
    q('username')!.value = 'salma';
    await setLocale('fr');
    expect(el.querySelector('h1')?.textContent).toBe(fr['signin.title']);
    expect(q('username')!.value).toBe('salma');
    expect(document.documentElement.dir).toBe('ltr');
  });
});
