// Her receipt after an intake: the reference code (to quote at any other service) and the
// follow-up code (to see the status of her case at /status), shown once — it is kept in this
// page's memory only and is gone when the page is left. Printable (the print stylesheet keeps
// only the receipt).
import { h } from '../../lib/dom';
import { formatDateTime, tr } from '../../i18n';
import { pageHeading } from '../common';
import { casePath, type CreatedCase } from './model';

/** Codes are read and printed in groups, left to right, in a monospace font. */
export function codeBlock(code: string, testid: string): HTMLElement {
  return h('p', { class: 'code-block', dir: 'ltr', 'data-testid': testid }, h('bdi', null, code));
}

export function receiptView(created: CreatedCase): HTMLElement {
  const r = created.receipt;
  const statusUrl = `${location.origin}/status`;
  return h(
    'section',
    { class: 'receipt-page' },
    pageHeading('receipt.title'),
    h('p', { class: 'panel panel-warn', role: 'alert' }, tr('receipt.onceWarning')),
    h(
      'article',
      { class: 'receipt', 'data-testid': 'receipt', 'aria-labelledby': 'receipt-h' },
      h('h2', { id: 'receipt-h' }, tr('receipt.heading')),
      h('p', null, tr('receipt.issued', { unit: r.unit_name, date: formatDateTime(r.issued_at) })),
      h('h3', null, tr('receipt.referenceCode')),
      codeBlock(r.reference_code, 'receipt-reference'),
      h('p', null, tr('receipt.referenceHelp')),
      h('h3', null, tr('receipt.followupCode')),
      codeBlock(r.followup_code, 'receipt-followup'),
      h('p', null, tr('receipt.followupHelp', { url: statusUrl })),
      h('ul', null, ['receipt.tip.private', 'receipt.tip.ngo', 'receipt.tip.lost', 'receipt.tip.danger'].map((k) => h('li', null, tr(k)))),
    ),
    h(
      'div',
      { class: 'form-actions no-print' },
      h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'receipt-print', onclick: () => window.print() }, tr('receipt.print')),
      ' ',
      h('a', { href: casePath(created.case.id), class: 'btn', 'data-testid': 'receipt-open-case' }, tr('receipt.openCase')),
    ),
  );
}
