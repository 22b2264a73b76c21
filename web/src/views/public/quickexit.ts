// Quick exit for survivor-facing pages: one click on the button, or Escape pressed twice, blanks
// the page and replaces the current history entry with a neutral site, so "back" does not return
// here. Public pages navigate with history.replaceState, so the whole visit is one entry.
import { QUICK_EXIT_ESCAPE_WINDOW_MS, QUICK_EXIT_URL } from '../../config';
import { h, icon } from '../../lib/dom';
import { tr } from '../../i18n';
import { ICONS } from '../icons';

/** The navigation itself, behind an object so tests can observe it (jsdom cannot navigate). */
export const exitNavigation = {
  replace(url: string): void {
    window.location.replace(url);
  },
};

export function quickExit(): void {
  try {
    document.title = '';
    document.body.replaceChildren();
  } finally {
    exitNavigation.replace(QUICK_EXIT_URL);
  }
}

export function quickExitButton(): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: 'quick-exit', 'data-testid': 'quick-exit', onclick: quickExit },
    icon(ICONS.exit, 'icon icon-flip'),
    h('span', null, tr('public.quickExit')),
  );
}

/** Listens for Escape twice within a short time; returns the function that stops listening. */
export function installEscapeShortcut(now: () => number = () => Date.now()): () => void {
  let last = -Infinity;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' && e.key !== 'Esc') return;
    const t = now();
    if (t - last <= QUICK_EXIT_ESCAPE_WINDOW_MS) quickExit();
    else last = t;
  };
  document.addEventListener('keydown', onKey, true);
  return () => document.removeEventListener('keydown', onKey, true);
}
