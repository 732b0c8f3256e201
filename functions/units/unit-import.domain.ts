import type { Cell, TableRow } from '../core/tabular-file';
import { problemsOf } from '../core/validation';
import { HOUSEHOLD_LABELS, type HouseholdType, UNIT_STATUS_LABELS, type UnitStatus } from './units.domain';
import { CreateUnitBody, type CreateUnitInput } from './units.schema';

/**
 * The unit list import (房号导入), as pure rules: which column means what, and whether each row
 * is a unit we can take. Staff files use Chinese headers; English ones are accepted too.
 */
export const IMPORT_COLUMNS = {
  buildingCode: { label: '楼栋', aliases: ['楼栋', '楼栋号', '楼号', '栋', 'building', 'buildingcode'] },
  code: { label: '房号', aliases: ['房号', '房屋编号', '房间号', 'unit', 'unitcode', 'code'] },
  floor: { label: '楼层', aliases: ['楼层', '层', 'floor'] },
  area: { label: '建筑面积', aliases: ['建筑面积', '建筑面积(㎡)', '建筑面积（㎡）', '建筑面积(m2)', '面积', 'area'] },
  status: { label: '房屋状态', aliases: ['房屋状态', '状态', 'status'] },
  householdType: { label: '户别', aliases: ['户别', '住户类型', '户型类别', 'householdtype'] },
  ownerName: { label: '业主姓名', aliases: ['业主姓名', '业主', 'owner', 'ownername'] },
  idNumber: { label: '身份证号', aliases: ['身份证号', '身份证号码', '证件号码', 'idnumber'] },
  phone: { label: '联系电话', aliases: ['联系电话', '电话', '手机', '手机号', 'phone'] },
  companyName: { label: '公司名称', aliases: ['公司名称', 'companyname'] },
  delegateName: { label: '委托人姓名', aliases: ['委托人姓名', '委托人', 'delegatename'] },
  delegatePhone: { label: '委托人电话', aliases: ['委托人电话', 'delegatephone'] },
} as const;

export type ImportColumn = keyof typeof IMPORT_COLUMNS;
export const REQUIRED_COLUMNS: ImportColumn[] = ['code', 'area'];
export const MAX_IMPORT_ROWS = 5000;

const normaliseHeader = (header: string) => header.replace(/\s+/g, '').toLowerCase();

/** Header text → column, for the headers the file has. Unknown headers are ignored. */
export const mapHeaders = (headers: string[]): { columns: Partial<Record<ImportColumn, string>>; missing: ImportColumn[] } => {
  const columns: Partial<Record<ImportColumn, string>> = {};
  for (const header of headers) {
    const normalised = normaliseHeader(header);
    for (const [column, spec] of Object.entries(IMPORT_COLUMNS) as Array<[ImportColumn, (typeof IMPORT_COLUMNS)[ImportColumn]]>) {
      if (!columns[column] && spec.aliases.some((alias) => normaliseHeader(alias) === normalised)) columns[column] = header;
    }
  }
  return { columns, missing: REQUIRED_COLUMNS.filter((column) => !columns[column]) };
};

const statusByLabel = new Map<string, UnitStatus>(
  (Object.entries(UNIT_STATUS_LABELS) as Array<[UnitStatus, string]>).flatMap(([code, label]) => [
    [label, code],
    [code, code],
  ]),
);
const householdByLabel = new Map<string, HouseholdType>([
  ...(Object.entries(HOUSEHOLD_LABELS) as Array<[HouseholdType, string]>).flatMap(
    ([code, label]): Array<[string, HouseholdType]> => [
      [label, code],
      [code, code],
    ],
  ),
  ['家庭', 'family'],
  ['公司', 'company'],
  ['委托', 'delegate'],
  ['委托人', 'delegate'],
]);

export type RowVerdict = { ok: true; input: CreateUnitInput } | { ok: false; unitCode?: string; reason: string };

