import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { Field, Form } from './forms';
import { setLocale } from '../i18n';
import { apiError, scriptFetch, settle } from '../test/fetch';
import ar from '../i18n/ar.json';
import fr from '../i18n/fr.json';

beforeEach(async () => {
  await setLocale('ar');
});
afterEach(() => vi.unstubAllGlobals());

function makeForm() {
  const name = new Field({ name: 'name', label: 'field.name', required: true, minLength: 2, maxLength: 200 });
  const role = new Field({ name: 'memberships[1].role', label: 'field.role', type: 'select', options: [{ value: 'officer', label: 'officer' }] });
  const form = new Form({
    submit: 'common.save',
    onSubmit: async () => {
      await api.post('/api/v1/things', { name: name.value() });
    },
  });
  form.add(name, role);
  document.body.replaceChildren(form.el);
  return { form, name, role };
}

const submit = async (form: Form) => {
  form.el.dispatchEvent(new Event('submit', { cancelable: true }));
  await settle();
};

describe('Form', () => {
  it('labels every control and ties its error to it', async () => {
    const { form, name } = makeForm();
    const label = form.el.querySelector(`label[for="${name.control.id}"]`);
    expect(label?.textContent).toContain(ar['field.name']);
    await submit(form);
    expect(name.control.getAttribute('aria-invalid')).toBe('true');
    const errId = name.control.getAttribute('aria-describedby');
    expect(document.getElementById(errId ?? '')?.textContent).toContain(ar['error.required']);
    expect(document.activeElement).toBe(name.control);
    expect(form.status.getAttribute('aria-live')).toBe('assertive');
  });

  it("shows the server's message next to the field it names", async () => {
    const { form, name } = makeForm();
    name.control.value = 'Unité';
    scriptFetch(apiError(409, 'already_exists', 'a unit with this name exists', 'name'));
    await submit(form);
    expect(name.error.textContent).toContain('a unit with this name exists');
    expect(name.control.getAttribute('aria-invalid')).toBe('true');
  });

  it('maps nested API fields (memberships[1].role) to the right control', async () => {
    const { form, name, role } = makeForm();
    name.control.value = 'Unité';
    scriptFetch(apiError(400, 'invalid_argument', 'is not a known role', 'memberships[1].role'));
    await submit(form);
    expect(role.error.textContent).toContain('is not a known role');
    expect(form.fieldFor('memberships[1]')).toBe(role);
  });

  it('keeps what was typed when the connection is lost, and says so', async () => {
    const { form, name } = makeForm();
    name.control.value = 'Cellule de Fès';
    scriptFetch('offline');
    await submit(form);
    expect(name.control.value).toBe('Cellule de Fès');
    expect(form.status.textContent).toBe(ar['error.connection']);
    await setLocale('fr');
    expect(form.status.textContent).toBe(fr['error.connection']);
  });

  it('shows a form-level message for errors without a field', async () => {
    const { form, name } = makeForm();
    name.control.value = 'ok';
    scriptFetch(apiError(429, 'rate_limited', 'slow down'));
    await submit(form);
    expect(form.status.textContent).toBe(ar['error.throttled']);
  });
});

describe('Field', () => {
  it('checks a required field only while it is enabled (a disabled one does not apply)', () => {
    const f = new Field({ name: 'legal_ground', label: 'field.name', type: 'select', required: true, options: [{ value: '', label: 'choose' }] });
    expect(f.validate()).toBe(false);
    f.control.disabled = true;
    expect(f.validate()).toBe(true);
    expect(f.control.hasAttribute('aria-invalid')).toBe(false);
  });

  it('makes real date and file inputs', () => {
    expect((new Field({ name: 'd', label: 'field.name', type: 'date' }).control as HTMLInputElement).type).toBe('date');
    expect((new Field({ name: 'f', label: 'field.name', type: 'file' }).control as HTMLInputElement).type).toBe('file');
  });
});
