// Home: a greeting and the person's memberships (unit, sector, role).
import { h } from '../lib/dom';
import { currentSession } from '../lib/session';
import { roleLabel, sectorLabel } from '../lib/reference';
import { tr } from '../i18n';
import { pageHeading } from './common';
import { CASE_SECTORS } from './cases/sectors';

export function homeView(): HTMLElement {
  const user = currentSession()?.user;
  if (!user) return h('section');
  return h(
    'section',
    { class: 'home' },
    pageHeading(tr('home.greeting', { name: `\u2068${user.display_name}\u2069` })),
    h('p', { class: 'lead' }, tr('home.intro')),
    user.memberships.some((m) => CASE_SECTORS.includes(m.sector)) ? h('p', null, h('a', { href: '/inbox', class: 'btn', 'data-testid': 'home-inbox' }, tr('home.inbox'))) : null,
    h('p', null, h('a', { href: '/me/notifications', 'data-testid': 'home-notify' }, tr('notify.pref.title'))),
    h('h2', null, tr('home.memberships')),
    user.memberships.length === 0
      ? h('p', null, tr('home.noMemberships'))
      : h(
          'table',
          { class: 'table', 'data-testid': 'memberships' },
          h('caption', { class: 'sr-only' }, tr('home.memberships')),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, tr('field.unit')), h('th', { scope: 'col' }, tr('field.sector')), h('th', { scope: 'col' }, tr('field.role'))),
          ),
          h(
            'tbody',
            null,
            user.memberships.map((m) => h('tr', null, h('td', null, m.unit_name), h('td', null, sectorLabel(m.sector)), h('td', null, roleLabel(m.role)))),
          ),
        ),
  );
}
