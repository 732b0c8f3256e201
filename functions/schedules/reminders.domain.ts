import { addDays, type IsoDate } from '../core/dates';
import { formatFen } from '../core/money';

/**
 * Reminders (提醒) as pure rules: the overdue-fee stages (催缴), renovation reminders and the daily
 * stock-take notice; the dedup key of each and its Chinese text. No I/O, no clock: `today` is passed in.
 */
export type ReminderChannel = 'sheet' | 'log' | 'wecom' | 'sns';
export const REMINDER_CHANNELS: Record<ReminderChannel, string> = {
  sheet: '提醒表',
  log: '日志',
  wecom: '企业微信群',
  sns: '短信/推送(SNS)',
};

export type ReminderKind = 'overdue' | 'renovation' | 'stocktake' | 'follow_up_due';
export const REMINDER_KINDS: Record<ReminderKind, string> = {
  overdue: '催缴',
  renovation: '装修',
  stocktake: '工单盘点',
  follow_up_due: '回访提醒',
};

export const REMINDER_STATUSES = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  partial: '部分发送失败',
  failed: '发送失败',
} as const;
export type ReminderStatus = keyof typeof REMINDER_STATUSES;

export interface ReminderSettings {
  /** Day of the month of the bank direct debit (托收日): the 15th, fixed by the bank agreement and the schedule. */
  debitDay: number;
  /** The pre-debit reminder from this many days before the debit day until the day before it; 0 = none. */
  preDebitDaysBefore: number;
  /** The debit-failed reminder from this many days after the debit day (1 = the 16th); 0 = none. */
  debitFailedDaysAfter: number;
  /** Ages (days past due) at which an overdue reminder is sent. */
  agingDays: number[];
  channels: ReminderChannel[];
  /** The estate's own WeCom group robot (企业微信群机器人); it replaces WECOM_WEBHOOK_URL for this estate. A secret. */
  wecomWebhookUrl?: string | undefined;
  /** 0 until the estate saves its own settings. */
  version: number;
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  debitDay: 15,
  preDebitDaysBefore: 3,
  debitFailedDaysAfter: 1,
  agingDays: [30, 60, 90],
  channels: ['sheet', 'log', 'wecom', 'sns'],
  version: 0,
};

/**
 * A robot webhook URL as staff and logs may see it: the key (anyone holding it can post to the group) keeps
 * its first and last 4 characters. `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****a4e1`.
 */
export const maskWebhookUrl = (url: string): string => {
  const mask = (value: string) => (value.length > 8 ? `${value.slice(0, 4)}****${value.slice(-4)}` : '****');
  try {
    const parsed = new URL(url);
    const query = [...parsed.searchParams.entries()].map(([k, v]) => `${k}=${mask(v)}`).join('&');
    return `${parsed.origin}${parsed.pathname}${query ? `?${query}` : ''}`;
  } catch {
    return mask(url);
  }
};

/** The overdue stages in words, for the settings view: when each is raised with these settings. */
export const describeStages = (settings: ReminderSettings) => {
  const d = settings.debitDay;
  const stages: Array<{ stage: string; label: string; when: string }> = [];
  if (settings.preDebitDaysBefore > 0)
    stages.push({
      stage: 'pre_debit',
      label: '托收前提醒',
      when: `每月${d - settings.preDebitDaysBefore}日至${d - 1}日（托收日${d}日前${settings.preDebitDaysBefore}天起），本月托收日前到期的欠费`,
    });
  if (settings.debitFailedDaysAfter > 0)
    stages.push({
      stage: 'debit_failed',
      label: '托收未成功',
      when: `每月${d + settings.debitFailedDaysAfter}日起（托收日后第${settings.debitFailedDaysAfter}天），有托收协议仍欠费的单元`,
    });
  for (const days of [...settings.agingDays].sort((a, b) => a - b))
    stages.push({ stage: `overdue_${days}`, label: `逾期${days}天催缴`, when: `欠费逾期满${days}天` });
  return stages;
};

export interface OwedLine {
  chargeId: string;
  itemName: string;
  period: string;
  outstandingFen: number;
  dueDate: IsoDate;
}

