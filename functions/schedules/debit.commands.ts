import { isDeskError } from '../core/errors';
import { newId } from '../core/ids';
import { maskBankAccount } from '../core/personal-data.domain';
import { decodeText } from '../core/tabular-file';
import { postPayment } from '../fees/ledger.commands';
import type { Account } from '../fees/ledger.domain';
import type { Store } from '../store/client';
import { type CommandContext, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import type { HouseholdRecord } from '../units/units.domain';
import {
  batchFileName,
  type DebitRow,
  debitBatchRunId,
  debitPaymentKey,
  debitRows,
  parseResultFile,
  ROWS_PER_PART,
  renderBatchFile,
  rowMismatch,
} from './debit.domain';
import { debitBatchNotFound, debitResultUnreadable } from './schedules.errors';

/**
 * The month's direct-debit batch (托收批次): built on the debit day from the arrears index, stored once per estate
 * and month (rows in parts, full account numbers included, for the bank file only), retrievable by cashiers;
 * and the import of the bank's result file, which posts each successful row as a 银行托收 payment exactly once.
 */
export interface DebitBatchSummary {
  estateId: string;
  month: string;
  debitDate: string;
  rowCount: number;
  totalFen: number;
  parts: number;
  fileName: string;
  createdAt: string;
}

/** Builds and stores the month's batch; a second run for the same month replays the first. */
export const createDebitBatch = (store: Store, ctx: CommandContext, estateId: string, month: string, debitDate: string) =>
  runCommand(
    store,
    { ...ctx, idempotencyKey: debitBatchRunId(estateId, month) },
    { name: 'schedules.createDebitBatch', request: { estateId, month } },
    async () => {
      const candidates = [];
      for (const item of await access.listOwingAccounts(store, estateId)) {
        const account = stripKeys(item) as unknown as Account;
        const unit = await access.getUnit(store, estateId, account.unitCode);
        const household = unit?.household as HouseholdRecord | undefined;
        candidates.push({
          unitCode: account.unitCode,
          debitAccount: household?.debitAccount,
          open: Object.values(account.open ?? {}),
        });
      }
      const rows = debitRows(candidates, month, debitDate);
      const parts: DebitRow[][] = [];
      for (let i = 0; i < rows.length; i += ROWS_PER_PART) parts.push(rows.slice(i, i + ROWS_PER_PART));
      const summary: DebitBatchSummary = {
        estateId,
        month,
        debitDate,
        rowCount: rows.length,
        totalFen: rows.reduce((sum, r) => sum + r.amountFen, 0),
        parts: parts.length,
        fileName: batchFileName(estateId, month),
        createdAt: ctx.now.toISOString(),
      };
      const writes: PlannedWrite[] = [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.debitBatch(estateId, month),
                ...keys.debitBatchIndex(estateId, month),
                type: 'debitBatch',
                ...summary,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
        ...parts.map((part, i) => ({
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.debitRows(estateId, month, i + 1), type: 'debitRows', rows: part },
            },
          },
        })),
      ];
      // Audit and outbox carry counts only: the rows hold full account numbers.
      return {
        writes,
        audit: [
          {
            entityType: 'debitBatch',
            entityId: `${estateId}/${month}`,
            entityPk: keys.debitBatch(estateId, month).pk,
            action: 'create',
            before: null,
            after: summary,
          },
        ],
        outbox: [{ topic: 'debit.batch', entityType: 'debitBatch', entityId: `${estateId}/${month}`, payload: summary }],
        result: summary,
      };
    },
  );

const readBatch = async (store: Store, estateId: string, month: string) => {
  const items = await access.getDebitBatchCollection(store, estateId, month);
  const head = items.find((i) => i.sk === 'BATCH');
  if (!head) throw debitBatchNotFound(estateId, month);
  const rows = items.filter((i) => String(i.sk).startsWith('ROWS#')).flatMap((i) => i.rows as DebitRow[]);
  const imports = items
    .filter((i) => String(i.sk).startsWith('IMPORT#'))
    .map((i) => {
      const { type: _type, ...rest } = stripKeys(i);
      return rest;
    });
  const { type: _type, ...summary } = stripKeys(head);
  return { summary: summary as unknown as DebitBatchSummary, rows, imports };
};

/** The batch for staff: rows with masked account numbers, and the result imports so far. */
export const debitBatchView = async (store: Store, estateId: string, month: string) => {
  const { summary, rows, imports } = await readBatch(store, estateId, month);
  return {
    ...summary,
    rows: rows.map(({ accountNumber, chargeIds: _c, ...row }) => ({
      ...row,
      accountNumberMasked: maskBankAccount(accountNumber),
    })),
    imports,
  };
};

