import type { TabBinding } from '../sync/binding';
import { checkinBinding } from './checkin.binding';
import { feeLedgerBinding } from './fee-ledger.binding';
import { syncExceptionsBinding } from './sync-exceptions.binding';
import { unitsBinding } from './units.binding';
import { workLogBinding } from './work-log.binding';

/**
 * Every synced tab, in the order of the workbook. The exceptions tab is last: the engine fills it from what the
 * other tabs found in the same cycle.
 */
export const SHEET_BINDINGS: readonly TabBinding[] = [
  unitsBinding,
  feeLedgerBinding,
  checkinBinding,
  workLogBinding,
  syncExceptionsBinding,
];

export const EXCEPTIONS_TAB = syncExceptionsBinding.layout.tab;
