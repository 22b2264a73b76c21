// The audit log: latest entries first, paged with before_seq, and "verify chain", which asks the
// server to recompute the hash chain and shows the result.
import { api, withQuery, type AuditEntry, type AuditPage, type VerifyReport } from '../../lib/api';
import { h } from '../../lib/dom';
import { messageFor } from '../../lib/forms';
import { roleLabel } from '../../lib/reference';
import type { RouteContext } from '../../lib/router';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading } from '../common';
import { adminPage } from './layout';

const PAGE_SIZE = 50;

export function auditView(ctx: RouteContext): HTMLElement {
  const result = h('div', { class: 'verify-result', role: 'status', 'aria-live': 'polite', 'data-testid': 'verify-result' });
  const verifyBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'verify-chain' }, tr('admin.audit.verify'));
  const list = h('div', null, loading());
  const pager = h('nav', { class: 'pager', 'aria-label': tr('admin.audit.pages') });
  const page = adminPage('audit', 'admin.audit', h('div', { class: 'verify' }, verifyBtn, result), list, pager);

  verifyBtn.addEventListener('click', async () => {
    verifyBtn.disabled = true;
    result.replaceChildren(h('p', null, tr('admin.audit.verifying')));
    try {
      const r = await api.get<VerifyReport>('/api/v1/audit/verify');
      result.replaceChildren(verifyReport(r));
    } catch (err) {
      result.replaceChildren(h('p', { class: 'error' }, messageFor(err)));
    } finally {
      verifyBtn.disabled = false;
    }
  });

  // `before` of each page shown so far, so "newer" can go back.
  const stack: (number | null)[] = [];
  const show = async (before: number | null) => {
    list.replaceChildren(loading());
    pager.replaceChildren();
    let p: AuditPage;
    try {
      p = await api.get<AuditPage>(withQuery('/api/v1/audit', { limit: PAGE_SIZE, before_seq: before }));
    } catch (err) {
      if (ctx.live()) list.replaceChildren(loadError(err, () => void show(before)));
      return;
    }
    if (!ctx.live()) return;
    list.replaceChildren(auditTable(p.items));
    if (stack.length > 0) {
      pager.append(
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => void show(stack.pop() ?? null) }, tr('admin.audit.newer')),
      );
    }
    if (p.next_before_seq !== null && p.next_before_seq !== undefined) {
      const next = p.next_before_seq;
      pager.append(
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small',
            'data-testid': 'audit-older',
            onclick: () => {
              stack.push(before);
              void show(next);
            },
          },
          tr('admin.audit.older'),
        ),
      );
    }
  };
  void show(null);
  return page;
}

function verifyReport(r: VerifyReport): HTMLElement {
  if (r.ok) {
    return h('p', { class: 'ok' }, () => t('admin.audit.verifyOk', { count: formatNumber(r.entries) }));
  }
  return h(
    'div',
    { class: 'error' },
    h('p', null, () => t('admin.audit.verifyBad', { count: formatNumber(r.entries), problems: formatNumber(r.problems.length) })),
    h(
      'ul',
      null,
      r.problems.map((p) => h('li', null, h('bdi', { dir: 'ltr' }, `#${p.seq} ${p.kind}: ${p.message}`))),
    ),
  );
}

function auditTable(items: AuditEntry[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('admin.audit.none'));
  const cols = ['admin.audit.seq', 'admin.audit.time', 'admin.audit.who', 'admin.audit.action', 'admin.audit.record', 'admin.audit.decision', 'admin.audit.reason', 'admin.audit.from'];
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': tr('admin.audit') },
    h(
      'table',
      { class: 'table table-dense', 'data-testid': 'audit-table' },
      h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, tr(k))))),
      h(
        'tbody',
        null,
        items.map((e) =>
          h(
            'tr',
            null,
            h('td', null, () => formatNumber(e.seq)),
            h('td', null, h('time', { datetime: e.time }, () => formatDateTime(e.time))),
            h('td', null, e.username ? h('bdi', { dir: 'ltr' }, e.username) : '—', e.role ? h('span', { class: 'muted' }, ' (', roleLabel(e.role), ')') : null),
            h('td', null, h('code', { dir: 'ltr' }, e.action)),
            h('td', null, e.record_type ? h('bdi', { dir: 'ltr' }, `${e.record_type}${e.record_id ? ` ${e.record_id}` : ''}`) : '—'),
            h('td', { class: `decision decision-${e.decision}` }, tr(`admin.audit.decision.${e.decision === 'allowed' || e.decision === 'denied' ? e.decision : 'other'}`), e.decision === 'allowed' || e.decision === 'denied' ? null : ` ${e.decision}`),
            h('td', null, e.reason ?? ''),
            h('td', null, e.client_addr ? h('bdi', { dir: 'ltr' }, e.client_addr) : ''),
          ),
        ),
      ),
    ),
  );
}