const FIELD_LABELS: Record<string, string> = {
  code: '房号',
  buildingCode: '楼栋',
  floor: '楼层',
  area: '建筑面积',
  status: '房屋状态',
  'household.type': '户别',
  'household.owner.name': '业主姓名',
  'household.owner.idNumber': '身份证号',
  'household.owner.phone': '联系电话',
  'household.companyName': '公司名称',
  'household.delegate': '委托人姓名',
  'household.delegate.phone': '委托人电话',
};

/** One row of the file → a unit to create/update, or the reason it cannot be taken. */
export const interpretRow = (row: TableRow, columns: Partial<Record<ImportColumn, string>>): RowVerdict => {
  const cell = (column: ImportColumn): Cell | undefined => {
    const header = columns[column];
    return header ? row.cells[header] : undefined;
  };
  const text = (column: ImportColumn) => (cell(column)?.text ?? '').trim();

  const code = text('code');
  if (!code) return { ok: false, reason: '房号为空' };
  const buildingCode = text('buildingCode') || code.split('-')[0] || '';

  const idCell = cell('idNumber');
  if (idCell?.numeric && idCell.text.trim() !== '') {
    return {
      ok: false,
      unitCode: code,
      reason: '身份证号被表格存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写',
    };
  }

  const statusText = text('status');
  const status = statusText ? statusByLabel.get(statusText) : 'not_handed_over';
  if (!status) {
    return {
      ok: false,
      unitCode: code,
      reason: `房屋状态「${statusText}」无效，应为：${Object.values(UNIT_STATUS_LABELS).join('、')}`,
    };
  }

  const ownerName = text('ownerName');
  const householdText = text('householdType');
  const householdType = householdText ? householdByLabel.get(householdText) : 'family';
  if (!householdType) {
    return { ok: false, unitCode: code, reason: `户别「${householdText}」无效，应为：家庭户、公司户、业主委托办理` };
  }
  if (!ownerName && (text('idNumber') || text('phone'))) {
    return { ok: false, unitCode: code, reason: '填写了证件号或电话，但业主姓名为空' };
  }
  const floorText = text('floor');
  const floor = floorText === '' ? undefined : Number(floorText);

  const candidate = {
    code,
    buildingCode,
    ...(floorText !== '' ? { floor } : {}),
    area: text('area'),
    status,
    ...(ownerName
      ? {
          household: {
            type: householdType,
            owner: {
              name: ownerName,
              idType: 'resident_id',
              ...(text('idNumber') ? { idNumber: text('idNumber') } : {}),
              ...(text('phone') ? { phone: text('phone') } : {}),
            },
            ...(text('companyName') ? { companyName: text('companyName') } : {}),
            ...(text('delegateName')
              ? {
                  delegate: {
                    name: text('delegateName'),
                    idType: 'resident_id',
                    ...(text('delegatePhone') ? { phone: text('delegatePhone') } : {}),
                  },
                }
              : {}),
          },
        }
      : {}),
  };
  const parsed = CreateUnitBody.safeParse(candidate);
  if (!parsed.success) {
    const reason = problemsOf(parsed.error)
      .map((problem) => `${FIELD_LABELS[problem.path] ?? problem.path}：${problem.message}`)
      .join('；');
    return { ok: false, unitCode: code, reason };
  }
  return { ok: true, input: parsed.data };
};

/** Marks the second and later rows naming the same 房号 as duplicates of the first. */
export const findDuplicates = (codes: Array<{ rowNumber: number; code: string | undefined }>): Map<number, number> => {
  const firstRow = new Map<string, number>();
  const duplicates = new Map<number, number>();
  for (const { rowNumber, code } of codes) {
    if (!code) continue;
    const first = firstRow.get(code);
    if (first === undefined) firstRow.set(code, rowNumber);
    else duplicates.set(rowNumber, first);
  }
  return duplicates;
};

export const OUTCOME_LABELS = { created: '新增', updated: '更新', unchanged: '无变化', rejected: '未导入' } as const;
