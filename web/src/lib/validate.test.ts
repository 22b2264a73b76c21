import { describe, expect, it } from 'vitest';
import { checkEmail, checkLength, checkPhone, checkTotp, checkUsername } from './validate';

describe('client checks mirror the server', () => {
  it.each([
    ['0612345678', true],
    ['06 12 34 56 78', true],
    ['06.12.34.56.78', true],
    ['+212 6 12 34 56 78', true],
    ['00212612345678', true],
    ['0522 00 00 00', true],
    ['+33 1 23 45 67 89', true],
    ['612345678', false],
    ['+212 4 12 34 56 78', false],
    ['06-12-34-56-7', false],
    ['call me', false],
  ])('phone %s → %s', (v, ok) => {
    expect(checkPhone(v) === null).toBe(ok);
  });

  it.each([
    ['salma', true],
    ['police.head', true],
    ['a1_b-c', true],
    ['ab', false],
    ['.salma', false],
    ['salma benani', false],
    ['سلمى', false],
  ])('username %s → %s', (v, ok) => {
    expect(checkUsername(v) === null).toBe(ok);
  });

  it.each([
    ['a@b.ma', true],
    ['a@b', false],
    ['@b.ma', false],
    ['a b@c.ma', false],
    ['a@b.ma.', false],
  ])('email %s → %s', (v, ok) => {
    expect(checkEmail(v) === null).toBe(ok);
  });

  it('counts characters, not bytes', () => {
    expect(checkLength('تم', 2, 200)).toBeNull();
    expect(checkLength('ت', 2, 200)).toEqual({ key: 'error.length', params: { min: 2, max: 200 } });
  });

  it('TOTP codes are six digits', () => {
    expect(checkTotp('123456')).toBeNull();
    expect(checkTotp('123 456')).toBeNull();
    expect(checkTotp('12345')).not.toBeNull();
  });
});
