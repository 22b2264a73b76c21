// Accessible form building blocks: every control has a visible <label>, an optional hint and an
// error slot tied to it by aria-describedby; the form has one live region for its own messages.
// Server errors ({code, message, field}) are shown next to the field the server names; a lost
// connection leaves every value in place and says so.
import { ApiError, NetworkError } from './api';
import { append, h, newId, type Attrs, type Live } from './dom';
import { t, tr } from '../i18n';
import { checkLength, type Problem } from './validate';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Option {
  value: string;
  label: Live | string;
}

export interface FieldOpts {
  /** API field name: matched against the server error's `field`, and the control's name. */
  name: string;
  /** i18n key of the label. */
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'select' | 'textarea' | 'checkbox' | 'date' | 'time' | 'datetime-local' | 'file';
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  /** i18n key of a hint shown under the label. */
  hint?: string;
  value?: string;
  checked?: boolean;
  options?: Option[];
  check?: (v: string) => Problem | null;
  attrs?: Attrs;
}

export class Field {
  readonly wrap: HTMLElement;
  readonly control: Control;
  readonly error: HTMLElement;
  private problem: Live | null = null;

  constructor(readonly opts: FieldOpts) {
    const id = newId(`f-${opts.name.replace(/[^a-z0-9_-]/gi, '-')}`);
    const errId = `${id}-err`;
    const hintId = `${id}-hint`;
    const described = [opts.hint ? hintId : '', errId].filter(Boolean).join(' ');
    const common: Attrs = {
      id,
      name: opts.name,
      required: opts.required,
      'aria-describedby': described,
      ...opts.attrs,
    };
    if (opts.type === 'select') {
      this.control = h(
        'select',
        { ...common, value: opts.value ?? '' },
        (opts.options ?? []).map((o) => h('option', { value: o.value }, o.label)),
      );
    } else if (opts.type === 'textarea') {
      this.control = h('textarea', { ...common, rows: 3, maxlength: opts.maxLength, value: opts.value ?? '' });
    } else {
      this.control = h('input', {
        ...common,
        type: opts.type ?? 'text',
        maxlength: opts.type === 'checkbox' ? undefined : opts.maxLength,
        value: opts.type === 'checkbox' ? undefined : opts.value ?? '',
        checked: opts.type === 'checkbox' ? opts.checked : undefined,
      });
    }
    this.error = h('p', { id: errId, class: 'field-error', 'aria-live': 'polite' });
    const label = h(
      'label',
      { for: id },
      tr(opts.label),
      opts.required ? h('span', { class: 'req' }, ' ', h('span', { 'aria-hidden': 'true' }, '*')) : null,
    );
    const hint = opts.hint ? h('p', { id: hintId, class: 'hint' }, tr(opts.hint)) : null;
    this.wrap =
      opts.type === 'checkbox'
        ? h('div', { class: 'field field-check' }, this.control, label, hint, this.error)
        : h('div', { class: 'field' }, label, hint, this.control, this.error);
  }

  value(): string {
    if (this.control instanceof HTMLInputElement && this.control.type === 'checkbox') {
      return this.control.checked ? 'true' : 'false';
    }
    return this.control.value.trim();
  }

  checked(): boolean {
    return this.control instanceof HTMLInputElement && this.control.checked;
  }

  /** Shows `msg` (a live translation or the server's literal text) or clears the error. */
  setError(msg: Live | string | null): void {
    this.problem = msg === null ? null : typeof msg === 'string' ? () => msg : msg;
    this.error.replaceChildren();
    if (this.problem) {
      append(this.error, h('span', { class: 'sr-only' }, tr('error.prefix')), this.problem);
      this.control.setAttribute('aria-invalid', 'true');
      this.wrap.classList.add('has-error');
    } else {
      this.control.removeAttribute('aria-invalid');
      this.wrap.classList.remove('has-error');
    }
  }

  /** Runs the client-side checks; returns true when the value is acceptable. */
  validate(): boolean {
    const o = this.opts;
    const v = this.value();
    let p: Problem | null = null;
    // A disabled control does not apply now (and a browser would not submit it either).
    if (o.type === 'checkbox' || this.control.disabled) p = null;
    else if (v === '') p = o.required ? { key: 'error.required' } : null;
    else if (o.check) p = o.check(v);
    else if (o.minLength !== undefined || o.maxLength !== undefined) {
      p = checkLength(v, o.minLength ?? 0, o.maxLength ?? Number.MAX_SAFE_INTEGER);
    }
    this.setError(p ? tr(p.key, p.params) : null);
    return p === null;
  }
}

