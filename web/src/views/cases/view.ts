// The case page: the core (reference code, statuses, next steps, holder, risk) on every tab, and
// tabs for the summary (with the explicit, audited "show full identity"), the timeline across
// sectors, the compartments' notes, documents, consents, status moves, danger assessments and
// the access log (printable for her). What the API withholds shows the "withheld" notice.
// Break-the-glass has its own page (a written reason, a time limit).
import { api, ApiError } from '../../lib/api';
import { append, h, mount, type Child } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { navigate, type RouteContext } from '../../lib/router';
import { loadRegions } from '../../lib/reference';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, pageHeading, withheld } from '../common';
import { normaliseReference } from './checks';
import { documentsTab } from './documents';
import { incidentFields } from './incident';
import { survivorFields, type Known } from './survivor';
import { consentsTab } from './consents';
import { referralsTab } from './referrals';
import { instructionsTab } from './instructions';
import { takeFlash } from '../admin/units';
import { acting, caseApi, casePath, loadVocabulary, statusLabel, vlabel, type AccessLogEntry, type CaseView, type Compartment, type Identity, type Risk, type TimelineEntry, type Vocabulary } from './model';
import { choices } from './parts';
import { codeBlock } from './receipt';

export const TABS = ['summary', 'timeline', 'notes', 'documents', 'consents', 'referrals', 'instructions', 'status', 'risk', 'access'] as const;
export type Tab = (typeof TABS)[number];

const dl = (...pairs: [string, Child][]) => h('dl', { class: 'facts' }, pairs.flatMap(([k, v]) => [h('dt', null, tr(k)), h('dd', null, v)]));
const labels = (group: string, vs: string[]) => (vs.length ? () => vs.map((x) => vlabel(group, x)()).join(t('case.listSep')) : tr('case.none'));
const yesNo = (b: boolean) => (b ? tr('common.yes') : tr('common.no'));

function coreHeader(c: CaseView): HTMLElement {
  const service = c.tracks.service;
  const justice = c.tracks.justice;
  const step = (track: string, s: string | null) => (s ? statusLabel(track, s) : tr('case.noNextStep'));
  return h(
    'div',
    { class: 'case-core', 'data-testid': 'case-core' },
    dl(
      ['case.field.reference', h('bdi', { dir: 'ltr', class: 'code', 'data-testid': 'case-reference' }, c.reference_code)],
      ['case.field.kind', vlabel('kind', c.kind)],
      ['case.field.status', h('span', { 'data-testid': 'case-status' }, vlabel('case_status', c.status), c.close_reason ? [' — ', vlabel('close_reason', c.close_reason)] : null)],
      [`case.track.${service.track}`, h('span', { 'data-testid': `track-${service.track}` }, statusLabel(service.track, service.status))],
      ['case.field.nextService', step(service.track, service.next_step)],
      ['case.track.justice', h('span', { 'data-testid': 'track-justice' }, statusLabel('justice', justice.status))],
      ['case.field.nextJustice', step('justice', justice.next_step)],
      ['case.field.holder', h('bdi', null, c.holder.name)],
      ['case.field.openedBy', h('bdi', null, c.opened_by.name)],
      ['case.field.risk', h('span', { class: `risk risk-${c.risk_level}` }, vlabel('risk_level', c.risk_level))],
    ),
    c.child
      ? dl(
          ['case.child.role', c.child.role ? vlabel('child_role', c.child.role) : tr('case.none')],
          ['case.child.mother', c.child.linked_case_id ? h('a', { href: casePath(c.child.linked_case_id) }, tr('case.child.openMother')) : tr('case.none')],
          ['case.child.reportDue', c.child.report_due_at ? formatDateTime(c.child.report_due_at) : tr('case.none')],
          ['case.child.reportSent', c.child.report_sent_at ? formatDateTime(c.child.report_sent_at) : c.child.report_overdue ? h('strong', { class: 'danger' }, tr('case.child.overdue')) : tr('case.child.notSent')],
        )
      : null,
    c.permissions.break_glass_until ? h('p', { class: 'panel panel-warn' }, tr('case.btg.active', { until: formatDateTime(c.permissions.break_glass_until) })) : null,
  );
}