export interface UnitArrearsFacts {
  unitCode: string;
  hasDebitAgreement: boolean;
  /** Every open charge of the unit (due or not yet due). */
  open: OwedLine[];
}

export interface ReminderDraft {
  dedupKey: string;
  kind: ReminderKind;
  stage: string;
  stageLabel: string;
  unitCode?: string | undefined;
  subject: string;
  period: string;
  lines: Array<OwedLine & { ageDays: number }>;
  totalFen: number;
  ageDays: number;
  text: string;
}

const ageOf = (dueDate: IsoDate, today: IsoDate) =>
  Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000));

const md = (date: IsoDate) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

const lineText = (lines: OwedLine[]) => lines.map((l) => `${l.itemName}（${l.period}）${formatFen(l.outstandingFen)}`).join('；');

export const overdueDedupKey = (unitCode: string, period: string, stage: string) => `overdue:${unitCode}:${period}:${stage}`;

/**
 * The overdue reminders a unit is due today, at most one per stage family:
 * - `pre_debit`: from `preDebitDaysBefore` days before the debit day until the day before it, for charges due by then;
 * - `debit_failed`: from `debitFailedDaysAfter` days after the debit day (same month), for units with a debit agreement
 *   still owing charges due by the debit day (the debit failed or was not made);
 * - `overdue_<n>`: the highest configured age reached by any open charge; period = the newest charge that reached it.
 * A unit that has paid has no open charges and gets nothing.
 */
export const overdueRemindersFor = (
  estateName: string,
  facts: UnitArrearsFacts,
  today: IsoDate,
  settings: ReminderSettings,
): ReminderDraft[] => {
  const drafts: ReminderDraft[] = [];
  const month = today.slice(0, 7);
  const debitDate = `${month}-${String(settings.debitDay).padStart(2, '0')}`;
  const day = Number(today.slice(8, 10));
  const dueByDebit = facts.open.filter((l) => l.dueDate <= debitDate);
  const total = (lines: OwedLine[]) => lines.reduce((sum, l) => sum + l.outstandingFen, 0);
  const withAge = (lines: OwedLine[]) => lines.map((l) => ({ ...l, ageDays: ageOf(l.dueDate, today) }));

  if (
    settings.preDebitDaysBefore > 0 &&
    dueByDebit.length > 0 &&
    day >= settings.debitDay - settings.preDebitDaysBefore &&
    day < settings.debitDay
  ) {
    const how = facts.hasDebitAgreement
      ? `将于${md(debitDate)}从您的托收账户银行代扣，请确保账户余额充足`
      : `请于${md(debitDate)}前到物业服务中心或通过线上渠道缴纳`;
    drafts.push({
      dedupKey: overdueDedupKey(facts.unitCode, month, 'pre_debit'),
      kind: 'overdue',
      stage: 'pre_debit',
      stageLabel: '托收前提醒',
      unitCode: facts.unitCode,
      subject: facts.unitCode,
      period: month,
      lines: withAge(dueByDebit),
      totalFen: total(dueByDebit),
      ageDays: 0,
      text: `【${estateName}物业服务中心】${facts.unitCode} 业主您好：您应缴 ${lineText(dueByDebit)}，合计 ${formatFen(total(dueByDebit))}，${how}。如已缴纳请忽略。`,
    });
  }
  if (
    settings.debitFailedDaysAfter > 0 &&
    facts.hasDebitAgreement &&
    dueByDebit.length > 0 &&
    day >= settings.debitDay + settings.debitFailedDaysAfter
  ) {
    drafts.push({
      dedupKey: overdueDedupKey(facts.unitCode, month, 'debit_failed'),
      kind: 'overdue',
      stage: 'debit_failed',
      stageLabel: '托收未成功',
      unitCode: facts.unitCode,
      subject: facts.unitCode,
      period: month,
      lines: withAge(dueByDebit),
      totalFen: total(dueByDebit),
      ageDays: Math.max(...dueByDebit.map((l) => ageOf(l.dueDate, today))),
      text: `【${estateName}物业服务中心】${facts.unitCode} 业主您好：${md(debitDate)}银行托收未成功，您尚欠 ${lineText(dueByDebit)}，合计 ${formatFen(total(dueByDebit))}。请核对托收账户余额，或尽快到物业服务中心缴纳。`,
    });
  }
  const stages = [...settings.agingDays].sort((a, b) => b - a);
  for (const days of stages) {
    const reached = facts.open.filter((l) => ageOf(l.dueDate, today) >= days);
    if (reached.length === 0) continue;
    const newest = [...reached].sort((a, b) => (a.dueDate < b.dueDate ? 1 : a.dueDate > b.dueDate ? -1 : 0))[0] as OwedLine;
    const owed = facts.open.filter((l) => l.dueDate <= today);
    const oldest = Math.max(...reached.map((l) => ageOf(l.dueDate, today)));
    drafts.push({
      dedupKey: overdueDedupKey(facts.unitCode, newest.period, `overdue_${days}`),
      kind: 'overdue',
      stage: `overdue_${days}`,
      stageLabel: `逾期${days}天催缴`,
      unitCode: facts.unitCode,
      subject: facts.unitCode,
      period: newest.period,
      lines: withAge(owed),
      totalFen: total(owed),
      ageDays: oldest,
      text: `【${estateName}物业服务中心】${facts.unitCode} 业主您好：您的 ${lineText(owed)} 已逾期${oldest}天，合计欠费 ${formatFen(total(owed))}。请尽快到物业服务中心缴纳，如有疑问请致电服务中心。`,
    });
    break;
  }
  return drafts;
};

