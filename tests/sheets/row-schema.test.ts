import { describe, expect, it } from 'vitest';
import { staffRowSchema } from '../../sheets/row-schema';
import { FEE_LEDGER_TAB } from '../../sheets/tabs/fee-ledger.tab';
import { WORK_LOG_TAB } from '../../sheets/tabs/work-log.tab';

describe('row-schema', () => {
  it('requires the required staff columns of a new row, nested by dotted key', () => {
    // Act
    const missing = staffRowSchema(WORK_LOG_TAB, true).safeParse({ contact: { name: '李四' } });
    const complete = staffRowSchema(WORK_LOG_TAB, true).safeParse({
      channel: 'phone',
      kind: 'repair',
      description: '漏水',
      contact: { name: '李四' },
    });
    // Assess
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['channel', 'description', 'kind']);
    expect(complete.success).toBe(true);
  });

  it('refuses a negative amount and a code outside the dropdown', () => {
    // Act / Assess
    expect(
      staffRowSchema(FEE_LEDGER_TAB, true).safeParse({ unitCode: '1-1-101', item: 'ic_card', enteredFen: -500 }).success,
    ).toBe(false);
    expect(staffRowSchema(WORK_LOG_TAB, false).safeParse({ channel: 'pigeon' }).success).toBe(false);
  });
});
