// The inbox: the open work items of the person's units and those they issued, overdue first then
// urgent (a priority badge with text), each with the case's reference code (never a name), the
// type in the current language, from and to units, the deadline (relative and absolute), the
// state and the moves the target unit may make, sending the version it read (409: someone else
// acted first; the list reloads). Then the alerts of the units the person heads and the count of
// incoming referrals waiting. Live: reloads on each `inbox` server event; every 60 s without them.
import { api, ApiError } from '../../lib/api';
import { h } from '../../lib/dom';
import { messageFor } from '../../lib/forms';
import { type RouteContext } from '../../lib/router';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading } from '../common';
import {
  actionPath,
  actionsFor,
  dueText,
  isTarget,
  loadCatalogue,
  orderItems,
  overdueBadge,
  priorityBadge,
  stateLabel,
  typeLabel,
  type Action,
  type Inbox,
  type InstructionType,
  type WorkItem,
} from './model';

export const POLL_MS = 60_000;
const WATCH_MS = 5_000;

/** The body a move sends, or null when a required text is missing. */
function moveBody(w: WorkItem, a: Action, text: string, code: string): Record<string, unknown> {
  const body: Record<string, unknown> = { version: w.version };
  if (a === 'refuse' || a === 'decline') body.reason = text;
  if (a === 'complete' && text) body.outcome = text;
  if (a === 'complete' && w.kind === 'withdrawal_review') body.outcome_code = code;
  return body;
}

/** Whether a move asks for a text first (an outcome, a reason). */
function needsText(w: WorkItem, a: Action): boolean {
  if (a === 'refuse' || a === 'decline') return true;
  return a === 'complete' && (w.kind === 'instruction' || w.kind === 'withdrawal_review');
}

function actionLabel(w: WorkItem, a: Action): () => string {
  if (w.kind === 'health_followup' && a === 'complete') return tr('coord.action.done');
  return tr(`coord.action.${a}`);
}

/** The buttons of one item; `act` sends the move and reports. */
export function itemActions(w: WorkItem, act: (a: Action, body: Record<string, unknown>) => Promise<void>): HTMLElement | null {
  if (!isTarget(w)) return null;
  const moves = actionsFor(w);
  if (moves.length === 0) return null;
  const slot = h('div', { class: 'item-form' });
  const buttons = moves.map((a) =>
    h(
      'button',
      {
        type: 'button',
        class: a === 'refuse' || a === 'decline' ? 'btn btn-small btn-quiet' : 'btn btn-small',
        'data-action': a,
        onclick: () => {
          if (!needsText(w, a)) {
            void act(a, moveBody(w, a, '', ''));
            return;
          }
          slot.replaceChildren(textForm(w, a, act));
          slot.querySelector<HTMLElement>('textarea')?.focus();
        },
      },
      actionLabel(w, a),
      h('span', { class: 'sr-only' }, `: ${w.reference_code}`),
    ),
  );
  return h('div', { class: 'item-actions' }, h('div', { class: 'actions' }, buttons), slot);
}

function textForm(w: WorkItem, a: Action, act: (a: Action, body: Record<string, unknown>) => Promise<void>): HTMLElement {
  const id = `wi-${w.id}-${a}`;
  const err = h('p', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
  const label = a === 'complete' ? (w.kind === 'withdrawal_review' ? 'coord.field.reviewNote' : 'coord.field.outcome') : 'coord.field.reason';
  const text = h('textarea', { id, name: a === 'complete' ? 'outcome' : 'reason', rows: 3, maxlength: a === 'complete' ? 4000 : 2000, 'aria-describedby': `${id}-err` });
  const code =
    w.kind === 'withdrawal_review' && a === 'complete'
      ? h(
          'select',
          { id: `${id}-code`, name: 'outcome_code' },
          ['no_pressure', 'pressure_suspected'].map((c) => h('option', { value: c }, tr(`coord.outcomeCode.${c}`))),
        )
      : null;
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      'data-testid': `form-${a}`,
      onsubmit: (e: Event) => {
        e.preventDefault();
        const v = text.value.trim();
        const c = code?.value ?? '';
        const required = a !== 'complete' || w.kind === 'instruction' || c === 'pressure_suspected';
        if (required && !v) {
          err.replaceChildren(t('error.required'));
          text.setAttribute('aria-invalid', 'true');
          text.focus();
          return;
        }
        void act(a, moveBody(w, a, v, c));
      },
    },
    code ? h('div', { class: 'field' }, h('label', { for: `${id}-code` }, tr('coord.field.outcomeCode')), code) : null,
    h('div', { class: 'field' }, h('label', { for: id }, tr(label)), text, err),
    h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, actionLabel(w, a)),
  );
  return form;
}

