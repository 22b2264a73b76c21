// Work items (instructions, withdrawal reviews, health follow-ups, measure expiries) as the API
// gives them (docs/coordination.md), the instruction catalogue and the small pieces the inbox
// and the case's Instructions tab share: labels, priority badges, due times, allowed actions.
import { api } from '../../lib/api';
import { h } from '../../lib/dom';
import { currentSession } from '../../lib/session';
import { formatDateTime, locale, t, tr } from '../../i18n';

export type Priority = 'urgent' | 'priority' | 'normal';
export type ItemState = 'issued' | 'acknowledged' | 'in_progress' | 'done' | 'refused' | 'declined' | 'cancelled';
export type Action = 'acknowledge' | 'start' | 'complete' | 'refuse' | 'decline';

export interface UnitName {
  id: string;
  name: string;
}

export interface WorkItem {
  id: string;
  case_id: string;
  reference_code: string;
  kind: 'instruction' | 'withdrawal_review' | 'health_followup' | 'measure_expiry';
  type: string;
  priority: Priority;
  target_unit: UnitName | null;
  issuer_unit: UnitName | null;
  issued_at: string;
  due_at: string;
  state: ItemState;
  version: number;
  overdue: boolean;
  completed_at?: string | null;
  outcome_code?: string | null;
  text_withheld?: boolean;
  note?: string | null;
  outcome?: string | null;
  refusal_reason?: string | null;
}

export interface InboxAlert {
  id: string;
  kind: string;
  unit_id: string;
  case_id: string | null;
  reference_code: string | null;
  ref_id: string | null;
  created_at: string;
}

export interface Inbox {
  items: WorkItem[];
  alerts: InboxAlert[];
}

export interface InstructionType {
  code: string;
  labels: { ar: string; fr: string; en: string };
  sectors: string[];
  default_priority: Priority;
  deadline_minutes: Record<Priority, number>;
  active?: boolean;
}

export const PRIORITIES: readonly Priority[] = ['urgent', 'priority', 'normal'];
const RANK: Record<Priority, number> = { urgent: 0, priority: 1, normal: 2 };

/** Overdue first, then urgent, then priority, then by deadline (as the server orders them). */
export function orderItems(items: WorkItem[]): WorkItem[] {
  return [...items].sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      RANK[a.priority] - RANK[b.priority] ||
      Date.parse(a.due_at) - Date.parse(b.due_at),
  );
}

let catalogue: Promise<InstructionType[]> | null = null;
/** The instruction catalogue, loaded once per page load. */
export function loadCatalogue(): Promise<InstructionType[]> {
  if (!catalogue) {
    catalogue = api.get<{ items: InstructionType[] }>('/api/v1/instruction-types').then(
      (r) => r.items,
      (err) => {
        catalogue = null;
        throw err;
      },
    );
  }
  return catalogue;
}

/** For tests: forget the cached catalogue. */
export function resetCatalogue(): void {
  catalogue = null;
}

/** The item's type in the current language: the catalogue's label, else our own words. */
export function typeLabel(w: Pick<WorkItem, 'kind' | 'type'>, types: InstructionType[]): () => string {
  return () => {
    const l = locale();
    const found = types.find((x) => x.code === w.type);
    if (found && w.kind === 'instruction') return found.labels[l === 'fr' || l === 'en' ? l : 'ar'];
    const key = `coord.type.${w.type}`;
    const s = t(key);
    if (s !== key) return s;
    if (found) return found.labels[l === 'fr' || l === 'en' ? l : 'ar'];
    return t(`coord.kind.${w.kind}`);
  };
}

/** The "coloured envelope": a badge with text, never colour alone. */
export function priorityBadge(p: Priority): HTMLElement {
  return h('span', { class: `badge badge-${p}`, 'data-testid': 'priority-badge', 'data-priority': p }, tr(`coord.priority.${p}`));
}

export function overdueBadge(): HTMLElement {
  return h('span', { class: 'badge badge-overdue', 'data-testid': 'overdue-badge' }, tr('coord.overdue'));
}

const INTL: Record<string, string> = { ar: 'ar-MA', fr: 'fr-MA', en: 'en-GB' };
/** "in 3 hours", "2 days ago" in the current language. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const fmt = new Intl.RelativeTimeFormat(INTL[locale()] ?? 'ar-MA', { numeric: 'auto' });
  if (abs < 3_600_000) return fmt.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return fmt.format(Math.round(diff / 3_600_000), 'hour');
  return fmt.format(Math.round(diff / 86_400_000), 'day');
}

export function dueText(w: WorkItem): HTMLElement {
  return h('span', { class: 'due' }, h('time', { datetime: w.due_at, title: () => formatDateTime(w.due_at) }, () => relativeTime(w.due_at)), ' (', () => formatDateTime(w.due_at), ')');
}

export const stateLabel = (s: string) => tr(`coord.state.${s}`);

/** Whether the signed-in person is staff of the unit the item is addressed to. */
export function isTarget(w: WorkItem): boolean {
  const id = w.target_unit?.id;
  return !!id && !!currentSession()?.user.memberships.some((m) => m.unit_id === id);
}

/** The moves the target unit may make now (docs/coordination.md, "States"). */
export function actionsFor(w: WorkItem): Action[] {
  const s = w.state;
  switch (w.kind) {
    case 'instruction':
      if (s === 'issued') return ['acknowledge', 'start', 'complete', 'refuse'];
      if (s === 'acknowledged') return ['start', 'complete', 'refuse'];
      if (s === 'in_progress') return ['complete', 'refuse'];
      return [];
    case 'withdrawal_review':
      if (s === 'issued') return ['acknowledge', 'start'];
      if (s === 'acknowledged') return ['start'];
      if (s === 'in_progress') return ['complete'];
      return [];
    case 'health_followup':
      if (s === 'issued') return ['acknowledge', 'complete', 'decline'];
      if (s === 'acknowledged') return ['complete', 'decline'];
      return [];
    case 'measure_expiry':
      if (s === 'issued') return ['acknowledge', 'complete'];
      if (s === 'acknowledged') return ['complete'];
      return [];
  }
  return [];
}

export const actionPath = (id: string, a: Action) => `/api/v1/work-items/${encodeURIComponent(id)}/${a}`;
