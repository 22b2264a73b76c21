// The three page frames: the staff shell (header, navigation, main), the bare frame of sign-in
// and enrolment, and the public frame of survivor-facing pages (quick exit, four languages,
// nothing stored in the browser). A frame is built once and kept while only its main changes,
// so the header keeps its state across pages.
import { h, live, mount, type Live } from './lib/dom';
import { locale, setLocale, STAFF_LOCALES, PUBLIC_LOCALES, t, tr, type Locale } from './i18n';
import { STAFF_LANGUAGE_KEY } from './config';
import {
  actingIndexValue,
  currentSession,
  isAdministrator,
  setActingIndex,
  signOut,
} from './lib/session';
import { navigate } from './lib/router';
import { languageSwitcher } from './views/common';
import { roleLabel } from './lib/reference';
import { installEscapeShortcut, quickExitButton } from './views/public/quickexit';
import { CASE_SECTORS } from './views/cases/sectors';

type Kind = 'staff' | 'bare' | 'public';
export type Section = 'home' | 'admin' | 'cases' | 'referrals' | 'directory' | 'stats' | 'inbox' | null;

let kind: Kind | null = null;
let shellUser: string | null = null;
let main: HTMLElement | null = null;
let banner: HTMLElement | null = null;
let navLinks: HTMLAnchorElement[] = [];
let stopEscape: (() => void) | null = null;
let firstPaint = true;

function root(): HTMLElement {
  const el = document.getElementById('app');
  if (!el) throw new Error('#app missing');
  return el;
}

/** Staff choice of language lasts for this tab only; survivor pages store nothing at all. */
export async function chooseLanguage(l: Locale, remember: boolean): Promise<void> {
  await setLocale(l);
  if (!remember) return;
  try {
    sessionStorage.setItem(STAFF_LANGUAGE_KEY, l);
  } catch {
    // storage may be disabled; the choice then lasts until reload
  }
}

function setTitle(title: Live): void {
  let el = document.head.querySelector('title');
  if (!el) el = document.head.appendChild(document.createElement('title'));
  el.replaceChildren(live(() => `${title()} — ${t('app.name')}`));
}

function present(content: Node, title: Live): void {
  if (!main) return;
  main.replaceChildren(content);
  setTitle(title);
  if (banner) banner.replaceChildren();
  // After a navigation, move focus to the new page's heading so screen readers announce it.
  if (!firstPaint) {
    const target = main.querySelector<HTMLElement>('h1[tabindex]') ?? main;
    target.focus();
  }
  firstPaint = false;
  window.scrollTo?.(0, 0);
}

function leavePublic(): void {
  stopEscape?.();
  stopEscape = null;
}

function skipLink(): HTMLAnchorElement {
  return h('a', { class: 'skip-link', href: '#main' }, tr('common.skipToContent'));
}

function buildStaff(): void {
  const s = currentSession();
  if (!s) return;
  const user = s.user;
  const ms = user.memberships;
  const membershipText = (i: number) => () => {
    const m = ms[i];
    return m ? `\u2068${m.unit_name}\u2069 — ${roleLabel(m.role)()}` : '';
  };
  const acting =
    ms.length > 1
      ? h(
          'div',
          { class: 'acting' },
          h('label', { for: 'acting-as' }, tr('shell.actingAs')),
          h(
            'select',
            {
              id: 'acting-as',
              value: String(actingIndexValue()),
              onchange: (e: Event) => setActingIndex(Number((e.target as HTMLSelectElement).value)),
            },
            ms.map((_, i) => h('option', { value: String(i) }, membershipText(i))),
          ),
        )
      : h('p', { class: 'acting' }, h('span', { class: 'sr-only' }, tr('shell.actingAs')), ' ', membershipText(0));
  const links: [Section, string, string][] = [['home', '/', 'nav.home']];
  // Case-working units start their day from the inbox: it comes first.
  if (ms.some((m) => CASE_SECTORS.includes(m.sector))) links.unshift(['inbox', '/inbox', 'nav.inbox']);
  if (ms.some((m) => CASE_SECTORS.includes(m.sector))) links.push(['cases', '/cases', 'case.nav'], ['referrals', '/referrals', 'ref.nav']);
  links.push(['directory', '/directory', 'dir.nav']);
  if (ms.some((m) => ['administrator', 'commission_member', 'unit_head'].includes(m.role))) links.push(['stats', '/stats', 'nav.stats']);
  if (isAdministrator()) links.push(['admin', '/admin', 'nav.admin']);
  navLinks = links.map(([section, href, key]) => h('a', { href, 'data-section': section }, tr(key)));
  main = h('main', { id: 'main', tabindex: '-1' });
  banner = h('div', { class: 'banner', role: 'alert' });
  mount(
    root(),
    skipLink(),
    h(
      'header',
      { class: 'app-header' },
      h('a', { href: '/', class: 'brand' }, tr('app.name')),
      h('div', { class: 'who' }, h('p', { class: 'user-name' }, h('bdi', null, user.display_name)), acting),
      languageSwitcher(STAFF_LOCALES, (l) => void chooseLanguage(l, true)),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-quiet',
          'data-testid': 'sign-out',
          onclick: async () => {
            try {
              await signOut();
            } catch {
              // the server session will time out; locally we are signed out already
            }
            await navigate('/signin', { replace: true });
          },
        },
        tr('shell.signOut'),
      ),
    ),
    h('nav', { class: 'main-nav', 'aria-label': tr('nav.label') }, h('ul', null, navLinks.map((a) => h('li', null, a)))),
    banner,
    main,
    h('footer', { class: 'app-footer' }, h('p', null, tr('shell.footer'))),
  );
  kind = 'staff';
  shellUser = user.id;
}

