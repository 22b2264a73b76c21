import { describe, expect, it } from 'vitest';
import ar from './ar.json';
import en from './en.json';
import fr from './fr.json';
import zgh from './zgh.json';
import { dir, setLocale, t } from '.';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const enKeys = Object.keys(en).sort();
/** Survivor-facing keys: Tamazight must have every one of them. */
const survivorFacing = (k: string) =>
  k.startsWith('public.') || k.startsWith('lang.') || k === 'app.name' || k === 'common.skipToContent';

describe('translation files', () => {
  it.each([
    ['ar', ar],
    ['fr', fr],
  ])('%s has exactly the keys of en', (_, dict) => {
    expect(Object.keys(dict).sort()).toEqual(enKeys);
  });

  it('zgh has only keys of en, and every survivor-facing key', () => {
    const keys = Object.keys(zgh);
    expect(keys.filter((k) => !(k in en))).toEqual([]);
    expect(enKeys.filter(survivorFacing).filter((k) => !(k in zgh))).toEqual([]);
  });

  it.each([
    ['ar', ar as Record<string, string>],
    ['fr', fr as Record<string, string>],
    ['zgh', zgh as Record<string, string>],
  ])('%s: no empty text, same {placeholders} as en', (_, dict) => {
    for (const [k, v] of Object.entries(dict)) {
      expect(v.trim(), k).not.toBe('');
      expect(placeholders(v), k).toEqual(placeholders((en as Record<string, string>)[k] ?? ''));
    }
  });

  it('Tamazight is written in Tifinagh', () => {
    expect(zgh['public.help.title']).toMatch(/^[\u2D30-\u2D7F\s]+$/);
  });
});

describe('t and setLocale', () => {
  it('starts in Arabic, right to left', async () => {
    await setLocale('ar');
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(t('nav.home')).toBe(ar['nav.home']);
  });

  it('fills placeholders', async () => {
    await setLocale('en');
    expect(t('home.greeting', { name: 'Salma' })).toBe('Welcome, Salma');
    expect(dir()).toBe('ltr');
  });

  it('falls back from Tamazight to Arabic for staff keys', async () => {
    await setLocale('zgh');
    expect(document.documentElement.dir).toBe('ltr');
    expect(t('public.quickExit')).toBe(zgh['public.quickExit']);
    expect(t('nav.admin')).toBe(ar['nav.admin']);
    await setLocale('ar');
  });
});
