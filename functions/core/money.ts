import Nzh from 'nzh/cn';

/**
 * Money is integer fen (分) end to end. Never a float.
 * Conversions from yuan text are exact string arithmetic.
 */
export type Fen = number;

export const isFen = (value: unknown): value is Fen => typeof value === 'number' && Number.isSafeInteger(value);

/** "671.25" / "671.2" / "671" / "-3.5" → fen; undefined when not a yuan amount with at most 2 decimals. */
export const parseYuan = (text: string): Fen | undefined => {
  const match = /^\s*(-)?(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/[,，¥￥]/g, ''));
  if (!match) return undefined;
  const [, sign, whole = '0', frac = ''] = match;
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return sign ? -fen : fen;
};

/** 67125 → "671.25" (no grouping, no symbol; for sheets and CSV). */
export const fenToYuanText = (fen: Fen): string => {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** 123456 → "¥1,234.56"; -500 → "-¥5.00". */
export const formatFen = (fen: Fen): string => {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
};

/** 67125 → "人民币陆佰柒拾壹元贰角伍分" (大写, as printed on receipts and invoices). */
export const fenToCapitals = (fen: Fen): string => {
  if (!isFen(fen)) throw new TypeError(`not an integer fen amount: ${fen}`);
  if (fen === 0) return '人民币零元整';
  const abs = Math.abs(fen);
  // nzh adds 整 only when no decimals are given: "10" → 壹拾元整, but "10.00" → 壹拾元.
  const yuanText = fenToYuanText(abs).replace(/\.00$/, '');
  const text = Nzh.toMoney(yuanText, { outSymbol: true });
  return fen < 0 ? `负${text}` : text;
};

/** area in 0.01 ㎡ × rate in fen per ㎡ → fen, rounded half up to the fen (四舍五入). */
export const areaTimesRate = (areaCentiM2: number, rateFenPerM2: number): Fen => {
  const product = areaCentiM2 * rateFenPerM2; // exact: both are safe integers well below 2^53
  return Math.floor((product + 50) / 100);
};
