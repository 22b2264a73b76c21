// "Status of my case": she (or an association, with her) types the follow-up code from her
// receipt and reads a plain-language status — received, in progress, closed — and nothing about
// units, justice or shelters (POST /api/v1/public/case-status answers unknown codes in the same
// shape). No account, nothing stored in the browser; the code is cleared after each look-up.
import { api, ApiError } from '../../lib/api';
import { h, icon } from '../../lib/dom';
import { Field, Form, messageFor } from '../../lib/forms';
import { tr } from '../../i18n';
import { pageHeading } from '../common';
import { ICONS } from '../icons';

export interface PublicStatus {
  status: 'received' | 'in_progress' | 'closed' | 'unknown';
  updated_on: string | null;
}

/** Follow-up codes as printed: 20 letters and digits in groups; dashes and spaces optional. */
export function checkFollowupCode(v: string): { key: string } | null {
  const s = v.replace(/[\s-]/g, '');
  return /^[0-9A-Za-z]{20}$/.test(s) ? null : { key: 'public.status.badCode' };
}

export function statusView(): HTMLElement {
  const result = h('div', { class: 'status-result', 'aria-live': 'polite', 'data-testid': 'status-result' });
  const code = new Field({
    name: 'code',
    label: 'public.status.code',
    hint: 'public.status.codeHint',
    required: true,
    maxLength: 64,
    check: checkFollowupCode,
    attrs: { dir: 'ltr', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', class: 'followup-input' },
  });
  const form: Form = new Form({
    submit: 'public.status.submit',
    attrs: { 'data-testid': 'status-form' },
    onSubmit: async () => {
      try {
        const r = await api.post<PublicStatus>('/api/v1/public/case-status', { code: code.value() });
        result.replaceChildren(statusCard(r));
        (code.control as HTMLInputElement).value = ''; // not left on screen for the next person
      } catch (err) {
        if (err instanceof ApiError && err.status === 429) form.say(tr('public.status.throttled'));
        else form.say(messageFor(err));
      }
    },
  });
  form.add(code);
  return h('article', { class: 'public-status' }, pageHeading('public.status.title'), h('p', { class: 'lead' }, tr('public.status.intro')), form.el, result, h('p', null, h('a', { href: '/help' }, tr('public.status.needHelp'))));
}

function statusCard(r: PublicStatus): HTMLElement {
  const known = r.status !== 'unknown';
  return h(
    'section',
    { class: `card status-${r.status}`, 'data-status': r.status, tabindex: '-1' },
    h('div', { class: 'card-icon' }, icon(known ? ICONS.shield : ICONS.alert, 'icon icon-lg')),
    h(
      'div',
      { class: 'card-body' },
      h('h2', null, tr(`public.status.${r.status}.title`)),
      h('p', null, tr(`public.status.${r.status}.text`)),
      r.updated_on ? h('p', null, tr('public.status.updatedOn'), ' ', h('bdi', { dir: 'ltr' }, r.updated_on)) : null,
    ),
  );
}
