import { SATISFACTION, TICKET_CHANNELS, TICKET_KINDS, TICKET_STATUSES } from '../../functions/tickets/tickets.domain';
import type { TabLayout } from '../tab-layout';

/** Kept for the tabs that import the layout types from here; new tabs import `../tab-layout`. */
export type { ColumnType, TabColumn, TabLayout } from '../tab-layout';

/**
 * The 工作信息记录本 tab (work-information log): one row per ticket, as the desk keeps the paper book.
 * Plain data for the sheet-sync issue: column order, Chinese headers, value type, who owns the column
 * (staff columns flow in, system columns flow out and are protected) and dropdown values. No sync here.
 *
 * A new row with an empty `_id` is a new matter received at the desk (createTicket); the staff member who
 * typed it is its first-contact owner. Status changes go through the API (the transition table), not the
 * sheet: the status column is system-owned.
 */
export const WORK_LOG_TAB: TabLayout = {
  tab: '工作信息记录本',
  entity: 'ticket',
  topic: 'ticket.changed',
  sortBy: 'receivedAt',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 4, note: '系统编号，勿改；新登记留空' },
    { key: 'ticketNo', header: '工单号', type: 'text', owner: 'system', width: 10 },
    { key: 'receivedAt', header: '接报时间', type: 'datetime', owner: 'staff', width: 16, note: '留空为录入时间' },
    { key: 'channel', header: '信息来源', type: 'enum', owner: 'staff', values: TICKET_CHANNELS, required: true, width: 10 },
    { key: 'kind', header: '类别', type: 'enum', owner: 'staff', values: TICKET_KINDS, required: true, width: 8 },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'staff', width: 10, note: '房号或公共区域至少填一项' },
    { key: 'publicArea', header: '公共区域', type: 'text', owner: 'staff', width: 12 },
    { key: 'contact.name', header: '联系人', type: 'text', owner: 'staff', width: 8 },
    { key: 'contact.phone', header: '联系电话', type: 'phone', owner: 'staff', width: 13 },
    { key: 'description', header: '事项内容', type: 'longtext', owner: 'staff', required: true, width: 40 },
    { key: 'reportedBy.name', header: '信息收集人', type: 'text', owner: 'staff', width: 8, note: '员工巡查收集时填写' },
    { key: 'owner.name', header: '首问责任人', type: 'text', owner: 'system', width: 8 },
    { key: 'assignee.name', header: '处理人', type: 'text', owner: 'system', width: 8 },
    { key: 'status', header: '状态', type: 'enum', owner: 'system', values: TICKET_STATUSES, width: 10 },
    { key: 'appointmentAt', header: '约定上门时间', type: 'datetime', owner: 'system', width: 16 },
    { key: 'sla.contactBy', header: '联系时限', type: 'datetime', owner: 'system', width: 16 },
    { key: 'sla.onSiteBy', header: '到场时限', type: 'datetime', owner: 'system', width: 16 },
    { key: 'sla.solveBy', header: '解决时限', type: 'datetime', owner: 'system', width: 16 },
    { key: 'result', header: '处理结果', type: 'longtext', owner: 'system', width: 30 },
    { key: 'doneAt', header: '完成时间', type: 'datetime', owner: 'system', width: 16 },
    { key: 'lastFollowUp.satisfaction', header: '回访满意度', type: 'enum', owner: 'system', values: SATISFACTION, width: 8 },
    { key: 'closedAt', header: '关闭时间', type: 'datetime', owner: 'system', width: 16 },
    { key: 'paidOrderNo', header: '有偿服务单号', type: 'text', owner: 'system', width: 10 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
};
