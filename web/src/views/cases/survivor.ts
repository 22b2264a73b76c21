// Her identity and profile fields (names in several spellings, partial birth date, ID number,
// phones, address, languages, translator, reading, disabilities, marital status, contact safety,
// children), named as the API names them under a prefix ("survivor.names[1]", or "names[1]" for
// PUT …/survivor), optionally filled with what is known: shared by the intake and her edit.
import { h } from '../../lib/dom';
import { Field, type Form } from '../../lib/forms';
import { checkPhone } from '../../lib/validate';
import { tr } from '../../i18n';
import { checkIdNumber, checkPartialDate } from './checks';
import type { CaseSummary, Identity, Vocabulary } from './model';
import { Checks, choices, compact, rename, Rows, textRows, type RowItem } from './parts';

type ChildRow = RowItem & { name: Field; birth: Field; sex: Field };

export interface Known {
  identity: Identity;
  profile: CaseSummary;
}

export function survivorFields(form: Form, v: Vocabulary, prefix: string, known?: Known) {
  const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
  const id = known?.identity;
  const pr = known?.profile;
  const names = textRows(form, at('names'), { legend: 'intake.field.names', label: 'intake.field.nameSpelling', addKey: 'intake.addName', removeKey: 'intake.removeName', max: 10, testid: 'name', field: { maxLength: 200, hint: 'intake.hint.names', attrs: { autocomplete: 'off', spellcheck: 'false' } } });
  const birth = form.track(new Field({ name: at('birth_date'), label: 'intake.field.birthDate', hint: 'intake.hint.birthDate', maxLength: 10, check: checkPartialDate, value: id?.birth_date ?? '', attrs: { dir: 'ltr', autocomplete: 'off', inputmode: 'numeric', placeholder: 'YYYY-MM-DD' } }));
  const idNumber = form.track(new Field({ name: at('id_number'), label: 'intake.field.idNumber', hint: 'intake.hint.idNumber', maxLength: 40, check: checkIdNumber, value: id?.id_number ?? '', attrs: { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' } }));
  const phones = textRows(form, at('phones'), { legend: 'intake.field.phones', label: 'field.phone', addKey: 'intake.addPhone', removeKey: 'intake.removePhone', max: 5, testid: 'phone', field: { type: 'tel', maxLength: 40, check: checkPhone, hint: 'hint.phone', attrs: { dir: 'ltr', autocomplete: 'off' } } });
  const address = form.track(new Field({ name: at('address'), label: 'field.address', type: 'textarea', maxLength: 500, value: id?.address ?? '' }));
  const languages = new Checks(form, at('languages'), 'intake.field.languages', 'language', v.languages, pr?.languages);
  const translator = form.track(new Field({ name: at('needs_translator'), label: 'intake.field.translator', type: 'checkbox', checked: pr?.needs_translator }));
  const reading = form.track(new Field({ name: at('reading_ability'), label: 'intake.field.reading', type: 'select', value: pr?.reading_ability ?? 'unknown', options: choices('reading', v.reading_abilities, true) }));
  const disabilities = new Checks(form, at('disabilities'), 'intake.field.disabilities', 'disability', v.disabilities, pr?.disabilities);
  const marital = form.track(new Field({ name: at('marital_status'), label: 'intake.field.marital', type: 'select', value: pr?.marital_status ?? 'unknown', options: choices('marital', v.marital_statuses, true) }));
  const safeCall = form.track(new Field({ name: at('contact.safe_to_call'), label: 'intake.field.safeToCall', type: 'checkbox', checked: pr?.contact.safe_to_call }));
  const safeText = form.track(new Field({ name: at('contact.safe_to_text'), label: 'intake.field.safeToText', type: 'checkbox', checked: pr?.contact.safe_to_text }));
  const safeTimes = form.track(new Field({ name: at('contact.safe_times'), label: 'intake.field.safeTimes', hint: 'intake.hint.safeTimes', maxLength: 200, value: pr?.contact.safe_times ?? '' }));
  const contactNotes = form.track(new Field({ name: at('contact.notes'), label: 'intake.field.contactNotes', type: 'textarea', maxLength: 500, value: pr?.contact.notes ?? '' }));
  const children = new Rows<ChildRow>(form, at('children'), {
    legend: 'intake.field.children',
    addKey: 'intake.addChild',
    removeKey: 'intake.removeChild',
    min: 0,
    max: 20,
    testid: 'child',
    make: () => {
      const name = form.track(new Field({ name: 'x', label: 'intake.field.childName', maxLength: 200, attrs: { autocomplete: 'off' } }));
      const b = form.track(new Field({ name: 'x', label: 'intake.field.birthDate', hint: 'intake.hint.birthDate', maxLength: 10, check: checkPartialDate, attrs: { dir: 'ltr', inputmode: 'numeric' } }));
      const sex = form.track(new Field({ name: 'x', label: 'intake.field.sex', type: 'select', value: 'unknown', options: choices('sex', v.sexes, true) }));
      return {
        el: h('div', { class: 'row-fields' }, name.wrap, b.wrap, sex.wrap),
        name,
        birth: b,
        sex,
        fields: () => [name, b, sex],
        rename: (p: string) => {
          rename(name, `${p}.name`);
          rename(b, `${p}.birth_date`);
          rename(sex, `${p}.sex`);
        },
        focus: () => name.control.focus(),
      };
    },
  });

  // What is known fills the repeatable rows.
  const fill = <T extends RowItem>(rows: Rows<T>, values: readonly unknown[], set: (row: T, value: never) => void) =>
    values.forEach((val, i) => {
      const row = rows.items[i] ?? rows.push(false);
      if (row) set(row, val as never);
    });
  fill(names, id?.names ?? [], (r, n: string) => (r.field.control.value = n));
  fill(phones, id?.phones ?? [], (r, p: string) => (r.field.control.value = p));
  fill(children, id?.children ?? [], (r, c: Identity['children'][number]) => {
    r.name.control.value = c.name ?? '';
    r.birth.control.value = c.birth_date ?? '';
    r.sex.control.value = c.sex;
  });

  return {
    birth,
    /** The controls whose change may reveal another case of hers (the duplicate warning). */
    identityEls: [names.el, birth.control, idNumber.control, phones.el],
    els: [
      names.el,
      birth.wrap,
      idNumber.wrap,
      phones.el,
      address.wrap,
      languages.el,
      translator.wrap,
      reading.wrap,
      disabilities.el,
      marital.wrap,
      h('fieldset', { class: 'rows-group' }, h('legend', null, tr('intake.field.contactSafety')), safeCall.wrap, safeText.wrap, safeTimes.wrap, contactNotes.wrap),
      children.el,
    ],
    value: () =>
      compact({
        names: names.items.map((r) => r.field.value()).filter(Boolean),
        birth_date: birth.value(),
        id_number: idNumber.value(),
        phones: phones.items.map((r) => r.field.value()).filter(Boolean),
        address: address.control.value.trim(),
        languages: languages.selected(),
        needs_translator: translator.checked() || undefined,
        reading_ability: reading.value(),
        disabilities: disabilities.selected(),
        marital_status: marital.value(),
        contact: compact({ safe_to_call: safeCall.checked() || undefined, safe_to_text: safeText.checked() || undefined, safe_times: safeTimes.value(), notes: contactNotes.control.value.trim() }),
        children: children.items.map((r) => compact({ name: r.name.value(), birth_date: r.birth.value(), sex: r.sex.value() })),
      }),
  };
}
