import { z } from 'zod';
import { isValidIsoDate } from '../core/dates';

export const IsoDateString = z.string().refine(isValidIsoDate, '日期应为有效的 YYYY-MM-DD 格式');

export const DayParams = z.object({ date: IsoDateString });

export const PutDayBody = z
  .object({
    kind: z.enum(['holiday', 'workday']).describe('holiday = 放假；workday = 调休上班'),
    name: z.string().trim().min(1, '请填写名称，如 春节 或 春节调休上班').max(32),
  })
  .strict();

export const DaysQuery = z
  .object({ from: IsoDateString, to: IsoDateString })
  .strict()
  .refine((q) => q.from <= q.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: '一次最多查询366天', path: ['to'] });

export const CalendarDayView = z.object({
  date: z.string(),
  kind: z.enum(['holiday', 'workday']),
  name: z.string(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

export const DayDescription = z.object({
  date: z.string(),
  working: z.boolean(),
  source: z.enum(['override', 'official', 'weekday']),
  name: z.string().optional(),
});

export const DaysView = z.object({
  days: z.array(DayDescription),
  overrides: z.array(CalendarDayView),
  unknownYears: z.array(z.number()).describe('官方数据与节假日表都未覆盖的年份：这些年份只按周末计算，请补录节假日'),
});