export async function showStaff(content: Node, title: Live, section: Section): Promise<void> {
  leavePublic();
  // Tamazight covers survivor pages only; staff pages fall back to Arabic.
  if (locale() === 'zgh') await setLocale('ar');
  const s = currentSession();
  if (kind !== 'staff' || shellUser !== s?.user.id) buildStaff();
  for (const a of navLinks) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  present(content, title);
}

/** Frame without navigation (sign-in, enrolment, not found). */
export async function showBare(content: Node, title: Live): Promise<void> {
  leavePublic();
  if (locale() === 'zgh') await setLocale('ar');
  if (kind !== 'bare') {
    main = h('main', { id: 'main', tabindex: '-1', class: 'narrow' });
    banner = null;
    mount(
      root(),
      skipLink(),
      h(
        'header',
        { class: 'app-header' },
        h('span', { class: 'brand' }, tr('app.name')),
        languageSwitcher(STAFF_LOCALES, (l) => void chooseLanguage(l, true)),
      ),
      main,
      h('footer', { class: 'app-footer' }, h('p', null, h('a', { href: '/help' }, tr('signin.lookingForHelp')))),
    );
    kind = 'bare';
    shellUser = null;
  }
  present(content, title);
}

/** Survivor-facing frame: quick exit first in the tab order, four languages, no storage. */
export function showPublic(content: Node, title: Live): void {
  if (kind !== 'public') {
    main = h('main', { id: 'main', tabindex: '-1', class: 'public-main' });
    banner = null;
    mount(
      root(),
      h(
        'header',
        { class: 'public-header' },
        quickExitButton(),
        skipLink(),
        h('span', { class: 'brand' }, tr('app.name')),
        languageSwitcher(PUBLIC_LOCALES, (l) => void chooseLanguage(l, false)),
      ),
      h('p', { class: 'quick-exit-hint' }, tr('public.quickExitHint')),
      main,
      h(
        'footer',
        { class: 'public-footer' },
        h('p', null, tr('public.footer.privacy')),
        h('p', null, h('a', { href: '/where-to-go' }, tr('public.footer.where'))),
        h('p', null, h('a', { href: '/report' }, tr('public.footer.report'))),
        h('p', null, h('a', { href: '/status' }, tr('public.footer.status'))),
        h('p', null, h('a', { href: '/signin' }, tr('public.footer.staff'))),
      ),
    );
    kind = 'public';
    shellUser = null;
    stopEscape = installEscapeShortcut();
  }
  present(content, title);
}

/** Shows a message above the page without replacing it (e.g. "your session ended"). */
export function showBanner(...content: (Node | string)[]): void {
  if (banner) banner.replaceChildren(...content);
}

/** Forgets the frame so the next page builds it anew (after sign-in or sign-out). */
export function resetFrame(): void {
  leavePublic();
  kind = null;
  shellUser = null;
}
