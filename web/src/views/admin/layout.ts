// The Administration section: its sub-navigation, and the "withheld" notice for anyone who is
// not an administrator (the server refuses them too: any 403 also shows the notice).
import { h, type Child } from '../../lib/dom';
import { tr } from '../../i18n';
import { pageHeading, withheld } from '../common';

export type AdminTab = 'units' | 'users' | 'audit' | 'notifications';

export function adminPage(tab: AdminTab, titleKey: string, ...content: Child[]): HTMLElement {
  const tabs: [AdminTab, string, string][] = [
    ['units', '/admin/units', 'admin.units'],
    ['users', '/admin/users', 'admin.users'],
    ['audit', '/admin/audit', 'admin.audit'],
    ['notifications', '/admin/notifications', 'notify.title'],
  ];
  return h(
    'div',
    { class: 'admin' },
    h(
      'nav',
      { class: 'sub-nav', 'aria-label': tr('nav.admin') },
      h(
        'ul',
        null,
        tabs.map(([t, href, key]) => h('li', null, h('a', { href, 'aria-current': t === tab ? 'page' : undefined }, tr(key)))),
      ),
    ),
    pageHeading(titleKey),
    ...content,
  );
}

/** What a non-administrator sees on any admin page. */
export function adminWithheld(): HTMLElement {
  return h('div', { class: 'admin' }, pageHeading('nav.admin'), withheld());
}
