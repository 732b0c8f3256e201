import { fenToCapitals, formatFen } from '../core/money';
import { addMonths, calendarMonth } from '../fees/periods.domain';
import type { StaffRef } from './tickets.domain';

/**
 * Paid-service orders (《有偿服务单》, two copies): numbered without gaps per estate, with the unit, the
 * content, the time received and the receiver; a price agreed with the resident; materials drawn against
 * the order number (《领料单》); payment through the fee ledger with a voucher. Long-term services need a
 * signed special-service agreement (《业主特约服务协议书》) with its own monthly charges. Pure rules.
 */

export const PAID_SERVICE_TYPES = {
  home_repair: '上门维修',
  special_cleaning: '专项保洁',
  errand: '代订代购/代办',
  other: '其他',
} as const;
export type PaidServiceType = keyof typeof PAID_SERVICE_TYPES;

export const PAID_ORDER_STATUSES = {
  open: '已开单',
  priced: '已议定价格',
  paid: '已收费',
} as const;
export type PaidOrderStatus = keyof typeof PAID_ORDER_STATUSES;

export interface PaidServiceOrder {
  orderNo: string;
  number: number;
  estateId: string;
  unitCode: string;
  serviceType: PaidServiceType;
  content: string;
  receivedAt: string;
  /** 接报人: the desk member who took the request. */
  receiver: { id: string; name: string };
  /** 接单人: the supervisor/lead who signs for the order and arranges the work. */
  takenBy?: StaffRef | undefined;
  ticketId?: string | undefined;
  status: PaidOrderStatus;
  price?:
    | { amountFen: number; amountText: string; agreedWith: string; agreedBy: { id: string; name: string }; at: string }
    | undefined;
  payment?:
    | {
        voucherNo?: string | undefined;
        paymentEntryId?: string | undefined;
        chargeId: string;
        paidFen: number;
        fromCreditFen: number;
        at: string;
      }
    | undefined;
  materialsCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const formatOrderNo = (number: number) => `YC${String(number).padStart(6, '0')}`;

export type OrderProblem = { problem: 'already_paid' } | { problem: 'not_priced' };

/** A price may be agreed (or corrected) until the order is paid. */
export const canPrice = (order: PaidServiceOrder): OrderProblem | undefined =>
  order.status === 'paid' ? { problem: 'already_paid' } : undefined;

export const canPay = (order: PaidServiceOrder): OrderProblem | undefined => {
  if (order.status === 'paid') return { problem: 'already_paid' };
  if (!order.price) return { problem: 'not_priced' };
  return undefined;
};

export const priceRecord = (amountFen: number, agreedWith: string, agreedBy: { id: string; name: string }, at: string) => ({
  amountFen,
  amountText: formatFen(amountFen),
  amountCapitals: fenToCapitals(amountFen),
  agreedWith,
  agreedBy,
  at,
});

/** The charges a long-term agreement implies: one per calendar month of its term. */
export const agreementSchedule = (startMonth: string, months: number, monthlyFen: number) =>
  Array.from({ length: months }, (_, i) => {
    const period = calendarMonth(addMonths(startMonth, i));
    return { month: period.label.slice(0, 7), from: period.from, to: period.to, amountFen: monthlyFen };
  });
