// Client-side checks that mirror the server's (identity/validation.cc, http/api/codec.cc), so a
// person sees a problem before the round trip. The server stays the authority: its answer is
// always shown as well. Each check returns an i18n key and parameters, or null when fine.

export interface Problem {
  key: string;
  params?: Record<string, string | number>;
}

export function chars(s: string): number {
  return [...s].length;
}

export function checkLength(v: string, min: number, max: number): Problem | null {
  const n = chars(v);
  if (n < min || n > max) return { key: 'error.length', params: { min, max } };
  return null;
}

export function checkUsername(v: string): Problem | null {
  const u = v.toLowerCase();
  if (u.length < 3 || u.length > 64) return { key: 'error.length', params: { min: 3, max: 64 } };
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(u)) return { key: 'error.username' };
  return null;
}

export function checkEmail(v: string): Problem | null {
  const at = v.indexOf('@');
  const ok =
    v.length <= 254 &&
    at > 0 &&
    v.indexOf('@', at + 1) < 0 &&
    v.indexOf('.', at) > 0 &&
    !v.endsWith('.') &&
    // eslint-disable-next-line no-control-regex
    !/[\s\x00-\x20]/.test(v);
  return ok ? null : { key: 'error.email' };
}

/** Moroccan and international numbers as people write them (06…, +212 6…, 00212 6…). */
export function checkPhone(v: string): Problem | null {
  if (chars(v) > 40) return { key: 'error.length', params: { min: 1, max: 40 } };
  let digits = '';
  let plus = false;
  for (const c of v) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c === '+' && digits === '' && !plus) plus = true;
    else if (!' .-()'.includes(c)) return { key: 'error.phone' };
  }
  let e164: string;
  if (plus) e164 = `+${digits}`;
  else if (digits.startsWith('00')) e164 = `+${digits.slice(2)}`;
  else if (digits.length === 10 && digits[0] === '0') e164 = `+212${digits.slice(1)}`;
  else return { key: 'error.phone' };
  if (e164.startsWith('+212')) {
    const national = e164.slice(4);
    if (national.length !== 9 || !'5678'.includes(national[0] ?? 'x')) return { key: 'error.phone' };
  } else if (e164.length < 8 || e164.length > 16) {
    return { key: 'error.phone' };
  }
  return null;
}

export function checkTotp(v: string): Problem | null {
  return /^\d{6}$/.test(v.replace(/\s/g, '')) ? null : { key: 'error.totp' };
}
