import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshPublicPage } from '../../test/public';
import { showPublic } from '../../frame';
import { helpView } from './help';
import { exitNavigation, installEscapeShortcut, quickExit } from './quickexit';
import { QUICK_EXIT_URL } from '../../config';
import { tr } from '../../i18n';
import zgh from '../../i18n/zgh.json';

beforeEach(freshPublicPage);
afterEach(() => vi.restoreAllMocks());

describe('public help page', () => {
  it('has the quick exit first, landmarks, and real help (phone numbers)', () => {
    showPublic(helpView(), tr('public.help.title'));
    const focusable = document.querySelectorAll('button, a[href]');
    expect(focusable[0]?.getAttribute('data-testid')).toBe('quick-exit');
    expect(document.querySelector('header')).not.toBeNull();
    expect(document.querySelector('main#main')).not.toBeNull();
    expect(document.querySelector('footer')).not.toBeNull();
    const tel = [...document.querySelectorAll('a[href^="tel:"]')].map((a) => a.getAttribute('href'));
    expect(tel).toEqual(expect.arrayContaining(['tel:19', 'tel:177', 'tel:8350', 'tel:2511']));
    expect(document.querySelector('[data-locale="zgh"]')?.textContent).toBe('ⵜⴰⵎⴰⵣⵉⵖⵜ');
  });

  it('switches to Tamazight in place and stores nothing in the browser', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    showPublic(helpView(), tr('public.help.title'));
    document.querySelector<HTMLButtonElement>('[data-locale="zgh"]')!.click();
    await vi.waitFor(() => expect(document.documentElement.lang).toBe('zgh'));
    expect(document.querySelector('h1')?.textContent).toBe(zgh['public.help.title']);
    expect(document.querySelector('[data-locale="zgh"]')?.getAttribute('aria-pressed')).toBe('true');
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length + sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });
});

describe('quick exit', () => {
  it('the button blanks the page and replaces the history entry with the neutral page', () => {
    const replace = vi.spyOn(exitNavigation, 'replace').mockImplementation(() => {});
    showPublic(helpView(), tr('public.help.title'));
    document.querySelector<HTMLButtonElement>('[data-testid="quick-exit"]')!.click();
    expect(replace).toHaveBeenCalledWith(QUICK_EXIT_URL);
    expect(document.body.children.length).toBe(0);
  });

  it('Escape twice within the window exits; once, or twice slowly, does not', () => {
    const replace = vi.spyOn(exitNavigation, 'replace').mockImplementation(() => {});
    let now = 0;
    const stop = installEscapeShortcut(() => now);
    const esc = () => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    esc();
    now = 5000;
    esc();
    expect(replace).not.toHaveBeenCalled();
    now = 5600;
    esc();
    expect(replace).toHaveBeenCalledTimes(1);
    stop();
  });

  it('goes to the configured neutral URL', () => {
    const replace = vi.spyOn(exitNavigation, 'replace').mockImplementation(() => {});
    quickExit();
    expect(replace.mock.calls[0]?.[0]).toMatch(/^https:\/\//);
  });
});
