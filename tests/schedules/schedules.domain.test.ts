import { describe, expect, it } from 'vitest';
import type { FeeItemVersion } from '../../functions/fees/fee-schedule.domain';
import { billingLinesFor } from '../../functions/schedules/billing.domain';
import { debitRows, parseResultFile, renderBatchFile } from '../../functions/schedules/debit.domain';
import { renovationRemindersFor } from '../../functions/schedules/reminders.domain';

const propertyFee: FeeItemVersion = {
  estateId: 'lhy',
  code: 'property_fee',
  name: '物业服务费',
  category: 'property_fee',
  basis: 'area_month',
  rateFen: 250,
  unitLabel: '㎡·月',
  effectiveFrom: '2026-01-01',
  periodRule: 'calendar_month',
};
const items = new Map([['property_fee', [propertyFee]]]);

describe('billingLinesFor', () => {
  it('does not bill a unit not yet handed over, nor one received after the month', () => {
    // Prepare + Act + Assess
    expect(billingLinesFor({ code: 'a', status: 'not_handed_over', areaCentiM2: 100 }, '2026-12', items, [])).toEqual({
      skip: 'not_received',
    });
    expect(
      billingLinesFor({ code: 'a', status: 'handed_over', areaCentiM2: 100, receivedOn: '2027-01-02' }, '2026-12', items, []),
    ).toEqual({
      skip: 'received_after_month',
    });
  });

  it('pro-rates from the receiving day within the month and not for a unit received earlier', () => {
    // Prepare + Act
    const mid = billingLinesFor(
      { code: 'a', status: 'vacant', areaCentiM2: 100, receivedOn: '2026-12-10' },
      '2026-12',
      items,
      [],
    );
    const earlier = billingLinesFor(
      { code: 'a', status: 'vacant', areaCentiM2: 100, receivedOn: '2026-11-10' },
      '2026-12',
      items,
      [],
    );
    // Assess
    expect(mid).toEqual([
      { itemCode: 'property_fee', request: expect.objectContaining({ month: '2026-12', proRateFrom: '2026-12-10' }) },
    ]);
    expect(earlier).toEqual([{ itemCode: 'property_fee', request: expect.objectContaining({ proRateFrom: undefined }) }]);
  });
});

describe('debit batch file', () => {
  it('quotes a name with a comma and leaves out units without an agreement or with nothing due', () => {
    // Prepare
    const open = [{ chargeId: 'C1', outstandingFen: 12345, dueDate: '2026-12-15', itemName: '物业服务费' }];
    const rows = debitRows(
      [
        { unitCode: 'b', debitAccount: { bank: '工行', accountName: '王五,赵六', accountNumber: '6222 0212 3456 7890' }, open },
        { unitCode: 'a', open },
        {
          unitCode: 'c',
          debitAccount: { bank: '工行', accountName: '钱七', accountNumber: '62220212345678' },
          open: [{ ...open[0], dueDate: '2027-01-15' } as (typeof open)[0]],
        },
      ],
      '2026-12',
      '2026-12-15',
    );
    // Act
    const file = renderBatchFile(rows);
    // Assess
    expect(rows.map((r) => r.unitCode)).toEqual(['b']);
    expect(file.split('\r\n')[1]).toBe('1,b,"王五,赵六",6222021234567890,123.45,物业费2026-12');
  });

  it('reads 0000 and S as success and keeps the bank reason of a failure', () => {
    // Prepare + Act
    const rows = parseResultFile('序号,房号,金额(元),处理结果,失败原因\n1,a,1.00,0000,\n2,b,2.00,S,\n3,c,3.00,F,账户冻结\n');
    // Assess
    expect(rows).toEqual([
      { seq: 1, unitCode: 'a', amountFen: 100, success: true, reason: undefined },
      { seq: 2, unitCode: 'b', amountFen: 200, success: true, reason: undefined },
      { seq: 3, unitCode: 'c', amountFen: 300, success: false, reason: '账户冻结' },
    ]);
  });
});

describe('renovationRemindersFor', () => {
  it('does not remind of a refund already requested', () => {
    // Prepare + Act
    const drafts = renovationRemindersFor(
      '绿湖苑',
      { permitId: 'p', unitCode: 'a', status: 'inspected', inspectionPassedOn: '2026-09-28', refunded: true, passesOut: [] },
      '2026-10-13',
      '2026-10-20',
    );
    // Assess
    expect(drafts).toEqual([]);
  });
});
