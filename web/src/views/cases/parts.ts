// Form parts of the case screens: groups of check boxes, repeatable rows (names, phones,
// children, incidents, perpetrators, consents) whose field names follow the API
// ("incidents[1].perpetrators[0].relationship") so that a server error lands on the right field,
// and a form in steps that opens the step holding a wrong field.
import { h } from '../../lib/dom';
import { Field, Form, type FieldOpts } from '../../lib/forms';
import { tr } from '../../i18n';
import type { Unit } from '../../lib/api';
import { vlabel, type Vocabulary } from './model';

export function rename(f: Field, name: string): void {
  f.opts.name = name;
  f.control.name = name;
}

/** A sub-object of the request: `{}` keys with empty values left out. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === '' || v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}

/** A choice list from a vocabulary, with an empty "choose" first unless `noEmpty`. */
export function choices(group: string, values: readonly string[], noEmpty = false) {
  const opts = values.map((v) => ({ value: v, label: vlabel(group, v) }));
  return noEmpty ? opts : [{ value: '', label: tr('common.choose') }, ...opts];
}

/** Check boxes, one per vocabulary value; each is a Field named `<name>.<value>`. */
export class Checks {
  readonly el: HTMLFieldSetElement;
  readonly fields: Field[];

  constructor(
    form: Form,
    name: string,
    legendKey: string,
    readonly group: string,
    readonly values: readonly string[],
    checked: readonly string[] = [],
  ) {
    this.fields = values.map((v) =>
      form.track(new Field({ name: `${name}.${v}`, label: `case.v.${group}.${v}`, type: 'checkbox', checked: checked.includes(v) })),
    );
    this.el = h('fieldset', { class: 'check-group', 'data-field': name }, h('legend', null, tr(legendKey)), this.fields.map((f) => f.wrap));
  }

  selected(): string[] {
    return this.values.filter((_, i) => this.fields[i]?.checked());
  }

  rename(name: string): void {
    this.values.forEach((v, i) => {
      const f = this.fields[i];
      if (f) rename(f, `${name}.${v}`);
    });
  }
}

export interface RowItem {
  el: HTMLElement;
  fields(): Field[];
  rename(prefix: string): void;
  focus(): void;
}

/** A list of rows the person can add to and remove from (between min and max rows). */
export class Rows<T extends RowItem> {
  readonly items: T[] = [];
  readonly list = h('ol', { class: 'rows' });
  readonly add: HTMLButtonElement;
  readonly el: HTMLElement;

  constructor(
    private form: Form,
    private prefix: string,
    private o: { legend: string; addKey: string; removeKey: string; min: number; max: number; make: () => T; testid?: string },
  ) {
    this.add = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': o.testid ? `add-${o.testid}` : undefined, onclick: () => this.push(true) }, tr(o.addKey));
    this.el = h('fieldset', { class: 'rows-group', 'data-field': prefix }, h('legend', null, tr(o.legend)), this.list, this.add);
    for (let i = 0; i < o.min; i++) this.push(false);
  }

  push(focus: boolean): T | undefined {
    if (this.items.length >= this.o.max) return undefined;
    const item = this.o.make();
    const remove = h('button', { type: 'button', class: 'btn btn-quiet btn-small row-remove', onclick: () => this.remove(item) }, tr(this.o.removeKey));
    const li = h('li', { class: 'row-item' }, item.el, remove);
    (item as RowItem & { li?: HTMLElement }).li = li;
    this.items.push(item);
    this.list.append(li);
    this.renumber();
    if (focus) item.focus();
    return item;
  }

  remove(item: T): void {
    const i = this.items.indexOf(item);
    if (i < 0 || this.items.length <= this.o.min) return;
    this.items.splice(i, 1);
    for (const f of item.fields()) this.form.untrack(f);
    (item as RowItem & { li?: HTMLElement }).li?.remove();
    this.renumber();
    (this.items[Math.min(i, this.items.length - 1)] ?? null)?.focus();
    if (this.items.length === 0) this.add.focus();
  }

  fields(): Field[] {
    return this.items.flatMap((it) => it.fields());
  }

  rename(prefix: string): void {
    this.prefix = prefix;
    this.renumber();
  }

  private renumber(): void {
    this.items.forEach((it, i) => it.rename(`${this.prefix}[${i}]`));
    this.add.disabled = this.items.length >= this.o.max;
    for (const it of this.items) {
      const btn = (it as RowItem & { li?: HTMLElement }).li?.querySelector<HTMLButtonElement>('.row-remove');
      if (btn) btn.disabled = this.items.length <= this.o.min;
    }
  }
}

/** One text field per row (names, phones). */
export function textRows(form: Form, prefix: string, o: { legend: string; label: string; addKey: string; removeKey: string; max: number; field: Omit<FieldOpts, 'name' | 'label'>; testid: string }): Rows<RowItem & { field: Field }> {
  return new Rows(form, prefix, {
    legend: o.legend,
    addKey: o.addKey,
    removeKey: o.removeKey,
    min: 1,
    max: o.max,
    testid: o.testid,
    make: () => {
      const field = form.track(new Field({ ...o.field, name: prefix, label: o.label }));
      return { el: field.wrap, field, fields: () => [field], rename: (p: string) => rename(field, p), focus: () => field.control.focus() };
    },
  });
}

/** A field that is switched off (disabled, or hidden as not applying) is not checked. */
function inUse(f: Field): boolean {
  return !f.control.disabled && !f.wrap.hidden;
}

/**
 * A form in steps: every step stays in the page (hidden), so nothing typed is lost when moving
 * between steps or on an error; a wrong field opens its step before it takes the focus.
 */
