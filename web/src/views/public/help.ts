// "Where to get help": the ways a woman or a child can get help, in plain words with icons. No
// account, nothing stored in the browser, quick exit always at hand (see frame.ts).
import { HELPLINES } from '../../config';
import { h, icon } from '../../lib/dom';
import { tr } from '../../i18n';
import { pageHeading } from '../common';
import { ICONS } from '../icons';

/** A phone number as a big tap-to-call link; digits always read left to right. */
function call(number: string, labelKey: string): HTMLElement {
  return h(
    'a',
    { href: `tel:${number}`, class: 'call', 'data-external': '' },
    icon(ICONS.phone),
    h('span', { class: 'call-number', dir: 'ltr' }, number),
    h('span', { class: 'call-label' }, tr(labelKey)),
  );
}

function card(iconPaths: readonly string[], titleKey: string, ...body: (Node | string)[]): HTMLElement {
  const id = `card-${titleKey.replace(/\W/g, '-')}`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': id },
    h('div', { class: 'card-icon' }, icon(iconPaths, 'icon icon-lg')),
    h('div', { class: 'card-body' }, h('h2', { id }, tr(titleKey)), ...body),
  );
}

const p = (key: string, params?: Record<string, string>) => h('p', null, tr(key, params));

export function helpView(): HTMLElement {
  return h(
    'article',
    { class: 'help' },
    pageHeading('public.help.title'),
    h('p', { class: 'lead' }, tr('public.help.intro')),

    h(
      'section',
      { class: 'urgent', 'aria-labelledby': 'urgent-title' },
      h('h2', { id: 'urgent-title' }, icon(ICONS.alert), ' ', tr('public.help.danger.title')),
      p('public.help.danger.text'),
      h(
        'div',
        { class: 'calls' },
        call(HELPLINES.police, 'public.help.call.police'),
        call(HELPLINES.gendarmerie, 'public.help.call.gendarmerie'),
        call(HELPLINES.ambulance, 'public.help.call.ambulance'),
      ),
    ),

    h(
      'div',
      { class: 'cards' },
      card(
        ICONS.phone,
        'public.help.line.title',
        p('public.help.line.text', { number: HELPLINES.women }),
        h('div', { class: 'calls' }, call(HELPLINES.women, 'public.help.call.women')),
      ),
      card(ICONS.shield, 'public.help.police.title', p('public.help.police.text'), p('public.help.police.text2')),
      card(ICONS.hospital, 'public.help.hospital.title', p('public.help.hospital.text'), p('public.help.hospital.text2')),
      card(ICONS.people, 'public.help.ngo.title', p('public.help.ngo.text'), p('public.help.ngo.text2')),
      card(ICONS.scales, 'public.help.prosecutor.title', p('public.help.prosecutor.text')),
      card(
        ICONS.child,
        'public.help.child.title',
        p('public.help.child.text', { number: HELPLINES.children }),
        h('div', { class: 'calls' }, call(HELPLINES.children, 'public.help.call.children')),
      ),
    ),

    h(
      'section',
      { class: 'rights', 'aria-labelledby': 'rights-title' },
      h('h2', { id: 'rights-title' }, icon(ICONS.heart), ' ', tr('public.help.rights.title')),
      h(
        'ul',
        null,
        ['free', 'consent', 'reconcile', 'language', 'companion', 'fault'].map((k) => h('li', null, tr(`public.help.rights.${k}`))),
      ),
    ),

    h(
      'section',
      { class: 'safety', 'aria-labelledby': 'safety-title' },
      h('h2', { id: 'safety-title' }, icon(ICONS.eye), ' ', tr('public.help.safety.title')),
      p('public.help.safety.exit'),
      p('public.help.safety.history'),
    ),
  );
}