export function caseView(ctx: RouteContext): HTMLElement {
  const id = ctx.params.id ?? '';
  const tab = (TABS as readonly string[]).includes(ctx.params.tab ?? 'summary') ? ((ctx.params.tab ?? 'summary') as Tab) : 'summary';
  const body = h('div', null, loading());
  const status = notice();
  const page = h('section', { class: 'case-page' }, pageHeading('case.title'), status.el, body);
  const flash = takeFlash();
  if (flash) status.say(flash);
  const load = async () => {
    try {
      const [c, v] = await Promise.all([api.get<CaseView>(caseApi(id)), loadVocabulary()]);
      if (!ctx.live()) return;
      const reload = () => void navigate(casePath(id, tab === 'summary' ? undefined : tab), { replace: true });
      body.replaceChildren(
        coreHeader(c),
        h(
          'nav',
          { class: 'sub-nav', 'aria-label': tr('case.tabs') },
          h('ul', null, TABS.map((k) => h('li', null, h('a', { href: casePath(id, k === 'summary' ? undefined : k), 'aria-current': k === tab ? 'page' : undefined, 'data-tab': k }, tr(`case.tab.${k}`))))),
        ),
        tabContent(tab, c, v, status.say, reload),
      );
    } catch (err) {
      if (!ctx.live()) return;
      // Unknown and refused cases answer alike (404/403): say it is withheld, offer break-the-glass.
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        body.replaceChildren(withheld(), h('p', null, h('a', { href: '/cases/break-glass' }, tr('case.btg.link'))));
      } else body.replaceChildren(loadError(err, () => void load()));
    }
  };
  void load();
  return page;
}

function tabContent(tab: Tab, c: CaseView, v: Vocabulary, say: (m: Child) => void, reload: () => void): HTMLElement {
  switch (tab) {
    case 'summary':
      return summaryTab(c, v, say, reload);
    case 'timeline':
      return timelineTab(c);
    case 'notes':
      return notesTab(c, say);
    case 'documents':
      return documentsTab(c, v);
    case 'consents':
      return consentsTab(c, v, say);
    case 'referrals':
      return referralsTab(c, say);
    case 'status':
      return statusTab(c, v, say, reload);
    case 'risk':
      return riskTab(c, v, say, reload);
    case 'access':
      return accessTab(c);
    case 'instructions':
      return instructionsTab(c, v, say);
  }
}

function summaryTab(c: CaseView, v: Vocabulary, say: (m: Child) => void, reload: () => void): HTMLElement {
  const s = c.summary;
  const el = h('section', { 'aria-labelledby': 'sum-h' }, h('h2', { id: 'sum-h' }, tr('case.tab.summary')));
  if (!s) {
    el.append(withheld());
    return el;
  }
  el.append(
    dl(
      ['case.field.name', s.masked_name ? h('bdi', { 'data-testid': 'masked-name' }, s.masked_name) : tr('case.nameWithheld')],
      ['case.field.ageBand', vlabel('age_band', s.age_band)],
      ['intake.field.languages', labels('language', s.languages)],
      ['intake.field.translator', yesNo(s.needs_translator)],
      ['intake.field.reading', vlabel('reading', s.reading_ability)],
      ['intake.field.disabilities', labels('disability', s.disabilities)],
      ['intake.field.marital', vlabel('marital', s.marital_status)],
      ['intake.field.safeToCall', yesNo(s.contact.safe_to_call)],
      ['intake.field.safeToText', yesNo(s.contact.safe_to_text)],
      ['intake.field.safeTimes', s.contact.safe_times ? h('bdi', null, s.contact.safe_times) : tr('case.none')],
      ['case.field.forms', labels('form', s.violence_forms)],
      ['case.field.children', formatNumber(s.children_count)],
    ),
  );
  append(el, identityPanel(c, v, say, reload), followupPanel(c));
  if (s.child_case_ids.length) {
    el.append(h('h3', null, tr('case.childCases')), h('ul', null, s.child_case_ids.map((id, i) => h('li', null, h('a', { href: casePath(id), 'data-testid': 'child-case' }, tr('case.childCase', { n: i + 1 }))))));
  }
  append(
    el,
    h('h3', null, tr('intake.field.incidents')),
    h(
      'ul',
      { class: 'plain' },
      s.incidents.map((i) =>
        h(
          'li',
          { class: 'incident' },
          h('strong', null, i.date, i.time ? ` ${i.time}` : ''),
          ' — ',
          vlabel('gbv', i.gbv_type),
          ' — ',
          labels('form', i.forms),
          ' — ',
          vlabel('place', i.place_type),
          i.flags.length ? h('p', { class: 'hint' }, labels('flag', i.flags)) : null,
          i.perpetrators.length ? h('p', null, tr('intake.field.perpetrators'), ': ', () => i.perpetrators.map((p) => vlabel('relationship', p.relationship)()).join(t('case.listSep'))) : null,
        ),
      ),
    ),
    c.permissions.update ? addIncident(c, v, say, reload) : null,
    h('h3', null, tr('case.intakes')),
    h('ul', { class: 'plain' }, s.intakes.map((i) => h('li', null, formatDateTime(i.received_at), ' — ', vlabel('channel', i.channel), ' — ', h('bdi', null, i.unit.name)))),
  );
  return el;
}

