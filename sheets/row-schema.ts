import { z } from 'zod';
import type { TabColumn, TabLayout } from './tab-layout';

/**
 * The zod schema of a staff-edited row, derived from the tab's declaration (so it cannot drift from the columns):
 * the staff-owned cells after parsing (fen, ISO dates/instants, enum codes, ticks), nested by dotted key. A new
 * row must carry the required columns; an edit of an existing row may leave them as they were. The command behind
 * the tab validates again with the API's own schema — this one gives staff the reason in the column's words.
 */
const cellSchema = (column: TabColumn): z.ZodType => {
  switch (column.type) {
    case 'money':
      return z.number().int().min(0, '金额不能为负数').max(10_000_000_000, '金额过大');
    case 'number':
      return z.number().int();
    case 'date':
      return z.iso.date();
    case 'datetime':
      return z.iso.datetime({ offset: true });
    case 'enum':
      return z.enum(Object.keys(column.values ?? {}) as [string, ...string[]]);
    case 'check':
      return z.literal(true);
    case 'longtext':
      return z.string().max(2000, '内容过长（最多2000字）');
    default:
      return z.string().max(200, '内容过长（最多200字）');
  }
};

type Shape = { [key: string]: z.ZodType | Shape };

const nest = (shape: Shape, key: string, schema: z.ZodType) => {
  const [head = key, ...rest] = key.split('.');
  if (rest.length === 0) {
    shape[head] = schema;
    return;
  }
  const child = (shape[head] as Shape | undefined) ?? {};
  nest(child, rest.join('.'), schema);
  shape[head] = child;
};

const toObject = (shape: Shape): z.ZodObject =>
  z.object(
    Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v instanceof z.ZodType ? v : toObject(v as Shape).optional()])),
  );

export const staffRowSchema = (layout: TabLayout, isNew: boolean): z.ZodObject => {
  const shape: Shape = {};
  for (const column of layout.columns) {
    if (column.owner !== 'staff') continue;
    const schema = cellSchema(column);
    nest(shape, column.key, column.required && isNew ? schema : schema.optional());
  }
  return toObject(shape);
};

/** The header of the column a zod issue path points at. */
export const headerAt = (layout: TabLayout, path: readonly PropertyKey[]) =>
  layout.columns.find((c) => c.key === path.map(String).join('.'))?.header ?? path.map(String).join('.');