export class StepForm extends Form {
  steps: { key: string; el: HTMLElement }[] = [];
  current = 0;
  onStep: () => void = () => {};

  stepOf(el: Element): number {
    return this.steps.findIndex((s) => s.el.contains(el));
  }

  show(i: number, focusHeading = true): void {
    this.current = Math.max(0, Math.min(i, this.steps.length - 1));
    this.steps.forEach((s, j) => {
      s.el.hidden = j !== this.current;
    });
    this.onStep();
    if (focusHeading) this.steps[this.current]?.el.querySelector<HTMLElement>('h2')?.focus();
  }

  /** Checks the fields of one step; opens nothing, focuses the first problem. */
  validateStep(i: number): boolean {
    const el = this.steps[i]?.el;
    if (!el) return true;
    let first: Field | undefined;
    for (const f of this.allFields()) {
      if (!el.contains(f.wrap) || !inUse(f)) continue;
      if (!f.validate() && !first) first = f;
    }
    if (first) {
      this.say(tr('error.fixFields'));
      first.control.focus();
      return false;
    }
    this.say(null);
    return true;
  }

  override validate(): boolean {
    for (let i = 0; i < this.steps.length; i++) {
      if (!this.stepValid(i)) {
        this.show(i, false);
        return this.validateStep(i);
      }
    }
    return this.extraChecks();
  }

  /** Cross-field checks (run after every field is fine); return false after placing errors. */
  extraChecks: () => boolean = () => true;

  override showError(err: unknown): void {
    const name = (err as { field?: string | null }).field ?? null;
    const f = name ? this.fieldFor(name) : undefined;
    if (f) {
      const i = this.stepOf(f.wrap);
      if (i >= 0 && i !== this.current) this.show(i, false);
    }
    super.showError(err);
  }

  private stepValid(i: number): boolean {
    const el = this.steps[i]?.el;
    return this.allFields().every((f) => !el?.contains(f.wrap) || !inUse(f) || f.validate());
  }

  private allFields(): Field[] {
    return this.fields;
  }
}

/**
 * The fields of one consent (recipient unit, purposes that fit its sector, basis and legal
 * ground for a child's case, method), shared by the intake and the case's consents tab.
 */
export class ConsentFields {
  readonly unit: Field;
  readonly purposes: Checks;
  readonly basis: Field;
  readonly ground: Field;
  readonly method: Field;
  readonly el: HTMLElement;
  private child = false;

  constructor(
    form: Form,
    private v: Vocabulary,
    private units: Unit[],
  ) {
    this.unit = form.track(new Field({ name: 'unit_id', label: 'case.consent.unit', type: 'select', required: true, options: [{ value: '', label: tr('common.choose') }, ...units.map((u) => ({ value: u.id, label: u.name }))] }));
    this.purposes = new Checks(form, 'purposes', 'case.consent.purposes', 'purpose', v.consent_purposes.map((p) => p.purpose));
    this.basis = form.track(new Field({ name: 'basis', label: 'case.consent.basis', type: 'select', value: 'consent', options: choices('basis', ['consent', 'legal_ground'], true) }));
    this.ground = form.track(new Field({ name: 'legal_ground', label: 'case.consent.legalGround', type: 'select', required: true, options: choices('legal_ground', v.legal_grounds) }));
    this.method = form.track(new Field({ name: 'method', label: 'case.consent.method', type: 'select', value: 'oral', options: choices('method', v.consent_methods, true) }));
    this.unit.control.addEventListener('change', () => this.sync());
    this.basis.control.addEventListener('change', () => this.sync());
    this.el = h('div', { class: 'row-fields' }, this.unit.wrap, this.purposes.el, this.basis.wrap, this.ground.wrap, this.method.wrap);
    this.sync();
  }

  fields(): Field[] {
    return [this.unit, ...this.purposes.fields, this.basis, this.ground, this.method];
  }

  setChild(child: boolean): void {
    this.child = child;
    if (!child) this.basis.control.value = 'consent';
    this.sync();
  }

  /** Shows only the purposes that fit the chosen unit's sector, and the legal ground when used. */
  sync(): void {
    const sector = this.units.find((u) => u.id === this.unit.control.value)?.sector;
    this.v.consent_purposes.forEach((p, i) => {
      const f = this.purposes.fields[i];
      if (!f) return;
      f.wrap.hidden = !!sector && !p.sectors.includes(sector);
      if (f.wrap.hidden && f.control instanceof HTMLInputElement) f.control.checked = false;
    });
    this.basis.wrap.hidden = !this.child;
    const legal = this.child && this.basis.control.value === 'legal_ground';
    this.ground.wrap.hidden = !legal;
    this.ground.control.disabled = !legal;
  }

  rename(p: string): void {
    rename(this.unit, `${p}.unit_id`);
    this.purposes.rename(`${p}.purposes`);
    rename(this.basis, `${p}.basis`);
    rename(this.ground, `${p}.legal_ground`);
    rename(this.method, `${p}.method`);
  }

  /** Places "name at least one purpose" on the first visible purpose; false when none. */
  checkPurposes(form: Form): boolean {
    if (this.purposes.selected().length > 0) return true;
    const f = this.purposes.fields.find((x) => !x.wrap.hidden);
    f?.setError(tr('case.error.purpose'));
    form.say(tr('error.fixFields'));
    f?.control.focus();
    return false;
  }

  value(): Record<string, unknown> {
    const legal = this.child && this.basis.value() === 'legal_ground';
    return compact({ unit_id: this.unit.value(), purposes: this.purposes.selected(), basis: legal ? 'legal_ground' : '', legal_ground: legal ? this.ground.value() : '', method: this.method.value() });
  }
}