/** A further incident (a repeat), classified by the server on the way in. */
function addIncident(c: CaseView, v: Vocabulary, say: (m: Child) => void, reload: () => void): HTMLElement {
  const box = h('div', null, loading());
  const det = h('details', { class: 'panel', 'data-testid': 'add-incident' }, h('summary', null, tr('case.incident.add')), box);
  let built = false;
  det.addEventListener('toggle', async () => {
    if (!det.open || built) return;
    built = true;
    try {
      const regions = await loadRegions();
      const form: Form = new Form({
        submit: 'case.incident.save',
        onSubmit: async () => {
          await api.post(caseApi(c.id, '/incidents'), { ...incident.value(), ...acting() });
          say(tr('case.incident.saved'));
          reload();
        },
      });
      const incident = incidentFields(form, v, regions, '');
      incident.rename('');
      form.body.append(incident.el);
      box.replaceChildren(form.el);
    } catch (err) {
      built = false;
      box.replaceChildren(loadError(err));
    }
  });
  return det;
}

/** Her details, filled with what is known; saving replaces them (PUT …/survivor). */
function editButton(c: CaseView, v: Vocabulary, known: Known, out: HTMLElement, say: (m: Child) => void, reload: () => void): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'btn',
      'data-testid': 'edit-survivor',
      onclick: () => {
        const form: Form = new Form({
          submit: 'case.identity.save',
          attrs: { 'data-testid': 'survivor-form' },
          onSubmit: async () => {
            await api.put(caseApi(c.id, '/survivor'), { ...her.value(), ...acting() });
            say(tr('case.identity.saved'));
            reload();
          },
        });
        const her = survivorFields(form, v, '', known);
        form.body.append(...her.els);
        out.replaceChildren(h('h4', { tabindex: '-1' }, tr('case.identity.edit')), form.el);
        out.querySelector<HTMLElement>('h4')?.focus();
      },
    },
    tr('case.identity.edit'),
  );
}

/** Her identity: only on an explicit request, which the server audits. */
function identityPanel(c: CaseView, v: Vocabulary, say: (m: Child) => void, reload: () => void): HTMLElement {
  const box = h('section', { class: 'identity panel', 'aria-labelledby': 'id-h', 'data-testid': 'identity' }, h('h3', { id: 'id-h' }, tr('case.identity.title')));
  if (!c.permissions.read_identity) {
    box.append(withheld());
    return box;
  }
  const show = h('button', { type: 'button', class: 'btn', 'data-testid': 'show-identity' }, tr('case.identity.show'));
  const out = h('div', { 'aria-live': 'polite' });
  box.append(h('p', { class: 'hint' }, tr('case.identity.audited')), show, out);
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      const id = await api.get<Identity>(caseApi(c.id, '/identity'));
      mount(
        out,
        dl(
          ['intake.field.names', id.names.length ? h('ul', { class: 'plain' }, id.names.map((n) => h('li', null, h('bdi', null, n)))) : tr('case.none')],
          ['intake.field.birthDate', id.birth_date ? h('bdi', { dir: 'ltr' }, id.birth_date) : tr('case.none')],
          ['intake.field.idNumber', id.id_number ? h('bdi', { dir: 'ltr' }, id.id_number) : tr('case.none')],
          ['intake.field.phones', id.phones.length ? h('ul', { class: 'plain' }, id.phones.map((p) => h('li', { dir: 'ltr' }, p))) : tr('case.none')],
          ['field.address', id.address ? h('bdi', null, id.address) : tr('case.none')],
          ['intake.field.children', id.children.length ? h('ul', { class: 'plain' }, id.children.map((ch) => h('li', null, h('bdi', null, ch.name ?? '—'), ch.birth_date ? ` (${ch.birth_date})` : '', ch.case_id ? [' — ', h('a', { href: casePath(ch.case_id) }, tr('case.childCaseOpen'))] : null))) : tr('case.none')],
        ),
        h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => { out.replaceChildren(); show.disabled = false; show.focus(); } }, tr('case.identity.hide')),
        c.permissions.update && c.summary ? editButton(c, v, { identity: id, profile: c.summary }, out, say, reload) : null,
      );
    } catch (err) {
      out.replaceChildren(loadError(err));
      show.disabled = false;
    }
  });
  return box;
}

