import type { TabLayout } from '../tab-layout';

/** Kinds of ledger entry as the cashier calls them. */
export const ENTRY_KIND_LABELS = {
  charge: '应收',
  payment: '收款',
  credit: '预收',
  credit_applied: '预收冲抵',
  reversal: '冲销',
  waiver: '减免',
  refund: '退款',
  deposit_deduction: '押金扣除',
  provider_refund: '线上退款',
} as const;

/**
 * The 收费台账 tab: one row per ledger entry of every unit, in posting order. Staff add a CHARGE by typing a row
 * (房号, 收费项目 name or code, 所属月份, 数量/金额, 备注, 经办人) — the same command as the API's
 * `POST …/charges`, with the same fee schedule and pro-rating. Entries are never changed or deleted afterwards
 * (a void or a refund is a new entry), so the cells of an existing row are reverted if edited. Payments are taken
 * in the system, where the receipt number comes from the cashier's book; they appear here as 收款 rows.
 */
export const FEE_LEDGER_TAB: TabLayout = {
  tab: '收费台账',
  entity: 'ledgerEntry',
  topic: 'ledger.changed',
  sortBy: 'postedAt',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 6, note: '系统编号，勿改；新登记留空' },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'staff', required: true, width: 10 },
    {
      key: 'item',
      header: '收费项目',
      type: 'text',
      owner: 'staff',
      required: true,
      width: 12,
      note: '收费标准中的项目名称或编码',
    },
    { key: 'month', header: '所属月份', type: 'text', owner: 'staff', width: 10, note: '按月项目填 YYYY-MM；留空为本月' },
    { key: 'quantity', header: '数量', type: 'number', owner: 'staff', width: 6, note: '按个计收的项目' },
    { key: 'enteredFen', header: '录入金额', type: 'money', owner: 'staff', width: 10, note: '按实录入的项目（如维修、家政）' },
    { key: 'note', header: '备注', type: 'text', owner: 'staff', width: 20 },
    { key: 'postedBy.name', header: '经办人', type: 'text', owner: 'staff', width: 8 },
    { key: 'entryKind', header: '类型', type: 'enum', owner: 'system', values: ENTRY_KIND_LABELS, width: 8 },
    { key: 'period', header: '计费期间', type: 'text', owner: 'system', width: 22 },
    { key: 'amountFen', header: '金额', type: 'money', owner: 'system', width: 10 },
    { key: 'dueDate', header: '应收日', type: 'date', owner: 'system', width: 11 },
    { key: 'voucherNo', header: '票据号', type: 'text', owner: 'system', width: 12 },
    { key: 'postedAt', header: '入账时间', type: 'datetime', owner: 'system', width: 16 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
};