export interface FormOpts {
  /** i18n key of the submit button. */
  submit: string;
  onSubmit: () => Promise<void>;
  attrs?: Attrs;
}

export class Form {
  readonly el: HTMLFormElement;
  readonly status: HTMLElement;
  readonly button: HTMLButtonElement;
  readonly body: HTMLElement;
  protected fields: Field[] = [];
  private busy = false;

  constructor(private readonly opts: FormOpts) {
    this.status = h('div', { class: 'form-status', 'aria-live': 'assertive', 'aria-atomic': 'true' });
    this.button = h('button', { type: 'submit', class: 'btn btn-primary' }, tr(opts.submit));
    this.body = h('div', { class: 'form-body' });
    this.el = h(
      'form',
      { novalidate: true, ...opts.attrs, onsubmit: (e: Event) => void this.submit(e) },
      this.body,
      this.status,
      h('div', { class: 'form-actions' }, this.button),
    );
  }

  add(...fields: Field[]): this {
    for (const f of fields) {
      this.fields.push(f);
      this.body.append(f.wrap);
    }
    return this;
  }

  /** Registers a field whose element the caller places itself (e.g. in a fieldset). */
  track(f: Field): Field {
    this.fields.push(f);
    return f;
  }

  untrack(f: Field): void {
    this.fields = this.fields.filter((x) => x !== f);
  }

  field(name: string): Field | undefined {
    return this.fields.find((f) => f.opts.name === name);
  }

  /** Shows a form-level message (error or success) in the live region. */
  say(msg: Live | string | null, kind: 'error' | 'ok' = 'error'): void {
    this.status.className = `form-status ${msg === null ? '' : kind}`;
    this.status.replaceChildren();
    if (msg !== null) append(this.status, msg);
  }

  clearErrors(): void {
    for (const f of this.fields) f.setError(null);
    this.say(null);
  }

  /** Client-side checks; focuses the first problem. */
  validate(): boolean {
    let first: Field | undefined;
    for (const f of this.fields) if (!f.validate() && !first) first = f;
    if (first) {
      this.say(tr('error.fixFields'));
      first.control.focus();
      return false;
    }
    return true;
  }

  /** Finds the field an API error names: "memberships[1].role", then "memberships[1]", … */
  fieldFor(path: string | null): Field | undefined {
    let p = path;
    while (p) {
      const exact = this.field(p);
      if (exact) return exact;
      const prefix = this.fields.find((f) => f.opts.name.startsWith(`${p}.`) || f.opts.name.startsWith(`${p}[`));
      if (prefix) return prefix;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut > 0 ? p.slice(0, cut) : '';
    }
    return undefined;
  }

  /** Shows any failure: the server's message next to its field, or a form-level message. */
  showError(err: unknown): void {
    if (err instanceof NetworkError) {
      this.say(tr('error.connection'));
      return;
    }
    if (err instanceof ApiError) {
      const f = this.fieldFor(err.field);
      if (f) {
        f.setError(err.message);
        this.say(tr('error.fixFields'));
        f.control.focus();
        return;
      }
      this.say(messageFor(err));
      return;
    }
    console.error(err);
    this.say(tr('error.generic'));
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    this.clearErrors();
    if (!this.validate()) return;
    this.busy = true;
    this.button.disabled = true;
    this.el.setAttribute('aria-busy', 'true');
    try {
      await this.opts.onSubmit();
    } catch (err) {
      this.showError(err);
    } finally {
      this.busy = false;
      this.button.disabled = false;
      this.el.removeAttribute('aria-busy');
    }
  }
}

/** A person-readable message for an API error that names no field. */
export function messageFor(err: unknown): Live {
  if (err instanceof NetworkError) return tr('error.connection');
  if (err instanceof ApiError) {
    if (err.status === 429) return tr('error.throttled');
    if (err.status === 403) return tr('withheld.title');
    if (err.status === 401) return tr('error.signedOut');
    if (err.status >= 500) return tr('error.server');
    return () => err.message || t('error.generic');
  }
  return tr('error.generic');
}