/** What the timeline's `topic` (and `to`) name, per kind of event (src/cases/case_write.cc). */
const TOPIC_GROUP: Record<string, string> = {
  intake: 'channel',
  case_opened: 'kind',
  incident_added: 'gbv',
  consent_recorded: 'purpose',
  consent_revoked: 'purpose',
  note_added: 'compartment',
  document_added: 'doc_type',
  document_version_added: 'doc_type',
  case_closed: 'close_reason',
  exclusion_added: 'exclusion',
};
const TO_GROUP: Record<string, string> = { risk_assessed: 'risk_level', break_glass_reviewed: 'btg_outcome' };

/** The details of a timeline entry in words: "care: medical → shelter", "medical certificate". */
export function eventText(e: TimelineEntry): () => string {
  return () => {
    if (e.kind === 'transition' && e.topic) {
      const move = `${e.from ? statusLabel(e.topic, e.from)() : ''} → ${e.to ? statusLabel(e.topic, e.to)() : ''}`;
      return `${t(`case.track.${e.topic}`)}: ${move}`;
    }
    const parts: string[] = [];
    const tg = TOPIC_GROUP[e.kind];
    if (tg && e.topic) parts.push(vlabel(tg, e.topic)());
    const og = TO_GROUP[e.kind];
    if (og && e.to) parts.push(vlabel(og, e.to)());
    if (e.kind === 'document_version_added' && e.to) parts.push(t('doc.versionN', { n: e.to }));
    return parts.length ? `: ${parts.join(t('case.listSep'))}` : '';
  };
}

/** A new follow-up code for her (the old one stops working), shown once, printable. */
function followupPanel(c: CaseView): HTMLElement | null {
  if (!c.permissions.update) return null;
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'btn', 'data-testid': 'new-followup' }, tr('case.followup.issue'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const r = await api.post<{ followup_code: string }>(caseApi(c.id, '/followup-code'), acting());
      out.replaceChildren(
        h('p', { class: 'panel panel-warn' }, tr('receipt.onceWarning')),
        h('article', { class: 'receipt' }, h('h4', null, tr('receipt.followupCode')), codeBlock(r.followup_code, 'new-followup-code'), h('p', null, tr('receipt.followupHelp', { url: `${location.origin}/status` }))),
        h('button', { type: 'button', class: 'btn no-print', onclick: () => window.print() }, tr('receipt.print')),
      );
    } catch (err) {
      out.replaceChildren(loadError(err));
    } finally {
      btn.disabled = false;
    }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'fu-h' }, h('h3', { id: 'fu-h' }, tr('case.followup.title')), h('p', { class: 'hint' }, tr('case.followup.hint')), btn, out);
}

function timelineTab(c: CaseView): HTMLElement {
  const list = h('div', null, loading());
  const el = h('section', { 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, tr('case.tab.timeline')), list);
  void (async () => {
    try {
      const { items } = await api.get<{ items: TimelineEntry[] }>(caseApi(c.id, '/timeline'));
      list.replaceChildren(
        items.length === 0
          ? h('p', { class: 'empty' }, tr('case.timeline.none'))
          : h(
              'ol',
              { class: 'timeline', 'data-testid': 'timeline' },
              items.map((e) =>
                h(
                  'li',
                  { 'data-kind': e.kind },
                  h('time', { datetime: e.at }, formatDateTime(e.at)),
                  ' — ',
                  e.unit ? h('bdi', null, e.unit.name) : tr('case.timeline.unitWithheld'),
                  h('p', null, h('strong', null, vlabel('event', e.kind)), ' ', eventText(e), e.related_unit ? [' — ', h('bdi', null, e.related_unit.name)] : null),
                  e.detail ? h('p', { class: 'detail' }, h('bdi', null, e.detail)) : e.detail_withheld ? h('p', { class: 'muted' }, tr('case.timeline.detailWithheld')) : null,
                ),
              ),
            ),
      );
    } catch (err) {
      list.replaceChildren(loadError(err));
    }
  })();
  return el;
}

