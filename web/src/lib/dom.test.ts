import { describe, expect, it } from 'vitest';
import { h } from './dom';
import { setLocale, tr } from '../i18n';

describe('h and live translations', () => {
  it('updates live text and attributes in place on a language change', async () => {
    await setLocale('ar');
    const input = h('input', { 'aria-label': tr('field.name') });
    const label = h('label', null, tr('field.name'));
    document.body.replaceChildren(label, input);
    input.value = 'typed';
    expect(label.textContent).toBe('الاسم');

    await setLocale('fr');
    expect(label.textContent).toBe('Nom');
    expect(input.getAttribute('aria-label')).toBe('Nom');
    expect(input.value).toBe('typed');
    expect(document.body.firstChild).toBe(label); // same nodes: nothing was re-rendered
    await setLocale('ar');
  });

  it('sets a select value after its options exist', () => {
    const sel = h('select', { value: 'b' }, h('option', { value: 'a' }, 'A'), h('option', { value: 'b' }, 'B'));
    expect(sel.value).toBe('b');
  });

  it('binds events and skips false attributes', () => {
    let clicks = 0;
    const b = h('button', { onclick: () => (clicks += 1), disabled: false, hidden: true }, 'x');
    b.click();
    expect(clicks).toBe(1);
    expect(b.hasAttribute('disabled')).toBe(false);
    expect(b.hasAttribute('hidden')).toBe(true);
  });
});
