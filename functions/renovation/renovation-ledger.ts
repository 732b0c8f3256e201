import type { Store } from '../store/client';
import { listEstatePermits } from './renovation.commands';
import { PERMIT_STATUSES } from './renovation.domain';
import type { Permit } from './renovation.store';

/**
 * The renovation ledger (装修台账): one plain row per permit, keyed by the columns of
 * `sheets/tabs/renovation-ledger.tab.ts`. No ID numbers: the ledger shows names and phones only.
 */
export const REFUND_STATUS_LABELS = {
  not_due: '未到期',
  due: '可退',
  pending: '待审批',
  refunded: '已退',
  none: '—',
} as const;
export type RefundStatus = keyof typeof REFUND_STATUS_LABELS;

export const refundStatusOf = (p: Permit, today: string): RefundStatus => {
  if (p.status === 'closed') return 'refunded';
  if (p.status === 'refund_pending') return 'pending';
  if (p.status === 'inspected' && p.refundDueDate) return today >= p.refundDueDate ? 'due' : 'not_due';
  return 'none';
};

export const ledgerRow = (p: Permit, today: string) => {
  const deposit = (payer: 'owner' | 'contractor') => p.deposits.find((d) => d.payer === payer);
  const lastInspection = p.inspections[p.inspections.length - 1];
  return {
    _id: p.permitId,
    permitNo: p.permitNo ?? '',
    unitCode: p.unitCode,
    ownerName: p.ownerName,
    contractor: p.selfRenovation ? '业主自装' : (p.contractor.company ?? ''),
    contractorLead: p.contractor.lead.name,
    contractorPhone: p.contractor.lead.phone ?? '',
    termFrom: p.term?.from ?? p.plannedFrom,
    termTo: p.term?.to ?? p.plannedTo,
    extended: p.extensions.length > 0 ? `延期${p.extensions.length}次` : '',
    status: p.status,
    statusLabel: PERMIT_STATUSES[p.status],
    ownerDepositFen: deposit('owner')?.amountFen ?? 0,
    ownerReceiptNo: deposit('owner')?.voucherNo ?? '',
    contractorDepositFen: deposit('contractor')?.amountFen ?? 0,
    contractorReceiptNo: deposit('contractor')?.voucherNo ?? '',
    taxFen: p.tax?.amountFen ?? 0,
    passesOut: p.passes.filter((x) => !x.returnedOn).length,
    passesReturned: p.passes.filter((x) => x.returnedOn).length,
    inspection: lastInspection ? `${lastInspection.date} ${lastInspection.result === 'pass' ? '合格' : '不合格'}` : '',
    refundDueDate: p.refundDueDate ?? '',
    refundStatus: refundStatusOf(p, today),
    refundFen: p.refund?.decision?.decision === 'approved' ? p.refund.lines.reduce((s, l) => s + l.refundFen, 0) : 0,
    deskSignedBy: p.refund?.decision?.decidedBy.name ?? '',
  };
};
export type LedgerRow = ReturnType<typeof ledgerRow>;

export const renovationLedger = async (store: Store, estateId: string, today: string) =>
  (await listEstatePermits(store, estateId)).map((p) => ledgerRow(p, today));