// ---- renovation ----

export interface PermitFacts {
  permitId: string;
  permitNo?: string | undefined;
  unitCode: string;
  status: string;
  termTo?: IsoDate | undefined;
  /** Date of the last passed inspection. */
  inspectionPassedOn?: IsoDate | undefined;
  refunded: boolean;
  passesOut: Array<{ passNo: string; validUntil: IsoDate }>;
}

export const PERMIT_EXPIRY_NOTICE_DAYS = 7;

/**
 * Renovation reminders due today: deposit refund due (the refund due date — 7 working days after the passed
 * inspection, computed by the caller with the working-day calendar — has come and no refund is requested);
 * the permit ends within 7 days; worker passes not returned after the permit ended.
 */
export const renovationRemindersFor = (
  estateName: string,
  permit: PermitFacts,
  refundDueDate: IsoDate | undefined,
  today: IsoDate,
): ReminderDraft[] => {
  const drafts: ReminderDraft[] = [];
  const label = permit.permitNo ?? permit.permitId;
  const base = { kind: 'renovation' as const, unitCode: permit.unitCode, subject: label, lines: [], totalFen: 0 };
  if (permit.status === 'inspected' && refundDueDate && today >= refundDueDate && !permit.refunded) {
    drafts.push({
      ...base,
      dedupKey: `renovation:${permit.permitId}:deposit_refund_due`,
      stage: 'deposit_refund_due',
      stageLabel: '装修押金可退',
      period: refundDueDate,
      ageDays: ageOf(refundDueDate, today),
      text: `【${estateName}】${permit.unitCode} 装修许可证 ${label} 已于${md(permit.inspectionPassedOn ?? refundDueDate)}验收合格，装修押金自${md(refundDueDate)}起可办理退还，请通知业主及装修单位办理退押手续。`,
    });
  }
  const active = ['active', 'inspection_requested'].includes(permit.status);
  if (active && permit.termTo && permit.termTo >= today && permit.termTo <= addDays(today, PERMIT_EXPIRY_NOTICE_DAYS)) {
    drafts.push({
      ...base,
      dedupKey: `renovation:${permit.permitId}:expiring:${permit.termTo}`,
      stage: 'permit_expiring',
      stageLabel: '装修许可证即将到期',
      period: permit.termTo,
      ageDays: 0,
      text: `【${estateName}】${permit.unitCode} 装修许可证 ${label} 将于${md(permit.termTo)}到期，如需延期请业主在到期前办理延期手续。`,
    });
  }
  if (permit.termTo && today > permit.termTo && permit.passesOut.length > 0) {
    drafts.push({
      ...base,
      dedupKey: `renovation:${permit.permitId}:passes_out:${permit.termTo}`,
      stage: 'passes_not_returned',
      stageLabel: '出入证未交回',
      period: permit.termTo,
      ageDays: ageOf(permit.termTo, today),
      text: `【${estateName}】${permit.unitCode} 装修许可证 ${label} 已于${md(permit.termTo)}到期，仍有 ${permit.passesOut.length} 张装修人员出入证未交回（${permit.passesOut.map((p) => p.passNo).join('、')}），请通知装修单位交回。`,
    });
  }
  return drafts;
};

