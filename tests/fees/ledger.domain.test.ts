import { describe, expect, it } from 'vitest';
import { lateFeeDue } from '../../functions/fees/late-fee.domain';
import {
  allocatePayment,
  applyCharges,
  applyPayment,
  emptyAccount,
  type OpenCharge,
  reversePayment,
} from '../../functions/fees/ledger.domain';

const open = (
  chargeId: string,
  amountFen: number,
  dueDate: string,
  category: OpenCharge['category'] = 'property_fee',
): OpenCharge => ({
  chargeId,
  itemCode: category,
  itemName: category,
  category,
  period: dueDate.slice(0, 7),
  amountFen,
  outstandingFen: amountFen,
  dueDate,
});

describe('ledger.domain', () => {
  it('allocates oldest due first and keeps the rest as credit', () => {
    const { account } = applyCharges(emptyAccount('e', 'u'), [open('B', 100, '2026-02-15'), open('A', 100, '2026-01-15')]);
    const result = allocatePayment(account, 150);
    expect(result).toEqual({
      allocations: [
        { chargeId: 'A', amountFen: 100 },
        { chargeId: 'B', amountFen: 50 },
      ],
      creditAddedFen: 0,
    });
  });

  it('refuses to allocate to a charge that is not open', () => {
    expect(allocatePayment(emptyAccount('e', 'u'), 100, ['X'])).toEqual({ problem: 'charge_not_open', chargeId: 'X' });
  });

  it('does not spend credit on deposits or money collected for others', () => {
    const withCredit = { ...emptyAccount('e', 'u'), creditFen: 500 };
    const { account, creditApplied } = applyCharges(withCredit, [
      open('D', 100000, '2026-01-01', 'deposit'),
      open('T', 300, '2026-01-01', 'on_behalf'),
    ]);
    expect(creditApplied).toEqual([]);
    expect(account.creditFen).toBe(500);
  });

  it('counts a paid deposit as held money, and a reversal takes it back', () => {
    const { account } = applyCharges(emptyAccount('e', 'u'), [open('D', 100000, '2026-01-01', 'deposit')]);
    const paid = applyPayment(account, [{ chargeId: 'D', amountFen: 100000 }], 0);
    expect(paid).toMatchObject({ owedFen: 0, heldFen: 100000 });
    const reversed = reversePayment(
      paid,
      {
        allocations: [{ chargeId: 'D', amountFen: 100000 }],
        creditAddedFen: 0,
        charges: { D: open('D', 100000, '2026-01-01', 'deposit') },
      },
      () => {
        throw new Error('no shortfall expected');
      },
    );
    expect(reversed.account).toMatchObject({ owedFen: 100000, heldFen: 0 });
  });

  it('computes late fees as simple interest on the principal after the grace period, capped', () => {
    const rule = { enabled: true, dailyRatePerTenThousand: 5, graceDays: 0, capPercent: 10 };
    const charge = { outstandingFen: 10000, dueDate: '2026-01-01', category: 'property_fee' as const };
    expect(lateFeeDue(charge, '2026-01-11', rule, 0)).toBe(50); // 10 days × 0.05% × 100.00
    expect(lateFeeDue(charge, '2027-01-01', rule, 0)).toBe(1000); // capped at 10 %
    expect(lateFeeDue(charge, '2026-01-11', rule, 30)).toBe(20);
    expect(lateFeeDue(charge, '2026-01-11', { ...rule, enabled: false }, 0)).toBe(0);
    expect(lateFeeDue({ ...charge, category: 'late_fee' }, '2026-01-11', rule, 0)).toBe(0);
  });
});
