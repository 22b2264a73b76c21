// "Tell us what happened": the online self-report, without an account (POST
// /api/v1/public/self-report). Plain words and icons, one short page that works on a small phone;
// she may stay anonymous; an association can fill it with her. The answer is her receipt — the
// reference code and the follow-up code, shown once, kept in this page's memory only. Nothing is
// stored in the browser.
import { api, ApiError, type Region } from '../../lib/api';
import { h, icon } from '../../lib/dom';
import { Field, Form, messageFor } from '../../lib/forms';
import { loadRegions, placeName } from '../../lib/reference';
import { checkPhone } from '../../lib/validate';
import { tr } from '../../i18n';
import { loadError, loading, pageHeading } from '../common';
import { ICONS } from '../icons';
import './report.css';

const FORMS: [string, readonly string[]][] = [
  ['physical', ICONS.alert],
  ['sexual', ICONS.lock],
  ['psychological', ICONS.heart],
  ['economic', ICONS.people],
];
const CRITICAL = ['threatened_to_kill', 'weapon_used_or_threatened', 'strangled_or_choked', 'believes_he_could_kill'];

export interface SelfReportReceipt {
  reference_code: string;
  followup_code: string;
  issued_at: string;
  unit: { name: string; sector: string; phone?: string };
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Radio buttons as big choices; the first is checked. */
function radios(name: string, legendKey: string, values: readonly string[], labelKey: (v: string) => string): { el: HTMLElement; value: () => string } {
  const inputs = values.map((v, i) => h('input', { type: 'radio', name, value: v, id: `${name}-${v}`, checked: i === 0 }));
  return {
    el: h('fieldset', { class: 'choices' }, h('legend', null, tr(legendKey)), inputs.map((inp, i) => h('div', { class: 'choice' }, inp, h('label', { for: inp.id }, tr(labelKey(values[i] ?? '')))))),
    value: () => inputs.find((i) => i.checked)?.value ?? '',
  };
}

export function reportView(): HTMLElement {
  const body = h('div', null, loading());
  const page = h('article', { class: 'public-report' }, pageHeading('public.report.title'), h('p', { class: 'lead' }, tr('public.report.intro')), body);
  const build = async () => {
    try {
      const regions = await loadRegions();
      body.replaceChildren(reportForm(regions, (r) => page.replaceChildren(reportReceipt(r))));
    } catch (err) {
      body.replaceChildren(loadError(err, () => void build()));
    }
  };
  void build();
  return page;
}

export function reportForm(regions: Region[], done: (r: SelfReportReceipt) => void): HTMLElement {
  const by = radios('filled_by', 'public.report.who', ['self', 'ngo', 'someone_else'], (v) => `public.report.by.${v}`);
  const forms = FORMS.map(([f, paths]) => {
    const input = h('input', { type: 'checkbox', name: `incident.forms.${f}`, id: `form-${f}`, value: f });
    return { f, input, el: h('div', { class: 'choice choice-icon' }, input, h('label', { for: input.id }, icon(paths, 'icon icon-lg'), h('span', null, tr(`public.report.form.${f}`)))) };
  });
  const formsBox = h('fieldset', { class: 'choices', 'data-field': 'incident.forms' }, h('legend', null, tr('public.report.what')), forms.map((x) => x.el));
  const formsError = h('p', { class: 'field-error', 'aria-live': 'polite', id: 'forms-error' });
  formsBox.append(formsError);
  const date = new Field({ name: 'incident.date', label: 'public.report.when', type: 'date', required: true, attrs: { max: today() }, check: (v) => (v > today() ? { key: 'public.report.future' } : null) });
  const province = new Field({ name: 'incident.province_code', label: 'public.report.where', type: 'select', required: true, options: [{ value: '', label: tr('public.report.choose') }] });
  for (const r of regions) {
    const g = h('optgroup', { label: () => placeName(r) });
    g.append(...r.provinces.map((p) => h('option', { value: p.code }, () => placeName(p))));
    province.control.append(g);
  }
  const place = radios('place', 'public.report.place', ['home', 'other', 'unknown'], (v) => `public.report.place.${v}`);
  const whoDid = radios('relationship', 'public.report.whoDid', ['husband', 'ex_husband', 'other_relative', 'other', 'unknown'], (v) => `public.report.rel.${v}`);
  const danger = CRITICAL.map((k) => radios(`risk-${k}`, `public.report.q.${k}`, ['unknown', 'yes', 'no'], (v) => `public.report.answer.${v}`));
  const story = new Field({ name: 'incident.description', label: 'public.report.story', hint: 'public.report.storyHint', type: 'textarea', maxLength: 5000 });
  const name = new Field({ name: 'survivor.names[0]', label: 'public.report.name', hint: 'public.report.nameHint', maxLength: 200, attrs: { autocomplete: 'off' } });
  const phone = new Field({ name: 'survivor.phones[0]', label: 'public.report.phone', type: 'tel', maxLength: 40, check: checkPhone, attrs: { dir: 'ltr', autocomplete: 'off' } });
  const safe = new Field({ name: 'survivor.contact.safe_to_call', label: 'public.report.safeToCall', type: 'checkbox' });

  const form: Form = new Form({
    submit: 'public.report.send',
    attrs: { 'data-testid': 'report-form' },
    onSubmit: async () => {
      const chosen = forms.filter((x) => x.input.checked).map((x) => x.f);
      if (chosen.length === 0) {
        formsError.replaceChildren(h('span', null, tr('public.report.pickOne')));
        form.say(tr('public.report.fix'));
        forms[0]?.input.focus();
        return;
      }
      formsError.replaceChildren();
      const answers = Object.fromEntries(CRITICAL.map((k, i) => [k, danger[i]?.value() ?? 'unknown']).filter(([, a]) => a !== 'unknown'));
      const survivor: Record<string, unknown> = {};
      if (name.value()) survivor.names = [name.value()];
      if (phone.value()) survivor.phones = [phone.value()];
      if (phone.value()) survivor.contact = { safe_to_call: safe.checked() };
      const rel = whoDid.value();
      const body: Record<string, unknown> = {
        filled_by: by.value(),
        incident: {
          date: date.value(),
          province_code: province.value(),
          place_type: place.value(),
          forms: chosen,
          ...(story.control.value.trim() ? { description: story.control.value.trim() } : {}),
          perpetrators: [{ relationship: rel }],
        },
      };
      if (Object.keys(survivor).length) body.survivor = survivor;
      if (Object.keys(answers).length) body.risk = { answers };
      try {
        done(await api.post<SelfReportReceipt>('/api/v1/public/self-report', body));
      } catch (err) {
        if (err instanceof ApiError && err.status === 429) form.say(tr('public.report.tooMany'));
        else if (err instanceof ApiError && err.status === 409) form.say(tr('public.report.noUnit'));
        else if (err instanceof ApiError && err.field) form.showError(err);
        else form.say(messageFor(err));
      }
    },
  });
  form.body.append(by.el, formsBox);
  form.add(date, province);
  form.body.append(place.el, whoDid.el, h('section', { class: 'danger-now' }, h('h2', null, icon(ICONS.alert), ' ', tr('public.report.dangerTitle')), ...danger.map((d) => d.el)));
  form.add(story);
  form.body.append(h('h2', null, tr('public.report.aboutYou')), h('p', { class: 'hint' }, tr('public.report.anonymous')));
  form.add(name, phone, safe);
  return form.el;
}

export function reportReceipt(r: SelfReportReceipt): HTMLElement {
  const code = (c: string, id: string) => h('p', { class: 'code-block', dir: 'ltr', 'data-testid': id }, h('bdi', null, c));
  return h(
    'section',
    { class: 'report-receipt', 'data-testid': 'report-receipt' },
    h('h1', { tabindex: '-1', class: 'page-title' }, tr('public.report.sent')),
    h('p', { class: 'lead' }, tr('public.report.sentText', { unit: r.unit.name })),
    r.unit.phone ? h('p', null, h('a', { href: `tel:${r.unit.phone}`, 'data-external': '', dir: 'ltr' }, r.unit.phone)) : null,
    h('p', { role: 'alert' }, h('strong', null, tr('public.report.once'))),
    h('h2', null, tr('public.report.followup')),
    code(r.followup_code, 'report-followup'),
    h('p', null, tr('public.report.followupHelp')),
    h('h2', null, tr('public.report.reference')),
    code(r.reference_code, 'report-reference'),
    h('p', null, tr('public.report.referenceHelp')),
    h('p', null, tr('public.report.safety')),
    h('p', null, h('a', { href: '/help' }, tr('public.status.needHelp'))),
  );
}
