import { describe, expect, it } from 'vitest';
import {
  checkResidentIdNumber,
  idNumberCheckChar,
  maskBankAccount,
  maskIdNumber,
} from '../../functions/core/personal-data.domain';

describe('personal-data.domain', () => {
  it('accepts an ID number whose GB 11643 check character is right, X included', () => {
    expect(checkResidentIdNumber('11010519491231002X')).toEqual({ ok: true, value: '11010519491231002X' });
    expect(checkResidentIdNumber('11010519491231002x')).toEqual({ ok: true, value: '11010519491231002X' });
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(checkResidentIdNumber('110105199001011232')).toEqual({ ok: true, value: '110105199001011232' });
  });

  it('names the problem when the ID number is malformed', () => {
    expect(checkResidentIdNumber('110105194912310021')).toEqual({ ok: false, problem: 'check_digit' });
    expect(checkResidentIdNumber('1101051949123100')).toEqual({ ok: false, problem: 'length' });
    expect(checkResidentIdNumber('11010519491231A02X')).toEqual({ ok: false, problem: 'characters' });
    expect(checkResidentIdNumber('110105194902301234')).toEqual({ ok: false, problem: 'birth_date' });
  });

  it('masks ID numbers and bank accounts so only the ends show', () => {
    expect(maskIdNumber('110105199001011234')).toBe('110***********1234');
    expect(maskBankAccount('6222 0212 3456 7890 123')).toBe('6222***********0123');
  });
});
