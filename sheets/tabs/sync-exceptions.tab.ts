import { EXCEPTION_KINDS, RESOLUTIONS } from '../sync/sync-state';
import type { TabLayout } from '../tab-layout';

/**
 * The 同步异常 tab: everything the sync would not guess — conflicts (both sides changed), deleted rows (restored),
 * edits to system columns (reverted) — with BOTH values, so nothing a person typed is ever lost. For a conflict,
 * choosing 采用表格值 / 采用系统值 in 处理 settles it on the next cycle.
 */
export const SYNC_EXCEPTIONS_TAB: TabLayout = {
  tab: '同步异常',
  entity: 'sheetException',
  topic: 'sheet.exception',
  sortBy: 'foundAt',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 6 },
    { key: 'foundAt', header: '发现时间', type: 'datetime', owner: 'system', width: 16 },
    { key: 'tab', header: '工作表', type: 'text', owner: 'system', width: 12 },
    { key: 'rowId', header: '行编号', type: 'text', owner: 'system', width: 14 },
    { key: 'kind', header: '类别', type: 'enum', owner: 'system', values: EXCEPTION_KINDS, width: 18 },
    { key: 'header', header: '列', type: 'text', owner: 'system', width: 10 },
    { key: 'sheetValue', header: '表格中的值', type: 'longtext', owner: 'system', width: 24 },
    { key: 'storeValue', header: '系统中的值', type: 'longtext', owner: 'system', width: 24 },
    { key: 'detail', header: '说明', type: 'longtext', owner: 'system', width: 24 },
    {
      key: 'resolution',
      header: '处理',
      type: 'enum',
      owner: 'staff',
      values: RESOLUTIONS,
      width: 12,
      note: '冲突：选择采用哪一边的值',
    },
    { key: 'handledNote', header: '处理说明', type: 'text', owner: 'staff', width: 20 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14 },
  ],
  highlights: [{ column: 'kind', contains: '冲突', colour: 'red' }],
};
