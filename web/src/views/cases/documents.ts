// Documents of a case: the types the user may read (list, details with metadata and versions,
// download of any version), and a typed upload (metadata per type, as the server checks it; the
// file as base64, PDF/JPEG/PNG, at most the server's limit) and new versions.
import { api, ApiError } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, Form } from '../../lib/forms';
import { formatDateTime, formatNumber, t, tr } from '../../i18n';
import { loadError, loading, notice, withheld } from '../common';
import { checkPastDate } from './checks';
import { acting, caseApi, vlabel, type CaseDocument, type CaseView, type Vocabulary } from './model';
import { Checks, choices, compact } from './parts';

type Kind = 'text' | 'long' | 'past' | 'date' | 'days' | 'count' | 'bool' | 'enum' | 'enums';
interface Meta {
  name: string;
  kind: Kind;
  required?: boolean;
  vocab?: (v: Vocabulary) => string[];
  group?: string;
}

/** The metadata of each document type (src/cases/validate.cc, MetaSpecs). */
export const DOCUMENT_FIELDS: Record<string, Meta[]> = {
  medical_certificate: [
    { name: 'hospital_name', kind: 'text' },
    { name: 'doctor_name', kind: 'text', required: true },
    { name: 'issued_on', kind: 'past', required: true },
    { name: 'itt_days', kind: 'days', required: true },
    { name: 'psychological_incapacity', kind: 'bool' },
    { name: 'psychological_itt_days', kind: 'days' },
    { name: 'copy_handed_to_survivor', kind: 'bool', required: true },
    { name: 'findings', kind: 'long' },
  ],
  complaint: [
    { name: 'filed_on', kind: 'past', required: true },
    { name: 'route', kind: 'enum', required: true, vocab: (v) => v.complaint_routes, group: 'route' },
    { name: 'registration_number', kind: 'text' },
    { name: 'summary', kind: 'long' },
  ],
  police_minutes: [
    { name: 'recorded_on', kind: 'past', required: true },
    { name: 'minutes_number', kind: 'text' },
    { name: 'statement_language', kind: 'enum', vocab: (v) => v.languages, group: 'language' },
    { name: 'read_back_in_her_language', kind: 'bool' },
    { name: 'interpreter_present', kind: 'bool' },
    { name: 'summary', kind: 'long' },
  ],
  prosecution_decision: [
    { name: 'decided_on', kind: 'past', required: true },
    { name: 'decision', kind: 'enum', required: true, vocab: (v) => v.prosecution_decisions, group: 'decision' },
    { name: 'measures', kind: 'enums', vocab: (v) => v.protection_measures, group: 'measure' },
    { name: 'summary', kind: 'long' },
  ],
  protection_order: [
    { name: 'issued_on', kind: 'past', required: true },
    { name: 'issuing_authority', kind: 'enum', required: true, vocab: () => ['prosecution', 'court'], group: 'authority' },
    { name: 'measures', kind: 'enums', required: true, vocab: (v) => v.protection_measures, group: 'measure' },
    { name: 'valid_until', kind: 'date' },
    { name: 'summary', kind: 'long' },
  ],
  hearing_record: [
    { name: 'held_on', kind: 'past', required: true },
    { name: 'next_hearing_on', kind: 'date' },
    { name: 'private_hearing', kind: 'bool' },
    { name: 'summary', kind: 'long' },
  ],
  judgment: [
    { name: 'delivered_on', kind: 'past', required: true },
    { name: 'outcome', kind: 'enum', required: true, vocab: (v) => v.judgment_outcomes, group: 'outcome' },
    { name: 'appealed', kind: 'bool' },
    { name: 'copy_given_to_survivor', kind: 'bool', required: true },
    { name: 'summary', kind: 'long' },
  ],
  shelter_admission: [
    { name: 'admitted_on', kind: 'past', required: true },
    { name: 'expected_until', kind: 'date' },
    { name: 'children_admitted', kind: 'count' },
  ],
  other: [
    { name: 'title', kind: 'text', required: true },
    { name: 'dated', kind: 'past' },
    { name: 'summary', kind: 'long' },
  ],
};