// ---- daily stock-take (工单盘点) ----

export const stockTakeReminder = (
  estateName: string,
  today: IsoDate,
  open: Array<{ ticketNo: string; kindLabel: string; place: string; statusLabel: string; owner: string }>,
): ReminderDraft | undefined => {
  if (open.length === 0) return undefined;
  const list = open.map((t) => `${t.ticketNo} ${t.kindLabel} ${t.place} ${t.statusLabel} 首问：${t.owner}`).join('\n');
  return {
    dedupKey: `stocktake:${today}`,
    kind: 'stocktake',
    stage: 'daily',
    stageLabel: '每日工单盘点',
    subject: today,
    period: today,
    lines: [],
    totalFen: 0,
    ageDays: 0,
    text: `【${estateName}】${md(today)}工单盘点：未关闭工单 ${open.length} 件，请首问责任人跟进：\n${list}`,
  };
};

// ---- follow-up visits due (回访) ----

export interface FollowUpFacts {
  ticketNo: string;
  kindLabel: string;
  /** Unit code or public area. */
  place: string;
  unitCode?: string | undefined;
  /** First-contact owner (首问责任人): the one who visits or calls. */
  ownerName: string;
  /** The ticket's SLA round: a reopened ticket done again gets its own follow-up reminders. */
  round: number;
  /** Business date the work was done (处理完成). */
  doneOn: IsoDate;
  /** Last day of the follow-up window: `followUpWorkingDays` China working days after `doneOn` (the caller's calendar). */
  dueOn: IsoDate;
}

export const followUpDedupKey = (ticketNo: string, round: number, stage: 'due' | 'overdue') =>
  `followup:${ticketNo}:r${round}:${stage}`;

/**
 * The follow-up reminder a ticket done but not yet visited is due today: `due` on the window's last day
 * (visit today), `overdue` once the window has passed (the CS lead follows it up). One stage per day's run, the
 * highest reached; each stage once per ticket and round. Tickets visited, closed or reopened are not passed in.
 */
export const followUpReminderFor = (estateName: string, facts: FollowUpFacts, today: IsoDate): ReminderDraft | undefined => {
  if (today < facts.dueOn) return undefined;
  const overdue = today > facts.dueOn;
  const stage = overdue ? 'overdue' : 'due';
  const late = ageOf(facts.dueOn, today);
  const head = `【${estateName}】工单 ${facts.ticketNo}【${facts.kindLabel}】${facts.place} 已于${md(facts.doneOn)}处理完成`;
  return {
    dedupKey: followUpDedupKey(facts.ticketNo, facts.round, stage),
    kind: 'follow_up_due',
    stage: overdue ? 'follow_up_overdue' : 'follow_up_due',
    stageLabel: overdue ? '回访超期' : '回访到期',
    unitCode: facts.unitCode,
    subject: facts.ticketNo,
    period: facts.doneOn,
    lines: [],
    totalFen: 0,
    ageDays: late,
    text: overdue
      ? `${head}，回访时限${md(facts.dueOn)}已过${late}天仍未回访，请首问责任人 ${facts.ownerName} 尽快回访并登记结果，客服负责人督办。`
      : `${head}，今日（${md(facts.dueOn)}）为回访时限，请首问责任人 ${facts.ownerName} 回访业主并登记回访结果。`,
  };
};

/** Overall status from the channels' results. */
export const deliveryStatus = (results: Array<{ ok: boolean }>): ReminderStatus => {
  if (results.length === 0 || results.every((r) => r.ok)) return 'sent';
  return results.some((r) => r.ok) ? 'partial' : 'failed';
};
