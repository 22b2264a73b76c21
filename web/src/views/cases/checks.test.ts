import { describe, expect, it } from 'vitest';
import { birthAfter, checkIdNumber, checkPartialDate, checkPastDate, localToIso, normaliseReference } from './checks';

const key = (p: { key: string } | null) => p?.key ?? null;

describe('checks that mirror the server', () => {
  it.each([
    ['1990', null],
    ['1990-05', null],
    ['1990-05-12', null],
    ['1990-02-30', 'case.error.partialDate'],
    ['1990-13', 'case.error.partialDate'],
    ['90', 'case.error.partialDate'],
    ['1990/05/12', 'case.error.partialDate'],
    ['2999', 'case.error.future'],
  ])('partial date %s', (v, want) => {
    expect(key(checkPartialDate(v))).toBe(want);
  });

  it('a partial date in this month is not in the future; a full date tomorrow is', () => {
    const now = new Date();
    const ym = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
    expect(checkPartialDate(ym)).toBeNull();
    const t = new Date(now.getTime() + 2 * 86_400_000);
    const tomorrow = `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
    expect(key(checkPastDate(tomorrow))).toBe('case.error.future');
  });

  it.each([
    ['AB123456', null],
    ['ab 123-456', null],
    ['A12', 'case.error.idNumber'],
    ['AB#123456', 'case.error.idNumber'],
    ['A'.repeat(21), 'case.error.idNumber'],
  ])('ID number %s', (v, want) => {
    expect(key(checkIdNumber(v))).toBe(want);
  });

  it('compares a partial birth date by its earliest day', () => {
    expect(birthAfter('2026-11', '2026-11-01')).toBe(false);
    expect(birthAfter('2026-11-05', '2026-11-01')).toBe(true);
    expect(birthAfter('', '2026-11-01')).toBe(false);
  });

  it('reads reference codes as people type them', () => {
    expect(normaliseReference('tmk 7k3f9qxdm2pa')).toBe('TMK-7K3F-9QXD-M2PA');
    expect(normaliseReference('7K3F-9QXD-M2PA')).toBe('TMK-7K3F-9QXD-M2PA');
    expect(normaliseReference(' short ')).toBe('short');
  });

  it('turns a local date and time into an instant', () => {
    expect(localToIso('')).toBeNull();
    expect(localToIso('2026-11-23T10:05')).toMatch(/^2026-11-2\dT\d\d:05:00Z$/);
  });
});
