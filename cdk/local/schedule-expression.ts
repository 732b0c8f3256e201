/**
 * EventBridge Scheduler expressions, evaluated the way the scheduler does for Asia/Shanghai
 * (UTC+08:00, no daylight saving): `cron(minutes hours day-of-month month day-of-week year)`
 * and `rate(value unit)`. Supported: numbers, `*`, `?`, lists, ranges, `/` steps, day and month
 * names. Not supported (refused with an error): `L`, `W`, `#`.
 */
const OFFSET_MS = 8 * 3600 * 1000;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export type ParsedExpression =
  | { kind: 'rate'; everyMs: number }
  | {
      kind: 'cron';
      minutes: Set<number>;
      hours: Set<number>;
      days: Set<number> | null;
      months: Set<number>;
      weekdays: Set<number> | null;
      years: Set<number> | null;
    };

const field = (text: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> | null => {
  if (text === '?') return null;
  if (/[LW#]/.test(text)) throw new Error(`unsupported cron token in "${text}"`);
  const values = new Set<number>();
  const value = (token: string) => {
    const index = names.indexOf(token.toUpperCase());
    const number = index >= 0 ? index + nameBase : Number(token);
    if (!Number.isInteger(number) || number < min || number > max) throw new Error(`cron value out of range: ${token}`);
    return number;
  };
  for (const part of text.split(',')) {
    const [range = '*', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad cron step: ${part}`);
    let from = min;
    let to = max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
};

export const parseExpression = (expression: string): ParsedExpression => {
  const rate = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    const ms = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
    if (n < 1) throw new Error(`bad rate: ${expression}`);
    return { kind: 'rate', everyMs: n * ms };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  const parts = cron?.[1]?.trim().split(/\s+/) ?? [];
  if (parts.length !== 6) throw new Error(`not an EventBridge schedule expression: ${expression}`);
  const [mi = '', h = '', dom = '', mon = '', dow = '', y = ''] = parts;
  if ((dom === '?') === (dow === '?')) throw new Error(`exactly one of day-of-month and day-of-week must be "?": ${expression}`);
  return {
    kind: 'cron',
    minutes: field(mi, 0, 59) ?? new Set(),
    hours: field(h, 0, 23) ?? new Set(),
    days: field(dom, 1, 31),
    months: field(mon, 1, 12, MONTH_NAMES, 1) ?? new Set(),
    weekdays: field(dow, 1, 7, DAY_NAMES, 1), // EventBridge: 1 = Sunday … 7 = Saturday
    years: y === '*' ? null : field(y, 1970, 2199),
  };
};

/** The first fire time strictly after `after` (for rate: `after` + interval). */
export const nextFireTime = (expression: string, after: Date): Date => {
  const parsed = parseExpression(expression);
  if (parsed.kind === 'rate') return new Date(after.getTime() + parsed.everyMs);
  // Walk minute by minute in Shanghai wall-clock time, skipping whole days/hours that cannot match.
  let t = Math.floor((after.getTime() + OFFSET_MS) / 60_000) * 60_000 + 60_000;
  const limit = t + 5 * 366 * 86_400_000;
  while (t < limit) {
    const d = new Date(t);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const weekday = d.getUTCDay() + 1;
    const dayMatches =
      parsed.months.has(month) &&
      (parsed.years === null || parsed.years.has(year)) &&
      (parsed.days === null || parsed.days.has(day)) &&
      (parsed.weekdays === null || parsed.weekdays.has(weekday));
    if (!dayMatches) {
      t = Date.UTC(year, month - 1, day + 1);
      continue;
    }
    if (!parsed.hours.has(d.getUTCHours())) {
      t = Date.UTC(year, month - 1, day, d.getUTCHours() + 1);
      continue;
    }
    if (parsed.minutes.has(d.getUTCMinutes())) return new Date(t - OFFSET_MS);
    t += 60_000;
  }
  throw new Error(`schedule never fires within 5 years: ${expression}`);
};
