// One incident's fields (date, time, place, forms of violence, facts, perpetrators), named as the
// API names them under a prefix ("incidents[0].date", or "date" for POST …/incidents): shared by
// the intake and "add an incident" on the case page.
import type { Region } from '../../lib/api';
import { h } from '../../lib/dom';
import { Field, type Form } from '../../lib/forms';
import { placeName } from '../../lib/reference';
import { tr } from '../../i18n';
import { checkPastDate } from './checks';
import type { Vocabulary } from './model';
import { Checks, choices, compact, rename, Rows, type RowItem } from './parts';
import { CASE_SECTORS } from './sectors';

export const FACTS = ['penetration', 'unwanted_sexual_contact', 'physical_assault', 'forced_marriage', 'denial_of_resources', 'psychological_abuse', 'sexual_exploitation', 'harmful_traditional_practice'];

export type IncidentRow = RowItem & { date: Field; value(): Record<string, unknown> };
type PerpRow = RowItem & { value(): Record<string, unknown> };

/** "a.b", or "b" when there is no prefix. */
const at = (p: string, k: string) => (p ? `${p}.${k}` : k);

function provinceSelect(regions: Region[], value: string): Field {
  const f = new Field({ name: 'province_code', label: 'case.field.province', type: 'select', required: true, options: [{ value: '', label: tr('common.choose') }] });
  for (const r of regions) {
    const g = h('optgroup', { label: () => placeName(r) });
    g.append(...r.provinces.map((p) => h('option', { value: p.code }, () => placeName(p))));
    f.control.append(g);
  }
  f.control.value = value;
  return f;
}

function perpRows(form: Form, v: Vocabulary, prefix: string): Rows<PerpRow> {
  return new Rows<PerpRow>(form, prefix, {
    legend: 'intake.field.perpetrators',
    addKey: 'intake.addPerpetrator',
    removeKey: 'intake.removePerpetrator',
    min: 0,
    max: 5,
    testid: 'perpetrator',
    make: () => {
      const rel = form.track(new Field({ name: 'x', label: 'intake.field.relationship', type: 'select', required: true, options: choices('relationship', v.relationships) }));
      const flags = ['cohabiting', 'weapon', 'prior_violence'].map((k) => form.track(new Field({ name: k, label: `intake.field.${k}`, type: 'checkbox' })));
      const sector = form.track(new Field({ name: 'x', label: 'intake.field.worksInSector', hint: 'intake.hint.worksInSector', type: 'select', options: [{ value: '', label: tr('intake.notInSector') }, ...CASE_SECTORS.map((s) => ({ value: s, label: tr(`sector.${s}`) }))] }));
      const pname = form.track(new Field({ name: 'x', label: 'intake.field.perpetratorName', hint: 'intake.hint.perpetratorName', maxLength: 200, attrs: { autocomplete: 'off' } }));
      const desc = form.track(new Field({ name: 'x', label: 'intake.field.perpetratorDescription', type: 'textarea', maxLength: 2000 }));
      const all = [rel, ...flags, sector, pname, desc];
      return {
        el: h('div', { class: 'row-fields' }, ...all.map((f) => f.wrap)),
        fields: () => all,
        rename: (p: string) => {
          rename(rel, `${p}.relationship`);
          ['cohabiting', 'weapon', 'prior_violence'].forEach((k, i) => rename(flags[i] as Field, `${p}.${k}`));
          rename(sector, `${p}.works_in_sector`);
          rename(pname, `${p}.name`);
          rename(desc, `${p}.description`);
        },
        focus: () => rel.control.focus(),
        value: () =>
          compact({
            relationship: rel.value(),
            cohabiting: flags[0]?.checked() || undefined,
            weapon: flags[1]?.checked() || undefined,
            prior_violence: flags[2]?.checked() || undefined,
            works_in_sector: sector.value(),
            name: pname.value(),
            description: desc.control.value.trim(),
          }),
      };
    },
  });
}

/** The fields of one incident; call rename() to place them under a prefix. */
export function incidentFields(form: Form, v: Vocabulary, regions: Region[], homeProvince: string): IncidentRow {
  const date = form.track(new Field({ name: 'x', label: 'intake.field.incidentDate', required: true, check: checkPastDate, type: 'date' }));
  const time = form.track(new Field({ name: 'x', label: 'intake.field.incidentTime', type: 'time' }));
  const province = form.track(provinceSelect(regions, homeProvince));
  const commune = form.track(new Field({ name: 'x', label: 'intake.field.commune', maxLength: 100 }));
  const place = form.track(new Field({ name: 'x', label: 'intake.field.placeType', type: 'select', required: true, options: choices('place', v.place_types) }));
  const forms = new Checks(form, 'x', 'intake.field.forms', 'form', v.violence_forms);
  const facts = new Checks(form, 'x', 'intake.field.facts', 'fact', FACTS);
  const repeat = form.track(new Field({ name: 'x', label: 'intake.field.repeat', type: 'checkbox' }));
  const desc = form.track(new Field({ name: 'x', label: 'intake.field.description', hint: 'intake.hint.description', type: 'textarea', maxLength: 5000 }));
  const perps = perpRows(form, v, 'x');
  perps.push(false);
  return {
    el: h('div', { class: 'row-fields' }, date.wrap, time.wrap, province.wrap, commune.wrap, place.wrap, forms.el, facts.el, repeat.wrap, desc.wrap, perps.el),
    date,
    fields: () => [date, time, province, commune, place, ...forms.fields, ...facts.fields, repeat, desc, ...perps.fields()],
    rename: (p: string) => {
      rename(date, at(p, 'date'));
      rename(time, at(p, 'time'));
      rename(province, at(p, 'province_code'));
      rename(commune, at(p, 'commune'));
      rename(place, at(p, 'place_type'));
      forms.rename(at(p, 'forms'));
      facts.rename(at(p, 'facts'));
      rename(repeat, at(p, 'repeat'));
      rename(desc, at(p, 'description'));
      perps.rename(at(p, 'perpetrators'));
    },
    focus: () => date.control.focus(),
    value: () => {
      const f = facts.selected();
      return compact({
        date: date.value(),
        time: time.value(),
        province_code: province.value(),
        commune: commune.value(),
        place_type: place.value(),
        forms: forms.selected(),
        facts: f.length ? Object.fromEntries(f.map((k) => [k, true])) : undefined,
        repeat: repeat.checked() || undefined,
        description: desc.control.value.trim(),
        perpetrators: perps.items.map((p) => p.value()),
      });
    },
  };
}
