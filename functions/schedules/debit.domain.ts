import { fenToYuanText, parseYuan } from '../core/money';
import { parseCsv } from '../core/tabular-file';

/**
 * The bank direct-debit batch (银行托收) as pure rules: who is in the month's batch, the batch file layout the
 * bank receives, and the bank's result file (回盘) as parsed rows. No I/O, no clock.
 *
 * Batch file (UTF-8 with BOM, CRLF, RFC 4180 quoting), one header row then one row per unit:
 *   序号,房号,户名,账号,金额(元),摘要
 * 账号 is the full account number — the bank needs it. The file is for the bank only: it is rendered on request for
 * cashiers, never written to logs, audit or outbox. 金额 is yuan with two decimals.
 *
 * Result file: the same columns plus 处理结果 (成功/失败, or S/F, 0000 = success) and 失败原因 (optional);
 * 账号 and 户名 may be masked or missing in the bank's file — rows are matched on 序号 + 房号 + 金额.
 */
export const BATCH_HEADERS = ['序号', '房号', '户名', '账号', '金额(元)', '摘要'] as const;
export const ROWS_PER_PART = 400;

export interface DebitRow {
  seq: number;
  unitCode: string;
  accountName: string;
  /** Full account number: stored once for the bank file, masked on every other way out. */
  accountNumber: string;
  bank: string;
  amountFen: number;
  summary: string;
  chargeIds: string[];
}

export interface DebitCandidate {
  unitCode: string;
  debitAccount?: { bank: string; accountName: string; accountNumber: string } | undefined;
  open: Array<{ chargeId: string; outstandingFen: number; dueDate: string; itemName: string }>;
}

export const debitBatchRunId = (estateId: string, month: string) => `debit-batch:${estateId}:${month}`;
/** One payment per batch row, ever: the idempotency key of the row's 银行托收 payment. */
export const debitPaymentKey = (estateId: string, month: string, seq: number) => `debit:${estateId}:${month}:${seq}`;

/** The batch rows: units with a debit agreement and open charges due by the debit day, in unit order. */
export const debitRows = (candidates: DebitCandidate[], month: string, debitDate: string): DebitRow[] => {
  const rows: DebitRow[] = [];
  for (const c of [...candidates].sort((a, b) => (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0))) {
    if (!c.debitAccount) continue;
    const due = c.open.filter((o) => o.dueDate <= debitDate && o.outstandingFen > 0);
    const amountFen = due.reduce((sum, o) => sum + o.outstandingFen, 0);
    if (amountFen <= 0) continue;
    rows.push({
      seq: rows.length + 1,
      unitCode: c.unitCode,
      accountName: c.debitAccount.accountName,
      accountNumber: c.debitAccount.accountNumber.replace(/\s+/g, ''),
      bank: c.debitAccount.bank,
      amountFen,
      summary: `物业费${month}`,
      chargeIds: due.map((o) => o.chargeId),
    });
  }
  return rows;
};

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The batch file content for the bank (contains full account numbers). */
export const renderBatchFile = (rows: DebitRow[]): string =>
  `\uFEFF${[BATCH_HEADERS.join(','), ...rows.map((r) => [String(r.seq), r.unitCode, r.accountName, r.accountNumber, fenToYuanText(r.amountFen), r.summary].map(csvField).join(','))].join('\r\n')}\r\n`;

export const batchFileName = (estateId: string, month: string) => `托收批次_${estateId}_${month}.csv`;

export interface ResultRow {
  seq: number;
  unitCode: string;
  amountFen: number;
  success: boolean;
  reason?: string | undefined;
}

export type ResultProblem =
  | { problem: 'no_header' }
  | { problem: 'missing_column'; column: string }
  | { problem: 'bad_row'; line: number; reason: string };

const SUCCESS = new Set(['成功', '扣款成功', 's', 'success', '0000', '0', 'y']);

/** Parses the bank's result file (already decoded to text). */
export const parseResultFile = (text: string): ResultRow[] | ResultProblem => {
  const table = parseCsv(text).filter((row) => row.some((cell) => cell.trim() !== ''));
  const header = table[0]?.map((h) => h.trim().replace(/^\uFEFF/, ''));
  if (!header) return { problem: 'no_header' };
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const idx = {
    seq: col('序号'),
    unit: col('房号'),
    amount: col('金额(元)', '金额（元）', '金额'),
    result: col('处理结果', '结果', '扣款结果'),
    reason: col('失败原因', '原因', '备注'),
  };
  for (const [key, label] of [
    ['seq', '序号'],
    ['unit', '房号'],
    ['amount', '金额(元)'],
    ['result', '处理结果'],
  ] as const) {
    if (idx[key] < 0) return { problem: 'missing_column', column: label };
  }
  const rows: ResultRow[] = [];
  for (const [i, cells] of table.slice(1).entries()) {
    const cell = (n: number) => (n >= 0 ? (cells[n] ?? '').trim() : '');
    const seq = Number(cell(idx.seq));
    const amountFen = parseYuan(cell(idx.amount));
    if (!Number.isInteger(seq) || seq < 1) return { problem: 'bad_row', line: i + 2, reason: `序号“${cell(idx.seq)}”无效` };
    if (amountFen === undefined || amountFen <= 0)
      return { problem: 'bad_row', line: i + 2, reason: `金额“${cell(idx.amount)}”无效` };
    const result = cell(idx.result).toLowerCase();
    rows.push({ seq, unitCode: cell(idx.unit), amountFen, success: SUCCESS.has(result), reason: cell(idx.reason) || undefined });
  }
  return rows;
};

/** Why a result row cannot be posted against the batch row of the same 序号, if it cannot. */
export const rowMismatch = (
  row: ResultRow,
  batchRow: Pick<DebitRow, 'unitCode' | 'amountFen'> | undefined,
): string | undefined => {
  if (!batchRow) return '批次中无此序号';
  if (batchRow.unitCode !== row.unitCode) return `房号应为 ${batchRow.unitCode}`;
  if (batchRow.amountFen !== row.amountFen) return `金额应为 ${fenToYuanText(batchRow.amountFen)}`;
  return undefined;
};
