import { z } from 'zod';
import { BookId } from '../fees/fees.schema';
import { MONTH } from '../fees/periods.domain';
import { EstateParams } from '../units/units.schema';

export const DebitBatchParams = EstateParams.extend({
  month: z.string().regex(MONTH, '月份格式应为 YYYY-MM'),
});

export const DebitImportQuery = z
  .object({
    bookId: BookId.describe('开具托收收据/发票所用的票据本（须领用给导入人）'),
    kind: z.enum(['receipt', 'invoice']).default('receipt'),
  })
  .strict();

const Row = z.record(z.string(), z.unknown());

export const DebitBatchView = z
  .object({
    estateId: z.string(),
    month: z.string(),
    debitDate: z.string(),
    rowCount: z.number(),
    totalFen: z.number(),
    fileName: z.string(),
    rows: z.array(Row),
    imports: z.array(Row),
  })
  .passthrough();

export const DebitBatchFileView = z.object({
  fileName: z.string(),
  contentType: z.string(),
  rowCount: z.number(),
  totalFen: z.number(),
  content: z.string().describe('托收文件内容（含完整账号，仅供提交银行）'),
});

export const DebitImportReportView = z
  .object({
    importId: z.string(),
    rows: z.number(),
    posted: z.number(),
    alreadyPosted: z.number(),
    failed: z.array(Row),
    rejected: z.array(Row),
    payments: z.array(Row),
  })
  .passthrough();