export function itemLine(w: WorkItem, types: InstructionType[], act: ((a: Action, body: Record<string, unknown>) => Promise<void>) | null): HTMLElement {
  const msg = h('div', { class: 'item-msg', role: 'status' });
  const run = act
    ? async (a: Action, body: Record<string, unknown>) => {
        msg.replaceChildren();
        try {
          await act(a, body);
        } catch (err) {
          msg.replaceChildren(h('p', { class: 'field-error' }, messageFor(err)));
        }
      }
    : null;
  return h(
    'li',
    { class: `work-item priority-${w.priority}${w.overdue ? ' is-overdue' : ''}`, 'data-testid': 'work-item', 'data-id': w.id, 'data-state': w.state, 'data-priority': w.priority, 'data-type': w.type },
    h(
      'p',
      { class: 'item-head' },
      w.overdue ? [overdueBadge(), ' '] : null,
      priorityBadge(w.priority),
      ' ',
      h('strong', { class: 'item-type' }, typeLabel(w, types)),
      ' — ',
      h('a', { href: `/cases/${encodeURIComponent(w.case_id)}/instructions`, 'data-testid': 'item-reference' }, h('bdi', { dir: 'ltr', class: 'code' }, w.reference_code)),
    ),
    h(
      'dl',
      { class: 'facts facts-inline' },
      h('dt', null, tr('coord.from')),
      h('dd', null, w.issuer_unit ? h('bdi', null, w.issuer_unit.name) : tr('coord.system')),
      h('dt', null, tr('coord.to')),
      h('dd', null, w.target_unit ? h('bdi', null, w.target_unit.name) : tr('coord.unassigned')),
      h('dt', null, tr('coord.due')),
      h('dd', null, dueText(w)),
      h('dt', null, tr('coord.state')),
      h('dd', { 'data-testid': 'item-state' }, stateLabel(w.state)),
    ),
    run ? itemActions(w, run) : null,
    msg,
  );
}

function alertsList(alerts: Inbox['alerts']): HTMLElement {
  if (alerts.length === 0) return h('p', { class: 'empty' }, tr('inbox.noAlerts'));
  return h(
    'ul',
    { class: 'alerts', 'data-testid': 'inbox-alerts' },
    alerts.map((a) =>
      h(
        'li',
        { 'data-kind': a.kind },
        h('strong', null, () => {
          const key = `inbox.alert.${a.kind}`;
          const s = t(key);
          return s === key ? a.kind : s;
        }),
        a.case_id && a.reference_code ? [' — ', h('a', { href: `/cases/${encodeURIComponent(a.case_id)}` }, h('bdi', { dir: 'ltr', class: 'code' }, a.reference_code))] : null,
        ' — ',
        () => formatDateTime(a.created_at),
      ),
    ),
  );
}

interface Live {
  close(): void;
}

/** Opens the server's event stream; null when the browser has none or it cannot be opened. */
function openEvents(onInbox: () => void, onFail: () => void): Live | null {
  if (typeof EventSource !== 'function') return null;
  try {
    const es = new EventSource('/api/v1/events');
    es.addEventListener('inbox', () => onInbox());
    es.onerror = () => {
      // A closed stream (e.g. the endpoint is missing) falls back to polling.
      if (es.readyState === EventSource.CLOSED) onFail();
    };
    return es;
  } catch {
    return null;
  }
}

export function inboxView(ctx: RouteContext): HTMLElement {
  const status = notice();
  const list = h('div', { 'data-testid': 'inbox-items', 'aria-busy': 'true' }, loading());
  const alerts = h('div', null);
  const referrals = h('p', { class: 'referrals-waiting', 'data-testid': 'referrals-waiting' });
  let types: InstructionType[] = [];

  const act = (w: WorkItem) => async (a: Action, body: Record<string, unknown>) => {
    try {
      await api.post(actionPath(w.id, a), body);
      status.say(tr('inbox.saved', { code: w.reference_code }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        status.say(h('span', { 'data-testid': 'inbox-conflict' }, tr('inbox.conflict')));
        await load();
        return;
      }
      throw err;
    }
    await load();
  };

  const load = async (): Promise<void> => {
    try {
      const [inbox, cat] = await Promise.all([api.get<Inbox>('/api/v1/inbox'), loadCatalogue().catch(() => [] as InstructionType[])]);
      if (!ctx.live()) return;
      types = cat;
      const items = orderItems(inbox.items);
      list.replaceChildren(
        items.length === 0
          ? h('p', { class: 'empty' }, tr('inbox.empty'))
          : h('ul', { class: 'work-items', 'data-testid': 'inbox-list' }, items.map((w) => itemLine(w, types, act(w)))),
      );
      list.removeAttribute('aria-busy');
      alerts.replaceChildren(alertsList(inbox.alerts));
    } catch (err) {
      if (!ctx.live()) return;
      list.replaceChildren(loadError(err, () => void load()));
      list.removeAttribute('aria-busy');
    }
  };

  const loadReferrals = async () => {
    try {
      const r = await api.get<{ items: unknown[] }>('/api/v1/referrals?box=incoming&state=proposed');
      if (!ctx.live()) return;
      const n = r.items.length;
      referrals.replaceChildren(h('a', { href: '/referrals' }, tr('inbox.referralsWaiting', { n: formatNumber(n) })));
    } catch {
      referrals.replaceChildren();
    }
  };

  // Live updates while the page is shown; polling when the event stream is not there.
  let es: Live | null = null;
  let sinceLoad = 0;
  let polling = false;
  const startPolling = () => {
    es?.close();
    es = null;
    polling = true;
  };
  es = openEvents(() => {
    if (ctx.live()) void load();
  }, startPolling);
  if (!es) polling = true;
  const timer = setInterval(() => {
    if (!ctx.live()) {
      es?.close();
      es = null;
      clearInterval(timer);
      return;
    }
    sinceLoad += WATCH_MS;
    if (polling && sinceLoad >= POLL_MS) {
      sinceLoad = 0;
      void load();
      void loadReferrals();
    }
  }, WATCH_MS);

  void load();
  void loadReferrals();
  return h(
    'section',
    { class: 'inbox' },
    pageHeading('inbox.title'),
    h('p', { class: 'lead' }, tr('inbox.intro')),
    status.el,
    referrals,
    h('h2', null, tr('inbox.items')),
    list,
    h('h2', null, tr('inbox.alerts')),
    alerts,
  );
}
