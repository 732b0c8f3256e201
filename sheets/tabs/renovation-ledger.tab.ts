import { PERMIT_STATUSES } from '../../functions/renovation/renovation.domain';
import type { TabLayout } from '../tab-layout';

/**
 * Where the deposit refund stands, as the sheet shows it. The API's ledger splits 待退 into 未到期/可退 by today's
 * date; a synced row cannot follow the clock (it is rewritten when the permit changes), so the sheet shows 待退
 * with the date from which it may be refunded (可退保证金日期), and the 提醒 tab says when that day comes.
 */
export const SHEET_REFUND_STATUSES = {
  awaiting: '待退',
  pending: '待审批',
  refunded: '已退',
  none: '—',
} as const;

/**
 * The 装修台账 tab (renovation ledger): one row per renovation permit, as the desk keeps the paper ledger.
 * Row id `<unit>/<permit id>`; the sync follows `renovation.changed`. Every column is system-owned: permits
 * change only through the renovation commands (API); the desk's signature column is filled by the refund
 * approval. Rows come from `ledgerRow` of `functions/renovation/renovation-ledger.ts` (keys match).
 * No ID numbers appear on this tab (names and phones only).
 */
export const RENOVATION_LEDGER_TAB: TabLayout = {
  tab: '装修台账',
  entity: 'renovationPermit',
  topic: 'renovation.changed',
  sortBy: 'unitCode',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 4, note: '系统编号，勿改' },
    { key: 'permitNo', header: '登记证号', type: 'text', owner: 'system', width: 10 },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'system', width: 10 },
    { key: 'ownerName', header: '业主姓名', type: 'text', owner: 'system', width: 8 },
    { key: 'contractor', header: '装修单位', type: 'text', owner: 'system', width: 16 },
    { key: 'contractorLead', header: '装修负责人', type: 'text', owner: 'system', width: 8 },
    { key: 'contractorPhone', header: '负责人电话', type: 'phone', owner: 'system', width: 13 },
    { key: 'termFrom', header: '装修开始', type: 'date', owner: 'system', width: 11 },
    { key: 'termTo', header: '装修期限至', type: 'date', owner: 'system', width: 11 },
    { key: 'extended', header: '延期', type: 'text', owner: 'system', width: 8 },
    { key: 'status', header: '状态', type: 'enum', owner: 'system', values: PERMIT_STATUSES, width: 14 },
    { key: 'ownerDepositFen', header: '业主保证金', type: 'money', owner: 'system', width: 10 },
    { key: 'ownerReceiptNo', header: '业主收据号', type: 'text', owner: 'system', width: 14 },
    { key: 'contractorDepositFen', header: '装修单位保证金', type: 'money', owner: 'system', width: 10 },
    { key: 'contractorReceiptNo', header: '装修单位收据号', type: 'text', owner: 'system', width: 14 },
    { key: 'taxFen', header: '代收装修税', type: 'money', owner: 'system', width: 10 },
    { key: 'passesOut', header: '出入卡未退', type: 'number', owner: 'system', width: 8 },
    { key: 'passesReturned', header: '出入卡已退', type: 'number', owner: 'system', width: 8 },
    { key: 'inspection', header: '验收', type: 'text', owner: 'system', width: 14 },
    { key: 'refundDueDate', header: '可退保证金日期', type: 'date', owner: 'system', width: 11 },
    { key: 'refundStatus', header: '退保证金状态', type: 'enum', owner: 'system', values: SHEET_REFUND_STATUSES, width: 8 },
    { key: 'refundFen', header: '实退金额', type: 'money', owner: 'system', width: 10 },
    { key: 'deskSignedBy', header: '经办签名', type: 'text', owner: 'system', width: 8 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
};