/** The bank file itself (full account numbers): cashiers download it to hand to the bank. */
export const debitBatchFile = async (store: Store, estateId: string, month: string) => {
  const { summary, rows } = await readBatch(store, estateId, month);
  return {
    fileName: summary.fileName,
    contentType: 'text/csv; charset=utf-8',
    rowCount: rows.length,
    totalFen: summary.totalFen,
    content: renderBatchFile(rows),
  };
};

export interface DebitImportReport {
  importId: string;
  month: string;
  rows: number;
  posted: number;
  alreadyPosted: number;
  failed: Array<{ seq: number; unitCode: string; amountFen: number; reason: string }>;
  rejected: Array<{ seq: number; unitCode: string; reason: string }>;
  payments: Array<{ seq: number; unitCode: string; amountFen: number; voucherNo: string; replayed: boolean }>;
}

/**
 * Imports the bank's result file: each successful row becomes a 银行托收 payment with its voucher, under the key
 * `debit:<estate>:<month>:<序号>` — importing the same file again (or an overlapping one) posts nothing twice.
 * Failed rows are listed (they get the debit-failed reminder); rows that do not match the batch are rejected.
 */
export const importDebitResults = async (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  month: string,
  file: { bytes: Buffer },
  voucher: { kind: 'receipt' | 'invoice'; bookId: string },
): Promise<DebitImportReport> => {
  const { rows: batchRows } = await readBatch(store, estateId, month);
  const parsed = parseResultFile(decodeText(file.bytes));
  if (!Array.isArray(parsed)) {
    throw debitResultUnreadable(
      parsed.problem === 'no_header'
        ? '文件为空'
        : parsed.problem === 'missing_column'
          ? `缺少“${parsed.column}”列`
          : `第 ${parsed.line} 行${parsed.reason}`,
    );
  }
  const bySeq = new Map(batchRows.map((r) => [r.seq, r]));
  const report: DebitImportReport = {
    importId: newId(ctx.now),
    month,
    rows: parsed.length,
    posted: 0,
    alreadyPosted: 0,
    failed: [],
    rejected: [],
    payments: [],
  };
  for (const row of parsed) {
    const batchRow = bySeq.get(row.seq);
    const mismatch = rowMismatch(row, batchRow);
    if (mismatch || !batchRow) {
      report.rejected.push({ seq: row.seq, unitCode: row.unitCode, reason: mismatch ?? '批次中无此序号' });
      continue;
    }
    if (!row.success) {
      report.failed.push({
        seq: row.seq,
        unitCode: row.unitCode,
        amountFen: row.amountFen,
        reason: row.reason ?? '银行扣款失败',
      });
      continue;
    }
    try {
      const outcome = await postPayment(
        store,
        { ...ctx, idempotencyKey: debitPaymentKey(estateId, month, row.seq) },
        estateId,
        batchRow.unitCode,
        {
          amountFen: row.amountFen,
          method: 'bank_debit',
          payer: batchRow.accountName,
          reference: `托收${month}第${row.seq}笔`,
          voucher,
        },
      );
      if (outcome.replayed) report.alreadyPosted += 1;
      else report.posted += 1;
      report.payments.push({
        seq: row.seq,
        unitCode: batchRow.unitCode,
        amountFen: row.amountFen,
        voucherNo: outcome.result.voucher.voucherNo,
        replayed: outcome.replayed,
      });
    } catch (error) {
      if (isDeskError(error) && error.code === 'IDEMPOTENCY_KEY_REUSED') {
        report.alreadyPosted += 1; // posted before by an import with another voucher book: still once
        continue;
      }
      if (!isDeskError(error)) throw error;
      report.rejected.push({ seq: row.seq, unitCode: row.unitCode, reason: error.message });
    }
  }
  await runCommand(
    store,
    { ...ctx, idempotencyKey: undefined },
    { name: 'schedules.recordDebitImport', request: { estateId, month, importId: report.importId } },
    async () => ({
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.debitImport(estateId, month, report.importId),
                type: 'debitImport',
                ...report,
                importedAt: ctx.now.toISOString(),
                importedBy: { id: ctx.actor.id, name: ctx.actor.name },
              },
            },
          },
        },
      ],
      audit: [
        {
          entityType: 'debitBatch',
          entityId: `${estateId}/${month}`,
          entityPk: keys.debitBatch(estateId, month).pk,
          action: 'importResults',
          before: null,
          after: {
            importId: report.importId,
            rows: report.rows,
            posted: report.posted,
            alreadyPosted: report.alreadyPosted,
            failed: report.failed.length,
            rejected: report.rejected.length,
          },
        },
      ],
      outbox: [
        {
          topic: 'debit.imported',
          entityType: 'debitBatch',
          entityId: `${estateId}/${month}`,
          payload: { importId: report.importId, posted: report.posted, failed: report.failed },
        },
      ],
      result: null,
    }),
  );
  return report;
};
