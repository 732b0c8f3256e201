import { describe, expect, it } from 'vitest';
import { decideRow, readTab } from '../../sheets/sync/diff.domain';
import type { TabLayout } from '../../sheets/tab-layout';

const layout: TabLayout = {
  tab: '测试',
  entity: 'x',
  topic: 'x.changed',
  sortBy: 'a',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system' },
    { key: 'note', header: '备注', type: 'text', owner: 'staff' },
    { key: 'state', header: '状态', type: 'text', owner: 'system' },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system' },
  ],
};
const editable = () => true;
const row = (note: string, state: string) => ['r1', note, state, ''];

describe('diff.domain', () => {
  it('turns a staff-only change into an edit', () => {
    // Act
    const decision = decideRow(layout, (c) => c.owner === 'staff', row('新', '甲'), row('旧', '甲'), row('旧', '甲'));
    // Assess
    expect(decision).toEqual({ kind: 'edit', changed: ['note'], reverted: [] });
  });

  it('marks a conflict when both sides changed a field differently', () => {
    // Act
    const decision = decideRow(layout, editable, row('表格', '甲'), row('旧', '甲'), row('系统', '甲'));
    // Assess
    expect(decision.kind).toBe('conflict');
    expect(decision.kind === 'conflict' && decision.fields[0]).toMatchObject({ sheet: '表格', store: '系统', base: '旧' });
  });

  it('reverts an edit to a system column and says which', () => {
    // Act
    const decision = decideRow(layout, (c) => c.owner === 'staff', row('旧', '乙'), row('旧', '甲'), row('旧', '甲'));
    // Assess
    expect(decision).toMatchObject({ kind: 'write', reverted: [{ key: 'state', sheet: '乙', store: '甲' }] });
  });

  it('restores a deleted row and appends a new record', () => {
    // Act / Assess
    expect(decideRow(layout, editable, undefined, row('a', 'b'), row('a', 'b'))).toEqual({ kind: 'restore' });
    expect(decideRow(layout, editable, undefined, undefined, row('a', 'b'))).toEqual({ kind: 'append' });
  });

  it('settles when both sides already agree', () => {
    // Act / Assess
    expect(decideRow(layout, editable, row('同', '甲'), row('旧', '甲'), row('同', '甲'))).toEqual({ kind: 'none' });
  });

  it('finds rows by _id whatever their position, and flags a copied row', () => {
    // Prepare
    const grid = [['_id', '备注', '状态', '同步状态'], [], ['r2', 'b'], ['', '新的'], ['r1', 'a'], ['r2', 'b copy']];
    // Act
    const read = readTab(layout, grid);
    // Assess
    expect(read.rows.map((r) => [r.id, r.rowIndex])).toEqual([
      ['r2', 2],
      ['r1', 4],
    ]);
    expect(read.fresh.map((r) => r.rowIndex)).toEqual([3]);
    expect(read.duplicates.map((r) => r.rowIndex)).toEqual([5]);
    expect(read.headerProblems).toEqual([]);
  });

  it('refuses a tab whose columns were moved', () => {
    // Act
    const read = readTab(layout, [['_id', '状态', '备注', '同步状态']]);
    // Assess
    expect(read.headerProblems).toHaveLength(2);
  });
});
