// Client checks of the case file that mirror the server's (src/cases/validate.cc,
// src/http/api/case_codec.cc). The server stays the authority; its answer is shown as well.
import type { Problem } from '../../lib/validate';

function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function realDate(y: number, m: number, d: number): boolean {
  const x = new Date(Date.UTC(y, m - 1, d));
  return x.getUTCFullYear() === y && x.getUTCMonth() === m - 1 && x.getUTCDate() === d;
}

/** `1990`, `1990-05` or `1990-05-12`, a real date, not in the future. */
export function checkPartialDate(v: string): Problem | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
  if (!m) return { key: 'case.error.partialDate' };
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  if (y < 1900 || mo < 1 || mo > 12 || !realDate(y, mo, d)) return { key: 'case.error.partialDate' };
  // The earliest day the partial date allows must not be after today.
  const earliest = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`;
  return earliest > today() ? { key: 'case.error.future' } : null;
}

/** A full date YYYY-MM-DD (what <input type=date> gives), not in the future. */
export function checkPastDate(v: string): Problem | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m || !realDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { key: 'case.error.date' };
  return v > today() ? { key: 'case.error.future' } : null;
}

/** CNIE numbers as written: letters and digits (spaces, dashes, dots ignored), 4 to 20. */
export function checkIdNumber(v: string): Problem | null {
  const s = v.replace(/[ .-]/g, '');
  if (!/^[A-Za-z0-9]*$/.test(s)) return { key: 'case.error.idNumber' };
  return s.length < 4 || s.length > 20 ? { key: 'case.error.idNumber' } : null;
}

/** The birth date (partial) must not be after the incident: compares the earliest day. */
export function birthAfter(birth: string, incidentDate: string): boolean {
  if (!birth || !incidentDate) return false;
  const [y, m, d] = birth.split('-');
  return `${y}-${m ?? '01'}-${d ?? '01'}` > incidentDate;
}

/** A local datetime-local value ("2026-11-23T14:05") as an ISO instant, or null. */
export function localToIso(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reference codes as people type them: upper case, dashes where they belong. */
export function normaliseReference(v: string): string {
  const s = v.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = s.startsWith('TMK') ? s.slice(3) : s;
  return body.length === 12 ? `TMK-${body.slice(0, 4)}-${body.slice(4, 8)}-${body.slice(8)}` : v.trim();
}
