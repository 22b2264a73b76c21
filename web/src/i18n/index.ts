// Languages: Arabic (default, right to left), French and English for staff; Tamazight in
// Tifinagh (zgh) for the survivor-facing pages, falling back to Arabic for any key it lacks.
// Every string shown lives in the JSON files beside this one; dates and numbers go through Intl.
import ar from './ar.json';
import { relocalize } from '../lib/dom';

export type Locale = 'ar' | 'fr' | 'en' | 'zgh';
export type Dict = Record<string, string>;

export const STAFF_LOCALES: readonly Locale[] = ['ar', 'fr', 'en'];
export const PUBLIC_LOCALES: readonly Locale[] = ['ar', 'zgh', 'fr', 'en'];
export const DEFAULT_LOCALE: Locale = 'ar';

const dicts: Partial<Record<Locale, Dict>> = { ar };
const loaders: Record<Exclude<Locale, 'ar'>, () => Promise<{ default: Dict }>> = {
  fr: () => import('./fr.json'),
  en: () => import('./en.json'),
  zgh: () => import('./zgh.json'),
};
const INTL: Record<Locale, string[]> = {
  ar: ['ar-MA', 'ar'],
  fr: ['fr-MA', 'fr'],
  en: ['en'],
  zgh: ['zgh-MA', 'ar-MA'],
};

let current: Locale = DEFAULT_LOCALE;

export function isLocale(x: unknown): x is Locale {
  return x === 'ar' || x === 'fr' || x === 'en' || x === 'zgh';
}

export function locale(): Locale {
  return current;
}

export function dir(l: Locale = current): 'rtl' | 'ltr' {
  return l === 'ar' ? 'rtl' : 'ltr';
}

/** The translation of `key` in the current language, with {name} placeholders filled. */
export function t(key: string, params?: Record<string, string | number>): string {
  let s = dicts[current]?.[key] ?? dicts[DEFAULT_LOCALE]?.[key];
  if (s === undefined) {
    if (import.meta.env.DEV) console.warn(`missing translation: ${key}`);
    s = key;
  }
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name: string) =>
      params[name] === undefined ? m : String(params[name]),
    );
  }
  return s;
}

/** A live translation, for h() children and attributes: follows language changes. */
export function tr(key: string, params?: Record<string, string | number>): () => string {
  return () => t(key, params);
}

export async function loadLocale(l: Locale): Promise<void> {
  if (!dicts[l] && l !== 'ar') dicts[l] = (await loaders[l]()).default;
}

/** Switches language: loads it if needed, sets <html lang dir>, updates every live text. */
export async function setLocale(l: Locale): Promise<void> {
  await loadLocale(l);
  current = l;
  document.documentElement.lang = l;
  document.documentElement.dir = dir(l);
  relocalize();
}

export function formatDateTime(iso: string | number | Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(INTL[current], { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(INTL[current]).format(n);
}
