import { CASE_KINDS, STEP_LABELS, type StepName } from '../../functions/checkin/checkin.domain';
import type { TabColumn, TabLayout } from '../tab-layout';

/**
 * Steps a desk clerk may tick in the sheet: they need nothing but the tick (documents are recorded in the system;
 * the step's own rules still apply — reception refuses while documents are missing). The other steps carry data
 * (fees and receipts, keys handed over, meter readings, defects) and are done in the system; their ticks show here.
 */
export const SHEET_TICKABLE_STEPS: readonly StepName[] = ['settlement', 'reception', 'archive'];

const stepColumn = (step: StepName): TabColumn => ({
  key: `done.${step}`,
  header: STEP_LABELS[step].split(' · ').at(-1) ?? STEP_LABELS[step],
  type: 'check',
  owner: SHEET_TICKABLE_STEPS.includes(step) ? 'staff' : 'system',
  width: 10,
  note: STEP_LABELS[step],
});

export const CASE_STATUS_LABELS = { open: '办理中', archived: '已归档' } as const;

/** The 入伙办理 tab: one row per check-in/handover case, a tick column per step in the procedure's order. */
export const CHECKIN_TAB: TabLayout = {
  tab: '入伙办理',
  entity: 'checkinCase',
  topic: 'checkin.changed',
  sortBy: 'openedAt',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 6, note: '系统编号，勿改' },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'system', width: 10 },
    { key: 'kind', header: '办理类型', type: 'enum', owner: 'system', values: CASE_KINDS, width: 12 },
    { key: 'openedAt', header: '开始时间', type: 'datetime', owner: 'system', width: 16 },
    ...(['settlement', 'reception', 'finance', 'fees', 'keys', 'inspection', 'services', 'transfer', 'archive'] as const).map(
      stepColumn,
    ),
    { key: 'missing', header: '缺少资料', type: 'text', owner: 'system', width: 24 },
    { key: 'nextSteps', header: '下一步', type: 'text', owner: 'system', width: 20 },
    { key: 'status', header: '状态', type: 'enum', owner: 'system', values: CASE_STATUS_LABELS, width: 8 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
};