function notesTab(c: CaseView, say: (m: Child) => void): HTMLElement {
  const el = h('section', { 'aria-labelledby': 'notes-h' }, h('h2', { id: 'notes-h' }, tr('case.tab.notes')));
  for (const comp of ['clinical', 'justice', 'social']) {
    const box = h('section', { class: 'compartment', 'data-compartment': comp, 'aria-labelledby': `comp-${comp}` }, h('h3', { id: `comp-${comp}` }, vlabel('compartment', comp)));
    el.append(box);
    if (!c.permissions.compartments.includes(comp)) {
      box.append(withheld());
      continue;
    }
    const content = h('div', null, loading());
    box.append(content);
    const refresh = async () => {
      try {
        const k = await api.get<Compartment>(caseApi(c.id, `/compartments/${comp}`));
        mount(
          content,
          k.notes.length === 0 ? h('p', { class: 'empty' }, tr('case.notes.none')) : h('ul', { class: 'plain notes' }, k.notes.map((n) => h('li', null, h('p', { class: 'hint' }, formatDateTime(n.created_at), ' — ', h('bdi', null, n.unit.name)), h('p', { class: 'note-text' }, h('bdi', null, n.text))))),
          k.incidents.some((i) => i.description || i.commune) ? [h('h4', null, tr('case.notes.narratives')), h('ul', { class: 'plain' }, k.incidents.filter((i) => i.description || i.commune).map((i) => h('li', null, i.commune ? h('strong', null, h('bdi', null, i.commune), ' ') : null, i.description ? h('bdi', null, i.description) : null)))] : null,
          k.perpetrators.some((p) => p.name || p.description) ? [h('h4', null, tr('intake.field.perpetrators')), h('ul', { class: 'plain' }, k.perpetrators.map((p) => h('li', null, vlabel('relationship', p.relationship), p.name ? [' — ', h('bdi', null, p.name)] : null, p.description ? [' — ', h('bdi', null, p.description)] : null)))] : null,
          k.intake_notes.length ? [h('h4', null, tr('intake.field.notes')), h('ul', { class: 'plain' }, k.intake_notes.map((n) => h('li', null, h('bdi', null, n))))] : null,
        );
      } catch (err) {
        content.replaceChildren(loadError(err));
      }
    };
    void refresh();
    if (c.permissions.note_compartments.includes(comp)) {
      const text = new Field({ name: 'text', label: 'case.notes.new', type: 'textarea', required: true, maxLength: 10000 });
      const f: Form = new Form({
        submit: 'case.notes.add',
        attrs: { 'data-testid': `note-form-${comp}` },
        onSubmit: async () => {
          await api.post(caseApi(c.id, `/compartments/${comp}/notes`), { text: text.control.value.trim(), ...acting() });
          f.el.reset();
          say(tr('case.notes.saved'));
          await refresh();
        },
      });
      f.add(text);
      box.append(f.el);
    }
  }
  return el;
}

/** The moves this user may make now, as the server lists them ("care:medical"). */
export function allowedMoves(c: CaseView): { track: string; to: string }[] {
  return c.permissions.transitions.map((m) => {
    const [track, to] = m.split(':');
    return { track: track ?? '', to: to ?? '' };
  });
}

export const isClosing = (to: string) => to === 'closed' || to === 'closed_without_action';
const isReopening = (track: string, from: string) => from === 'closed' || (track === 'justice' && from === 'closed_without_action');

