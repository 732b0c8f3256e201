/**
 * Personal data: resident ID numbers (居民身份证号, GB 11643-1999) and bank accounts.
 * Stored once in the store; every way out (API, sheet, log, audit, outbox) shows the masked form.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The GB 11643 check character for the first 17 digits. */
export const idNumberCheckChar = (first17: string): string => {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
};

export type IdNumberProblem = 'length' | 'characters' | 'birth_date' | 'check_digit';

/** Validates an 18-character resident ID number: digits, a real birth date, the check character. */
export const checkResidentIdNumber = (raw: string): { ok: true; value: string } | { ok: false; problem: IdNumberProblem } => {
  const value = raw.trim().toUpperCase();
  if (value.length !== 18) return { ok: false, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'characters' };
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const parsed = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== birth || Number(value.slice(6, 10)) < 1900) {
    return { ok: false, problem: 'birth_date' };
  }
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'check_digit' };
  return { ok: true, value };
};

export const ID_NUMBER_PROBLEM_MESSAGES: Record<IdNumberProblem, string> = {
  length: '身份证号码应为18位',
  characters: '身份证号码只能包含数字，最后一位可以是X',
  birth_date: '身份证号码中的出生日期无效',
  check_digit: '身份证号码校验位不正确（GB 11643）',
};

/** "110105199001011234" → "110***********1234" (first 3 and last 4 visible). */
export const maskIdNumber = (value: string): string =>
  value.length <= 7 ? '*'.repeat(value.length) : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;

/** "6222021234567890123" → "6222 **** **** *** 0123"-style: first 4 and last 4 visible. */
export const maskBankAccount = (value: string): string => {
  const digits = value.replace(/\s+/g, '');
  return digits.length <= 8
    ? '*'.repeat(digits.length)
    : `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
};

/** 13812345678 → 138****5678 */
export const maskPhone = (value: string): string => (value.length === 11 ? `${value.slice(0, 3)}****${value.slice(-4)}` : value);
