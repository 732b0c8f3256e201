import type { TabLayout } from '../tab-layout';

/** Where an arrears line stands. A line is never removed: once in arrears, it stays with how it ended. */
export const ARREARS_STATUSES = {
  owing: '欠费',
  partly_paid: '部分欠费',
  settled: '已结清',
  waived: '已减免',
} as const;
export type ArrearsStatus = keyof typeof ARREARS_STATUSES;

/** Age brackets (账龄) as the desk reports them; the stages of the overdue reminders are 30/60/90 days. */
export const AGING_BRACKETS = {
  d30: '1-30天',
  d60: '31-60天',
  d90: '61-90天',
  over90: '90天以上',
} as const;
export type AgingBracket = keyof typeof AGING_BRACKETS;

/**
 * The 拖欠款明细 tab (arrears list): one row per charge that went past its due date unpaid — unit, item,
 * period, amount, what is still owed, how many days overdue. Row id `<unit>/<charge id>`.
 *
 * Every column is system-owned: money reaches the ledger only through the cashier's commands (收费台账 and the
 * system). When a charge is paid the row stays and shows 已结清 with the day it was settled, so the list is also
 * the history of who was in arrears.
 *
 * The days overdue are counted to 统计日期: the day of the unit's last ledger movement (for a settled line, the
 * day it was settled). The sync follows `ledger.changed`, so a row is refreshed whenever the unit's ledger moves
 * (monthly billing, a payment, a late fee) and by `sheets:rebuild`. A charge is in arrears from the day AFTER its
 * due date (the API's arrears list also shows lines due that very day, with age 0).
 */
export const ARREARS_TAB: TabLayout = {
  tab: '拖欠款明细',
  entity: 'arrearsLine',
  topic: 'ledger.changed',
  sortBy: '_id',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 6, note: '系统编号（房号/费用编号），勿改' },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'system', width: 10 },
    { key: 'itemName', header: '收费项目', type: 'text', owner: 'system', width: 14 },
    { key: 'period', header: '所属期间', type: 'text', owner: 'system', width: 22 },
    { key: 'amountFen', header: '应收金额', type: 'money', owner: 'system', width: 10 },
    { key: 'outstandingFen', header: '欠费金额', type: 'money', owner: 'system', width: 10 },
    { key: 'dueDate', header: '应收日', type: 'date', owner: 'system', width: 11 },
    { key: 'ageDays', header: '逾期天数', type: 'number', owner: 'system', width: 8, note: '截至统计日期' },
    { key: 'aging', header: '账龄', type: 'enum', owner: 'system', values: AGING_BRACKETS, width: 9 },
    {
      key: 'asOf',
      header: '统计日期',
      type: 'date',
      owner: 'system',
      width: 11,
      note: '该户最近一次账务变动日；已结清的为结清日',
    },
    { key: 'status', header: '状态', type: 'enum', owner: 'system', values: ARREARS_STATUSES, width: 9 },
    { key: 'settledOn', header: '结清日期', type: 'date', owner: 'system', width: 11 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
  highlights: [{ column: 'aging', contains: '90天以上', colour: 'red' }],
};