function statusTab(c: CaseView, v: Vocabulary, say: (m: Child) => void, reload: () => void): HTMLElement {
  const el = h('section', { 'aria-labelledby': 'st-h' }, h('h2', { id: 'st-h' }, tr('case.tab.status')));
  const moves = allowedMoves(c);
  if (moves.length === 0 && c.kind !== 'child') {
    el.append(h('p', { class: 'muted' }, tr('case.move.none')));
    return el;
  }
  if (moves.length) {
    const current = (track: string) => (track === 'justice' ? c.tracks.justice.status : c.tracks.service.status);
    const move = new Field({ name: 'to', label: 'case.move.to', type: 'select', required: true, options: [{ value: '', label: tr('common.choose') }, ...moves.map((m) => ({ value: `${m.track}:${m.to}`, label: () => `${t(`case.track.${m.track}`)}: ${statusLabel(m.track, current(m.track))()} → ${statusLabel(m.track, m.to)()}` }))] });
    const closeReason = new Field({ name: 'close_reason', label: 'case.move.closeReason', type: 'select', required: true, options: choices('close_reason', v.close_reasons) });
    const reason = new Field({ name: 'reason', label: 'case.move.reason', hint: 'case.move.reasonHint', type: 'textarea', maxLength: 1000 });
    const sync = () => {
      const [track = '', to = ''] = move.control.value.split(':');
      const closing = isClosing(to);
      closeReason.wrap.hidden = !(closing && to === 'closed');
      closeReason.control.disabled = closeReason.wrap.hidden;
      reason.opts.required = closing || (track !== '' && isReopening(track, current(track)));
      reason.wrap.querySelector('.req')?.remove();
      if (reason.opts.required) reason.wrap.querySelector('label')?.append(h('span', { class: 'req' }, ' ', h('span', { 'aria-hidden': 'true' }, '*')));
    };
    move.control.addEventListener('change', sync);
    const f: Form = new Form({
      submit: 'case.move.submit',
      attrs: { 'data-testid': 'transition-form' },
      onSubmit: async () => {
        const [track, to] = move.value().split(':');
        const body: Record<string, unknown> = { track, to, ...acting() };
        if (reason.control.value.trim()) body.reason = reason.control.value.trim();
        if (!closeReason.control.disabled && closeReason.value()) body.close_reason = closeReason.value();
        await api.post(caseApi(c.id, '/transitions'), body);
        say(tr('case.move.done'));
        reload();
      },
    });
    f.add(move, closeReason, reason);
    sync();
    el.append(f.el);
  }
  if (c.kind === 'child' && c.child && !c.child.report_sent_at) {
    const btn = h('button', { type: 'button', class: 'btn', 'data-testid': 'child-report' }, tr('case.child.markSent'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await api.post(caseApi(c.id, '/child-report'), acting());
        say(tr('case.child.sentDone'));
        reload();
      } catch (err) {
        btn.disabled = false;
        el.append(loadError(err));
      }
    });
    el.append(h('h3', null, tr('case.child.reportTitle')), btn);
  }
  return el;
}

export function riskText(r: Risk): () => string {
  return () => t('case.risk.result', { level: vlabel('risk_level', r.level)(), score: formatNumber(r.score), date: formatDateTime(r.assessed_at) });
}

function riskTab(c: CaseView, v: Vocabulary, say: (m: Child) => void, reload: () => void): HTMLElement {
  const el = h('section', { 'aria-labelledby': 'risk-h' }, h('h2', { id: 'risk-h' }, tr('case.tab.risk')));
  const latest = c.summary?.risk;
  if (!c.summary) el.append(withheld());
  else if (latest) append(el, h('p', { 'data-testid': 'risk-latest' }, riskText(latest), ' — ', h('bdi', null, latest.unit.name)), latest.critical_yes.length ? h('ul', null, latest.critical_yes.map((k) => h('li', { class: 'danger' }, tr(`case.risk.q.${k}`)))) : null);
  else el.append(h('p', { class: 'muted' }, tr('case.risk.none')));
  if (!c.permissions.assess_risk) return el;
  const qs = v.risk_questions.map((q) => new Field({ name: `answers.${q.key}`, label: `case.risk.q.${q.key}`, type: 'select', options: [{ value: '', label: tr('intake.risk.notAsked') }, ...['yes', 'no', 'unknown'].map((a) => ({ value: a, label: vlabel('answer', a) }))] }));
  const f: Form = new Form({
    submit: 'case.risk.submit',
    attrs: { 'data-testid': 'risk-form' },
    onSubmit: async () => {
      const answers = Object.fromEntries(v.risk_questions.map((q, i) => [q.key, qs[i]?.value() ?? '']).filter(([, a]) => a !== ''));
      if (Object.keys(answers).length === 0) {
        qs[0]?.setError(tr('case.error.riskAnswer'));
        qs[0]?.control.focus();
        return;
      }
      const r = await api.post<Risk>(caseApi(c.id, '/risk-assessments'), { answers, ...acting() });
      say(riskText(r));
      reload();
    },
  });
  f.add(...qs);
  el.append(h('h3', null, tr('case.risk.new')), h('p', { class: 'hint' }, tr('intake.intro.risk')), f.el);
  return el;
}

