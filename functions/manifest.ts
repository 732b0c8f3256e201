import { calendarRoutes } from './calendar/calendar.routes';
import { checkinRoutes } from './checkin/checkin.routes';
import type { RouteSpec } from './core/route';
import { feeRoutes } from './fees/fees.routes';
import { paymentRoutes } from './payments/payments.routes';
import { renovationRoutes } from './renovation/renovation.routes';
import { schedulesApiRoutes } from './schedules/schedules-api.routes';
import { sheetRoutes } from './sheets/sheets.routes';
import { RELAY_TOPICS } from './system/outbox-relay.domain';
import { systemRoutes } from './system/system.routes';
import { ticketRoutes } from './tickets/tickets.routes';
import { unitRoutes } from './units/units.routes';

/**
 * Every function of the app, once: its handler, what triggers it (routes, schedules, the table stream) and what
 * it may do with the table, which secrets it may read and which topics it may publish to. The CDK stack and the
 * local target both read this file, so the cloud and the laptop cannot drift. Entries are relative to the project root.
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem';

export const READ: readonly TableAction[] = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/**
 * Commands read, then write in one transaction. TransactWriteItems is authorised per contained
 * action (Put/Update/ConditionCheck/Delete), so those are what a command function is granted.
 */
export const COMMAND: readonly TableAction[] = [
  ...READ,
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
];

export interface ScheduleDefinition {
  id: string;
  description: string;
  /** EventBridge Scheduler syntax: cron(min hour day-of-month month day-of-week year) or rate(n unit). */
  expression: string;
  timezone: 'Asia/Shanghai';
}

/**
 * Secrets Manager secrets (one per name and stage: `property-desk/<stage>/<name>`). A function that lists one may
 * read it (secretsmanager:GetSecretValue on that secret only) and gets its ARN in `<NAME>_SECRET_ID`
 * (PAYMENTS_SECRET_ID, GOOGLE_SECRET_ID, SHEETS_PING_SECRET_ID).
 */
export type SecretName = 'payments' | 'google' | 'sheets-ping';
/**
 * Deployment settings a function reads from its environment, given per deployment (`-c googleSheetsId=…
 * -c sheetsEstateId=…`), never in code: which spreadsheet, which estate.
 */
export const DEPLOYMENT_SETTINGS = { GOOGLE_SHEETS_ID: 'googleSheetsId', SHEETS_ESTATE_ID: 'sheetsEstateId' } as const;
export type SettingName = keyof typeof DEPLOYMENT_SETTINGS;
/** SNS topics: `notice` carries alarms, reminders and relayed outbox notices; env NOTICE_TOPIC_ARN. */
export type TopicName = 'notice';

/**
 * A table-stream trigger. `outbox`: new outbox entries (INSERT, pk = OUTBOX) whose topic is in `topics`, filtered
 * by the event source mapping. AWS only: the local target has no stream and does not run these functions.
 */
export interface StreamTrigger {
  filter: 'outbox';
  topics: readonly string[];
}

export interface FunctionDefinition {
  name: string;
  description: string;
  entry: string;
  routes?: Record<string, RouteSpec>;
  schedules?: ScheduleDefinition[];
  tableAccess: readonly TableAction[];
  /** Deletes are allowed only where the manifest says so (never for financial records). */
  memoryMb?: number;
  timeoutSeconds?: number;
  reservedConcurrency?: number;
  /** Secrets the function may read; none unless listed. */
  secrets?: readonly SecretName[];
  /** SNS topics the function may publish to; none unless listed. */
  topics?: readonly TopicName[];
  /** Deployment settings passed to it as environment values when the deployment gives them. */
  settings?: readonly SettingName[];
  stream?: StreamTrigger;
}

