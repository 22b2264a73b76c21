// Small shared pieces: page headings, the language switcher, the "withheld" notice, loading and
// error panels.
import { h, icon, type Child, type Live } from '../lib/dom';
import { locale, t, tr, type Locale } from '../i18n';
import { ApiError } from '../lib/api';
import { messageFor } from '../lib/forms';
import { ICONS } from './icons';

/** The page's <h1>; focusable so that navigation can move focus to it. */
export function pageHeading(key: string | Live): HTMLHeadingElement {
  return h('h1', { tabindex: '-1', class: 'page-title' }, typeof key === 'string' ? tr(key) : key);
}

/**
 * Buttons to switch language, each written in its own language and marked with `lang`. The
 * pressed one is the current language.
 */
export function languageSwitcher(locales: readonly Locale[], pick: (l: Locale) => void): HTMLElement {
  const buttons = locales.map((l) =>
    h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          class: 'lang-btn',
          lang: l,
          dir: l === 'ar' ? 'rtl' : 'ltr',
          'aria-pressed': () => String(l === locale()),
          'data-locale': l,
          onclick: () => pick(l),
        },
        t(`lang.${l}`),
      ),
    ),
  );
  return h('nav', { class: 'lang-switcher', 'aria-label': tr('lang.switcher') }, h('ul', null, buttons));
}

/** Shown in place of information the API refused (403). */
export function withheld(): HTMLElement {
  return h(
    'section',
    { class: 'withheld', role: 'status', 'data-testid': 'withheld' },
    icon(ICONS.lock, 'icon icon-lg'),
    h('h2', null, tr('withheld.title')),
    h('p', null, tr('withheld.text')),
  );
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, tr('common.loading'));
}

/** An error panel for a failed load; 403 becomes the withheld notice. */
export function loadError(err: unknown, retry?: () => void): HTMLElement {
  if (err instanceof ApiError && err.status === 403) return withheld();
  return h(
    'div',
    { class: 'panel panel-error', role: 'alert' },
    h('p', null, messageFor(err)),
    retry ? h('button', { type: 'button', class: 'btn', onclick: retry }, tr('common.retry')) : null,
  );
}

/** A region that announces short messages politely (saved, counts, results). */
export function notice(): { el: HTMLElement; say: (msg: Child) => void } {
  const el = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    say: (msg: Child) => {
      el.replaceChildren();
      if (msg) el.append(h('p', null, msg));
    },
  };
}