export function accessTable(items: AccessLogEntry[], forSurvivor: boolean): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, tr('case.access.none'));
  const cols = forSurvivor ? ['case.access.when', 'field.unit', 'field.role', 'case.access.what', 'case.access.decision'] : ['case.access.when', 'field.username', 'field.unit', 'field.role', 'case.access.what', 'case.access.decision'];
  return h(
    'table',
    { class: 'table table-dense', 'data-testid': forSurvivor ? 'access-log-survivor' : 'access-log' },
    h('caption', { class: 'sr-only' }, tr('case.tab.access')),
    h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, tr(k))))),
    h(
      'tbody',
      null,
      items.map((e) =>
        h(
          'tr',
          { class: e.decision === 'denied' ? 'decision-denied' : undefined },
          h('td', null, formatDateTime(e.time)),
          forSurvivor ? null : h('td', null, e.username ? h('bdi', { dir: 'ltr' }, e.username) : '—'),
          h('td', null, e.unit ? h('bdi', null, e.unit.name) : '—'),
          h('td', null, e.role ? tr(`role.${e.role}`) : '—'),
          h('td', null, vlabel('action', e.action)),
          h('td', null, tr(`case.access.${e.decision}`)),
        ),
      ),
    ),
  );
}

function accessTab(c: CaseView): HTMLElement {
  const list = h('div', null, loading());
  const printBox = h('div', { class: 'print-only-block' });
  const printBtn = h('button', { type: 'button', class: 'btn no-print', 'data-testid': 'print-access-log' }, tr('case.access.printForHer'));
  const el = h('section', { 'aria-labelledby': 'acc-h' }, h('h2', { id: 'acc-h' }, tr('case.tab.access')));
  if (!c.permissions.access_log) {
    el.append(withheld());
    return el;
  }
  el.append(h('p', { class: 'hint' }, tr('case.access.intro')), printBtn, list, printBox);
  void (async () => {
    try {
      const { items } = await api.get<{ items: AccessLogEntry[] }>(caseApi(c.id, '/access-log'));
      list.replaceChildren(accessTable(items, false));
    } catch (err) {
      list.replaceChildren(loadError(err));
    }
  })();
  printBtn.addEventListener('click', async () => {
    printBtn.disabled = true;
    try {
      const { items } = await api.get<{ items: AccessLogEntry[] }>(caseApi(c.id, '/access-log?for=survivor'));
      printBox.replaceChildren(
        h('article', { class: 'survivor-print', 'data-testid': 'survivor-print' }, h('h2', null, tr('case.access.herCopy')), codeBlock(c.reference_code, 'print-reference'), h('p', null, tr('case.access.herCopyIntro')), accessTable(items, true)),
      );
      document.body.classList.add('printing-survivor');
      window.print();
    } catch (err) {
      printBox.replaceChildren(loadError(err));
    } finally {
      document.body.classList.remove('printing-survivor');
      printBtn.disabled = false;
    }
  });
  return el;
}

/** Break-the-glass: emergency read access by reference code, with a written reason. */
export function breakGlassView(ctx: RouteContext): HTMLElement {
  const code = new Field({ name: 'reference_code', label: 'case.field.reference', required: true, maxLength: 40, value: ctx.query.get('code') ?? '', attrs: { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' } });
  const reason = new Field({ name: 'reason', label: 'case.btg.reason', hint: 'case.btg.reasonHint', type: 'textarea', required: true, minLength: 20, maxLength: 1000 });
  const minutes = new Field({ name: 'minutes', label: 'case.btg.minutes', type: 'select', value: '30', options: [5, 15, 30, 60].map((m) => ({ value: String(m), label: () => t('case.btg.minutesN', { n: formatNumber(m) }) })) });
  const f: Form = new Form({
    submit: 'case.btg.submit',
    attrs: { 'data-testid': 'break-glass-form' },
    onSubmit: async () => {
      const g = await api.post<{ case_id: string }>('/api/v1/cases/break-glass', { reference_code: normaliseReference(code.value()), reason: reason.control.value.trim(), minutes: Number(minutes.value()) });
      await navigate(casePath(g.case_id));
    },
  });
  f.add(code, reason, minutes);
  return h('section', null, pageHeading('case.btg.title'), h('p', { class: 'panel panel-warn' }, tr('case.btg.warning')), f.el);
}