/** The file's type by its first bytes, as the server decides it (null when not PDF/JPEG/PNG). */
export function sniff(bytes: Uint8Array): string | null {
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  return null;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Reads the chosen file; sets an error on `field` and returns null when it cannot be sent. */
export async function readFile(field: Field, max: number): Promise<{ filename: string; content_base64: string; content_type: string } | null> {
  const input = field.control as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return null;
  if (file.size > max) {
    field.setError(tr('doc.error.tooBig', { mb: formatNumber(Math.floor(max / (1024 * 1024))) }));
    throw new FieldProblem(field);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniff(bytes);
  if (!type) {
    field.setError(tr('doc.error.type'));
    throw new FieldProblem(field);
  }
  return { filename: file.name.slice(0, 200) || 'file', content_base64: toBase64(bytes), content_type: type };
}

/** A client-side problem already shown on its field. */
export class FieldProblem extends Error {
  constructor(readonly field: Field) {
    super('field');
  }
}

const size = (n: number) => (n < 1024 * 1024 ? t('doc.kb', { n: formatNumber(Math.max(1, Math.round(n / 1024))) }) : t('doc.mb', { n: formatNumber(Math.round((n / (1024 * 1024)) * 10) / 10) }));

function metaValue(m: Meta, v: unknown): Node | string | (() => string) {
  if (typeof v === 'boolean') return v ? tr('common.yes') : tr('common.no');
  if (Array.isArray(v)) return v.map((x) => (m.group ? vlabel(m.group, String(x))() : String(x))).join(', ');
  if (m.kind === 'enum' && m.group) return vlabel(m.group, String(v));
  return h('bdi', null, String(v));
}

function details(caseId: string, d: CaseDocument, onNewVersion: (() => HTMLElement) | null): HTMLElement {
  const spec = DOCUMENT_FIELDS[d.type] ?? [];
  const meta = d.metadata ?? {};
  return h(
    'div',
    { class: 'doc-details' },
    h(
      'dl',
      { class: 'facts' },
      spec.filter((m) => meta[m.name] !== undefined && meta[m.name] !== null).flatMap((m) => [h('dt', null, tr(`doc.meta.${m.name}`)), h('dd', null, metaValue(m, meta[m.name]))]),
    ),
    h('h4', null, tr('doc.versions')),
    h(
      'ul',
      { class: 'plain' },
      [...d.versions].reverse().map((ver) =>
        h(
          'li',
          { 'data-testid': 'doc-version' },
          h('a', { href: caseApi(caseId, `/documents/${encodeURIComponent(d.id)}/content?version=${ver.version}`), download: '', 'data-external': '' }, tr('doc.download', { n: ver.version })),
          ' — ',
          formatDateTime(ver.uploaded_at),
          ', ',
          h('bdi', null, ver.uploaded_by.name),
          ', ',
          size(ver.size_bytes),
          ver.filename ? [' — ', h('bdi', null, ver.filename)] : null,
          ver.stripped.length ? h('p', { class: 'hint' }, tr('doc.stripped'), ' ', ver.stripped.join(', ')) : null,
        ),
      ),
    ),
    d.versions.length === 0 ? h('p', { class: 'muted' }, tr('doc.noFile')) : null,
    onNewVersion ? onNewVersion() : null,
  );
}

export function documentsTab(c: CaseView, v: Vocabulary): HTMLElement {
  const readable = c.permissions.document_types_readable;
  const creatable = c.permissions.document_types_creatable;
  const list = h('div', null, loading());
  const status = notice();
  const el = h('section', { 'aria-labelledby': 'docs-h' }, h('h2', { id: 'docs-h' }, tr('case.tab.documents')), status.el, list);
  if (readable.length === 0) list.replaceChildren(withheld());

  const refresh = async (openId?: string) => {
    if (readable.length === 0) return;
    try {
      const { items } = await api.get<{ items: CaseDocument[] }>(caseApi(c.id, '/documents'));
      list.replaceChildren(
        items.length === 0
          ? h('p', { class: 'empty' }, tr('doc.none'))
          : h('ul', { class: 'plain doc-list', 'data-testid': 'documents' }, items.map((d) => docItem(d, d.id === openId))),
      );
    } catch (err) {
      list.replaceChildren(loadError(err, () => void refresh()));
    }
  };

  const docItem = (d: CaseDocument, open: boolean): HTMLElement => {
    const body = h('div');
    const det = h(
      'details',
      { class: 'doc', 'data-type': d.type, 'data-testid': 'document' },
      h('summary', null, vlabel('doc_type', d.type), ' — ', h('bdi', null, d.created_by.name), ', ', formatDateTime(d.created_at), ' — ', tr('doc.versionCount', { n: d.current_version })),
      body,
    );
    const load = async () => {
      body.replaceChildren(loading());
      try {
        const full = await api.get<CaseDocument>(caseApi(c.id, `/documents/${encodeURIComponent(d.id)}`));
        body.replaceChildren(details(c.id, full, creatable.includes(d.type) ? () => versionForm(full) : null));
      } catch (err) {
        body.replaceChildren(loadError(err));
      }
    };
    det.addEventListener('toggle', () => {
      if (det.open) void load();
    });
    if (open) det.open = true;
    return det;
  };

  const versionForm = (d: CaseDocument): HTMLElement => {
    const file = new Field({ name: 'file.content_base64', label: 'doc.newVersionFile', required: true, hint: 'doc.fileHint', type: 'file', attrs: { accept: 'application/pdf,image/jpeg,image/png' } });
    const f: Form = new Form({
      submit: 'doc.addVersion',
      attrs: { class: 'doc-version-form' },
      onSubmit: async () => {
        const content = await readFileOrShow(f, file, v.max_document_bytes);
        if (!content) return;
        await api.post(caseApi(c.id, `/documents/${encodeURIComponent(d.id)}/versions`), { file: content, ...acting() });
        status.say(tr('doc.versionAdded'));
        await refresh(d.id);
      },
    });
    f.add(file);
    return f.el;
  };

  if (creatable.length > 0) el.append(uploadForm(c, v, creatable, status.say, () => void refresh()));
  void refresh();
  return el;
}

async function readFileOrShow(f: Form, file: Field, max: number) {
  try {
    return await readFile(file, max);
  } catch (e) {
    if (e instanceof FieldProblem) {
      f.say(tr('error.fixFields'));
      e.field.control.focus();
      return null;
    }
    throw e;
  }
}

function uploadForm(c: CaseView, v: Vocabulary, creatable: string[], say: (m: () => string) => void, saved: () => void): HTMLElement {
  const type = new Field({ name: 'type', label: 'doc.type', type: 'select', required: true, options: choices('doc_type', creatable) });
  const metaBox = h('div', { class: 'doc-meta' });
  const file = new Field({ name: 'file.content_base64', label: 'doc.file', hint: 'doc.fileHint', type: 'file', attrs: { accept: 'application/pdf,image/jpeg,image/png' } });
  let metaFields: { m: Meta; f?: Field; checks?: Checks }[] = [];
  const form: Form = new Form({
    submit: 'doc.upload',
    attrs: { 'data-testid': 'document-form', class: 'doc-form' },
    onSubmit: async () => {
      const metadata: Record<string, unknown> = {};
      for (const { m, f, checks } of metaFields) {
        if (checks) {
          const sel = checks.selected();
          if (m.required && sel.length === 0) {
            checks.fields[0]?.setError(tr('error.required'));
            checks.fields[0]?.control.focus();
            form.say(tr('error.fixFields'));
            return;
          }
          if (sel.length) metadata[m.name] = sel;
        } else if (f) {
          if (m.kind === 'bool') metadata[m.name] = f.checked();
          else if (f.value() !== '') metadata[m.name] = m.kind === 'days' || m.kind === 'count' ? Number(f.value()) : f.value();
        }
      }
      const content = await readFileOrShow(form, file, v.max_document_bytes);
      if (content === null && (file.control as HTMLInputElement).files?.length) return;
      await api.post(caseApi(c.id, '/documents'), compact({ type: type.value(), metadata, file: content ?? undefined, ...acting() }));
      say(tr('doc.saved'));
      form.el.reset();
      buildMeta();
      saved();
    },
  });
  const buildMeta = () => {
    for (const { f, checks } of metaFields) {
      if (f) form.untrack(f);
      for (const x of checks?.fields ?? []) form.untrack(x);
    }
    const spec = DOCUMENT_FIELDS[type.control.value] ?? [];
    metaFields = spec.map((m) => {
      const name = `metadata.${m.name}`;
      const label = `doc.meta.${m.name}`;
      if (m.kind === 'enums') return { m, checks: new Checks(form, name, label, m.group ?? '', m.vocab?.(v) ?? []) };
      const opts =
        m.kind === 'bool'
          ? { type: 'checkbox' as const }
          : m.kind === 'enum'
            ? { type: 'select' as const, options: choices(m.group ?? '', m.vocab?.(v) ?? []) }
            : m.kind === 'long'
              ? { type: 'textarea' as const, maxLength: 5000 }
              : m.kind === 'past'
                ? { check: checkPastDate, type: 'date' as const }
                : m.kind === 'date'
                  ? { type: 'date' as const }
                  : m.kind === 'days' || m.kind === 'count'
                    ? { check: numberCheck(m.kind === 'days' ? 365 : 20), attrs: { inputmode: 'numeric', dir: 'ltr' } }
                    : { maxLength: 200 };
      return { m, f: form.track(new Field({ name, label, required: m.required && m.kind !== 'bool', ...opts })) };
    });
    metaBox.replaceChildren(...metaFields.map((x) => x.f?.wrap ?? x.checks?.el ?? null).filter((x): x is HTMLElement => x !== null));
  };
  type.control.addEventListener('change', buildMeta);
  form.add(type);
  form.body.append(metaBox);
  form.add(file);
  buildMeta();
  return h('section', { class: 'panel', 'aria-labelledby': 'doc-new-h' }, h('h3', { id: 'doc-new-h' }, tr('doc.new')), form.el);
}

function numberCheck(max: number) {
  return (s: string) => (/^\d+$/.test(s) && Number(s) <= max ? null : { key: 'case.error.number', params: { min: 0, max } });
}

export const isWithheld = (err: unknown) => err instanceof ApiError && (err.status === 403 || err.status === 404);
