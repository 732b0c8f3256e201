import { HOLD_REASONS, PROVIDERS } from '../../functions/payments/payments.domain';
import type { TabLayout } from '../tab-layout';

/**
 * The 待认领款项 tab: verified provider payments and refunds that could not be posted by themselves
 * (no matching order, amount or currency not as ordered, a second payment of a paid order, a refund
 * beyond what was paid, a posting refused). Row id: the hold id; the sync follows `paymentHold.changed`.
 * A hold names its estate only when it matched an order; one that matched nothing (未匹配) is shown in every
 * estate's sheet until someone claims it. The payer's account id is masked.
 *
 * Every column is system-owned: a person acts through the API (assign to a unit, or mark resolved with
 * a note), never by editing the row, so money can only reach the ledger by the one road.
 */
export const HOLD_STATUSES = { open: '待认领', assigned: '已认领入账', resolved: '已处理' } as const;
export const HOLD_KINDS = { payment: '收款', refund: '退款' } as const;

export const UNCLAIMED_PAYMENTS_TAB: TabLayout = {
  tab: '待认领款项',
  entity: 'paymentHold',
  topic: 'paymentHold.changed',
  sortBy: 'receivedAt',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 4, note: '待处理编号（holdId），勿改' },
    { key: 'receivedAt', header: '到账通知时间', type: 'datetime', owner: 'system', width: 16 },
    { key: 'provider', header: '支付渠道', type: 'enum', owner: 'system', values: PROVIDERS, width: 8 },
    { key: 'kind', header: '类型', type: 'enum', owner: 'system', values: HOLD_KINDS, width: 6 },
    { key: 'amountFen', header: '金额', type: 'money', owner: 'system', width: 10 },
    { key: 'currency', header: '币种', type: 'text', owner: 'system', width: 6 },
    { key: 'reason', header: '待处理原因', type: 'enum', owner: 'system', values: HOLD_REASONS, width: 24 },
    { key: 'detail', header: '说明', type: 'longtext', owner: 'system', width: 24 },
    { key: 'outTradeNo', header: '商户订单号', type: 'text', owner: 'system', width: 30 },
    { key: 'tradeNo', header: '渠道交易号', type: 'text', owner: 'system', width: 30 },
    { key: 'estateId', header: '小区', type: 'text', owner: 'system', width: 8 },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'system', width: 10, note: '订单所属房号；未匹配时为空' },
    { key: 'payer', header: '付款人', type: 'text', owner: 'system', width: 12 },
    { key: 'status', header: '状态', type: 'enum', owner: 'system', values: HOLD_STATUSES, width: 10 },
    { key: 'assignedTo.unitCode', header: '认领房号', type: 'text', owner: 'system', width: 10 },
    { key: 'voucherNo', header: '收据号', type: 'text', owner: 'system', width: 14 },
    { key: 'note', header: '处理说明', type: 'longtext', owner: 'system', width: 24 },
    { key: 'notifyId', header: '通知编号', type: 'text', owner: 'system', width: 20 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 12 },
  ],
  highlights: [{ column: 'status', contains: '待认领', colour: 'amber' }],
};
