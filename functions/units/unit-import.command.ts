import { isDeskError, ValidationError } from '../core/errors';
import { detectKind, readTable } from '../core/tabular-file';
import type { Store } from '../store/client';
import type { CommandContext } from '../store/commit';
import { access } from '../store/keys';
import { findDuplicates, IMPORT_COLUMNS, interpretRow, MAX_IMPORT_ROWS, mapHeaders, OUTCOME_LABELS } from './unit-import.domain';
import { readEstate, upsertUnit } from './units.commands';
import type { ImportReportT, ImportRowOutcomeT } from './units.schema';

const CONCURRENCY = 4;

/**
 * Imports a unit list (CSV or XLSX). Every row is reported: created, updated, unchanged, or
 * rejected with its reason. Running the same file again creates nothing: existing units with the
 * same values are `unchanged`. Each unit is written by its own command (audited, in the outbox).
 */
export const importUnits = async (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  file: { bytes: Buffer; contentType: string },
): Promise<ImportReportT> => {
  await readEstate(store, estateId);
  const kind = detectKind(file.bytes, file.contentType);
  if (!kind) throw new ValidationError('文件格式不支持，请上传 CSV（UTF-8 或 GBK）或 Excel .xlsx 文件');
  if (file.bytes.length === 0) throw new ValidationError('上传的文件为空');
  let table: Awaited<ReturnType<typeof readTable>>;
  try {
    table = await readTable(file.bytes, kind);
  } catch {
    throw new ValidationError('无法读取文件内容，请确认文件未损坏且为 CSV 或 .xlsx 格式');
  }
  const { columns, missing } = mapHeaders(table.headers);
  if (missing.length > 0) {
    throw new ValidationError(`缺少必需的列：${missing.map((c) => IMPORT_COLUMNS[c].label).join('、')}`, {
      headers: table.headers,
    });
  }
  if (table.rows.length > MAX_IMPORT_ROWS) {
    throw new ValidationError(`一次最多导入 ${MAX_IMPORT_ROWS} 行，本文件有 ${table.rows.length} 行，请分批导入`);
  }

  const buildings = new Set((await access.listBuildings(store, estateId)).map((item) => String(item.code)));
  const verdicts = table.rows.map((row) => ({ row, verdict: interpretRow(row, columns) }));
  const duplicates = findDuplicates(
    verdicts.map(({ row, verdict }) => ({ rowNumber: row.rowNumber, code: verdict.ok ? verdict.input.code : verdict.unitCode })),
  );

  const outcomes: ImportRowOutcomeT[] = new Array(verdicts.length);
  const rejected = (index: number, rowNumber: number, unitCode: string | undefined, reason: string) => {
    outcomes[index] = {
      row: rowNumber,
      ...(unitCode ? { unitCode } : {}),
      outcome: 'rejected',
      outcomeLabel: OUTCOME_LABELS.rejected,
      reason,
    };
  };

  const work: Array<() => Promise<void>> = [];
  verdicts.forEach(({ row, verdict }, index) => {
    const duplicateOf = duplicates.get(row.rowNumber);
    if (duplicateOf !== undefined) {
      rejected(index, row.rowNumber, verdict.ok ? verdict.input.code : verdict.unitCode, `与第${duplicateOf}行房号重复`);
      return;
    }
    if (!verdict.ok) {
      rejected(index, row.rowNumber, verdict.unitCode, verdict.reason);
      return;
    }
    if (!buildings.has(verdict.input.buildingCode)) {
      rejected(index, row.rowNumber, verdict.input.code, `楼栋 ${verdict.input.buildingCode} 不存在，请先登记该楼栋`);
      return;
    }
    work.push(async () => {
      try {
        const outcome = await upsertUnit(store, ctx, estateId, verdict.input);
        outcomes[index] = { row: row.rowNumber, unitCode: verdict.input.code, outcome, outcomeLabel: OUTCOME_LABELS[outcome] };
      } catch (error) {
        if (!isDeskError(error)) {
          console.error(JSON.stringify({ level: 'error', command: 'units.import', row: row.rowNumber, error: String(error) }));
        }
        rejected(
          index,
          row.rowNumber,
          verdict.input.code,
          isDeskError(error) ? error.message : '系统内部错误，该行未导入，请稍后重试',
        );
      }
    });
  });

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, work.length) }, async () => {
      while (next < work.length) {
        const job = work[next];
        next += 1;
        await job?.();
      }
    }),
  );

  const count = (outcome: ImportRowOutcomeT['outcome']) => outcomes.filter((o) => o.outcome === outcome).length;
  return {
    estateId,
    total: outcomes.length,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    rejected: count('rejected'),
    rows: outcomes,
  };
};
