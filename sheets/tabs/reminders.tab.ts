import { REMINDER_KINDS, REMINDER_STATUSES } from '../../functions/schedules/reminders.domain';
import type { TabLayout } from '../tab-layout';

/**
 * The 提醒 tab: one row per reminder the schedules raised (催缴 by stage, renovation, daily stock-take, follow-up
 * visits due), with its text and delivery status. Row id: the reminder's dedup key. The row is the local
 * delivery channel of a reminder (channel 提醒表): it appears through the outbox topic `reminder.changed`, and
 * only for reminders raised with that channel (an estate that turned it off in its reminder settings gets none).
 *
 * Every column is system-owned. 跟进情况 is meant for what staff did about a reminder (phoned the owner,
 * visited…), but no command records a follow-up on a reminder yet, so the column is shown and protected until
 * one exists; a follow-up visit of a ticket is recorded on the ticket (工作信息记录本).
 */
export const REMINDERS_TAB: TabLayout = {
  tab: '提醒',
  entity: 'reminder',
  topic: 'reminder.changed',
  sortBy: 'raisedOn',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 4, note: '系统编号（去重键），勿改' },
    { key: 'raisedOn', header: '提醒日期', type: 'date', owner: 'system', width: 11 },
    { key: 'kind', header: '类别', type: 'enum', owner: 'system', values: REMINDER_KINDS, width: 8 },
    { key: 'stageLabel', header: '提醒阶段', type: 'text', owner: 'system', width: 14 },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'system', width: 10 },
    { key: 'subject', header: '对象', type: 'text', owner: 'system', width: 12, note: '房号、装修许可证号或盘点日期' },
    { key: 'period', header: '所属期间', type: 'text', owner: 'system', width: 12 },
    { key: 'totalFen', header: '欠费金额', type: 'money', owner: 'system', width: 10 },
    { key: 'ageDays', header: '逾期天数', type: 'number', owner: 'system', width: 8 },
    { key: 'text', header: '提醒内容', type: 'longtext', owner: 'system', width: 60 },
    { key: 'channelLabels', header: '发送渠道', type: 'text', owner: 'system', width: 20 },
    { key: 'status', header: '发送状态', type: 'enum', owner: 'system', values: REMINDER_STATUSES, width: 10 },
    { key: 'attempts', header: '发送次数', type: 'number', owner: 'system', width: 6 },
    {
      key: 'followUp',
      header: '跟进情况',
      type: 'longtext',
      owner: 'system',
      width: 30,
      note: '暂不能在表格中填写：系统尚无记录提醒跟进的功能',
    },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
  highlights: [{ column: 'status', contains: '失败', colour: 'red' }],
};
