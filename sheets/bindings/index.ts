import type { TabBinding } from '../sync/binding';
import { arrearsBinding } from './arrears.binding';
import { checkinBinding } from './checkin.binding';
import { feeLedgerBinding } from './fee-ledger.binding';
import { feeScheduleBinding } from './fee-schedule.binding';
import { holidaysBinding } from './holidays.binding';
import { remindersBinding } from './reminders.binding';
import { renovationLedgerBinding } from './renovation-ledger.binding';
import { syncExceptionsBinding } from './sync-exceptions.binding';
import { unclaimedPaymentsBinding } from './unclaimed-payments.binding';
import { unitsBinding } from './units.binding';
import { workLogBinding } from './work-log.binding';

/**
 * Every synced tab, in the order of the workbook. The exceptions tab is last: the engine fills it from what the
 * other tabs found in the same cycle.
 */
export const SHEET_BINDINGS: readonly TabBinding[] = [
  unitsBinding,
  feeScheduleBinding,
  feeLedgerBinding,
  arrearsBinding,
  checkinBinding,
  renovationLedgerBinding,
  workLogBinding,
  remindersBinding,
  unclaimedPaymentsBinding,
  holidaysBinding,
  syncExceptionsBinding,
];

export const EXCEPTIONS_TAB = syncExceptionsBinding.layout.tab;
