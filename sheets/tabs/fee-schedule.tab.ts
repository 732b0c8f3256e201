import { FEE_BASES, FEE_CATEGORIES } from '../../functions/fees/fee-schedule.domain';
import type { TabLayout } from '../tab-layout';

/** How an item's periods run (the version's `periodRule`). */
export const PERIOD_RULES = {
  calendar_month: '自然月',
  parking_month: '按签约日起算的月',
  none: '按次',
} as const;

/**
 * The 收费标准 tab (fee schedule): one row per version of a fee item — a rate applies from its 生效日期 until the
 * next version of the same item; charges keep the rate they were made with. Row id `<item code>/<effective from>`.
 *
 * Every column is system-owned. A new rate is a decision of the service-centre head, made through
 * `PUT /estates/{estateId}/fee-schedule/{itemCode}` (putFeeItemVersion, managers only); the sheet cannot tell who
 * typed a row, so it does not take rates in. The late-fee rule (fee settings) is not on this tab.
 */
export const FEE_SCHEDULE_TAB: TabLayout = {
  tab: '收费标准',
  entity: 'feeItemVersion',
  topic: 'feeSchedule.changed',
  sortBy: '_id',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 8, note: '系统编号（项目编码/生效日期），勿改' },
    { key: 'code', header: '项目编码', type: 'text', owner: 'system', width: 14 },
    { key: 'name', header: '项目名称', type: 'text', owner: 'system', width: 14 },
    { key: 'category', header: '类别', type: 'enum', owner: 'system', values: FEE_CATEGORIES, width: 12 },
    { key: 'basis', header: '计费方式', type: 'enum', owner: 'system', values: FEE_BASES, width: 24 },
    { key: 'rateFen', header: '单价', type: 'money', owner: 'system', width: 9, note: '按实录入的项目无单价' },
    { key: 'unitLabel', header: '计量单位', type: 'text', owner: 'system', width: 8 },
    { key: 'periodRule', header: '计费周期', type: 'enum', owner: 'system', values: PERIOD_RULES, width: 14 },
    { key: 'effectiveFrom', header: '生效日期', type: 'date', owner: 'system', width: 11 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
};