export const manifest: readonly FunctionDefinition[] = [
  {
    name: 'system-api',
    description: 'Health check and the OpenAPI document',
    entry: 'functions/system/system.handler.ts',
    routes: systemRoutes,
    tableAccess: ['dynamodb:GetItem'],
    memoryMb: 256,
  },
  {
    name: 'units-api',
    description: 'Unit registry (房号): estates, buildings, units, households, import',
    entry: 'functions/units/units.handler.ts',
    routes: unitRoutes,
    tableAccess: COMMAND,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'fees-api',
    description: 'Fee ledger (收费): fee schedule, charges, payments with receipts/invoices, voids, arrears, refunds',
    entry: 'functions/fees/fees.handler.ts',
    routes: feeRoutes,
    tableAccess: COMMAND,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'tickets-api',
    description: 'Tickets (信息传递/派单): routing, transitions, SLAs, handover, follow-up, paid-service orders',
    entry: 'functions/tickets/tickets.handler.ts',
    routes: ticketRoutes,
    tableAccess: COMMAND,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'ticket-sla-sweep',
    description: 'Escalates ticket SLA breaches and opens complaint records for complaints open past one working day',
    entry: 'functions/tickets/sla-sweep.handler.ts',
    schedules: [
      {
        id: 'ticket-sla-sweep',
        description: '每15分钟检查未关闭工单的服务时限：超时上报客服负责人/部门负责人，投诉超一个工作日建立投诉处理记录',
        expression: 'rate(15 minutes)',
        timezone: 'Asia/Shanghai',
      },
    ],
    tableAccess: COMMAND,
    timeoutSeconds: 300,
  },
  {
    name: 'fee-schedules',
    description: 'Monthly billing, the direct-debit batch, overdue (催缴), renovation, stock-take and follow-up (回访) reminders',
    entry: 'functions/schedules/schedules.handler.ts',
    schedules: [
      {
        id: 'monthly-billing',
        description: '每月1日 01:00–06:00 每小时：为已交房单元计提当月物业服务费和车位费（分批续跑，每户每月只计一次）',
        expression: 'cron(0 1-6 1 * ? *)',
        timezone: 'Asia/Shanghai',
      },
      {
        id: 'debit-batch',
        description: '每月15日 07:00：生成银行托收批次文件（有托收协议且有到期欠费的单元）',
        expression: 'cron(0 7 15 * ? *)',
        timezone: 'Asia/Shanghai',
      },
      {
        id: 'overdue-reminders',
        description: '每天 09:05：按阶段催缴（托收前3天、托收未成功、逾期30/60/90天），每户每期每阶段只提醒一次',
        expression: 'cron(5 9 * * ? *)',
        timezone: 'Asia/Shanghai',
      },
      {
        id: 'renovation-reminders',
        description: '每天 09:30：装修押金到期可退、装修许可证7天内到期、出入证逾期未交回',
        expression: 'cron(30 9 * * ? *)',
        timezone: 'Asia/Shanghai',
      },
      {
        id: 'ticket-stock-take',
        description: '每天 17:00：工单盘点，列出全部未关闭工单及首问责任人',
        expression: 'cron(0 17 * * ? *)',
        timezone: 'Asia/Shanghai',
      },
      {
        id: 'ticket-follow-ups',
        description: '每天 10:00：回访提醒，处理完成后超过回访时限（默认1个工作日）仍未回访的工单，每单每阶段只提醒一次',
        expression: 'cron(0 10 * * ? *)',
        timezone: 'Asia/Shanghai',
      },
    ],
    tableAccess: COMMAND,
    topics: ['notice'],
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  {
    name: 'schedules-api',
    description: 'Direct-debit batch (银行托收): view, bank file, result import; reminder settings (催缴提醒设置)',
    entry: 'functions/schedules/schedules-api.handler.ts',
    routes: schedulesApiRoutes,
    tableAccess: COMMAND,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'checkin-api',
    description: 'Check-in / handover cases (入伙办理) and transfer of ownership',
    entry: 'functions/checkin/checkin.handler.ts',
    routes: checkinRoutes,
    tableAccess: COMMAND,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'renovation-api',
    description: 'Renovation permits (装修备案): checklist, permit, deposits, worker passes, extension, inspection, refund',
    entry: 'functions/renovation/renovation.handler.ts',
    routes: renovationRoutes,
    tableAccess: COMMAND,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'payments-api',
    description:
      'Payments from providers (微信支付/支付宝/Stripe): signed webhooks posted exactly once, payment orders, the 待认领 queue. ' +
      'Secrets: Secrets Manager secret named by PAYMENTS_SECRET_ID (JSON: wechat, alipay, stripe, receiptBooks); locally DATA_DIR/payments.secrets.json',
    entry: 'functions/payments/payments.handler.ts',
    routes: paymentRoutes,
    tableAccess: COMMAND,
    secrets: ['payments'],
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'calendar-api',
    description: 'Holiday table (节假日) and working-day look-ups',
    entry: 'functions/calendar/calendar.handler.ts',
    routes: calendarRoutes,
    tableAccess: [...COMMAND, 'dynamodb:DeleteItem'],
  },
  {
    name: 'sheet-sync',
    description: 'Two-way sync of the staff spreadsheet (Google Sheets or the local .xlsx workbook) with the store',
    entry: 'functions/sheets/sheet-sync.handler.ts',
    routes: sheetRoutes,
    schedules: [
      {
        id: 'sheet-sync',
        description: '每分钟同步一次表格（读取全部工作表一次、写入一次）',
        expression: 'rate(1 minute)',
        timezone: 'Asia/Shanghai',
      },
    ],
    tableAccess: COMMAND,
    secrets: ['google', 'sheets-ping'],
    settings: ['GOOGLE_SHEETS_ID', 'SHEETS_ESTATE_ID'],
    reservedConcurrency: 1,
    memoryMb: 1024,
    timeoutSeconds: 120,
  },
  {
    name: 'calendar-coverage',
    description: "Reminds staff to enter next year's official holidays once they are published",
    entry: 'functions/calendar/calendar-coverage.handler.ts',
    schedules: [
      {
        id: 'calendar-coverage',
        description: '每天 09:00 检查下一年度法定节假日是否已录入（11月起提醒）',
        expression: 'cron(0 9 * * ? *)',
        timezone: 'Asia/Shanghai',
      },
    ],
    tableAccess: COMMAND,
  },
  {
    name: 'outbox-relay',
    description: 'Publishes staff and finance notices and refund requests from the outbox to the notice topic (AWS only)',
    entry: 'functions/system/outbox-relay.handler.ts',
    stream: { filter: 'outbox', topics: RELAY_TOPICS },
    tableAccess: [],
    topics: ['notice'],
    memoryMb: 256,
    timeoutSeconds: 30,
  },
];

export const allRoutes = (): Array<{ fn: FunctionDefinition; name: string; route: RouteSpec }> =>
  manifest.flatMap((fn) => Object.entries(fn.routes ?? {}).map(([name, route]) => ({ fn, name, route })));

export const allSchedules = (): Array<{ fn: FunctionDefinition; schedule: ScheduleDefinition }> =>
  manifest.flatMap((fn) => (fn.schedules ?? []).map((schedule) => ({ fn, schedule })));
