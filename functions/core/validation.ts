import { z } from 'zod';
import { ValidationError } from './errors';

// Validation messages in Chinese: staff read them in API answers and in the sheet's status column.
z.config(z.locales.zhCN());

export interface FieldProblem {
  path: string;
  message: string;
}

export const problemsOf = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(根)', message: issue.message }));

/** Parses with a schema; a mismatch becomes a ValidationError naming each field and its problem. */
export const parseOrThrow = <S extends z.ZodType>(schema: S, value: unknown, what = '请求数据'): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error);
  const summary = problems.map((p) => `${p.path}: ${p.message}`).join('；');
  throw new ValidationError(`${what}不正确：${summary}`, { problems });
};
