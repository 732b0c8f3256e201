import { BusinessRuleError, NotFoundError } from '../core/errors';

/** Named errors of the schedules (billing, direct debit, reminders): stable code, Chinese message. */
export const debitBatchNotFound = (estateId: string, month: string) =>
  new NotFoundError('DEBIT_BATCH_NOT_FOUND', `${month} 月尚未生成银行托收批次`, { estateId, month });
export const debitResultUnreadable = (reason: string) =>
  new BusinessRuleError('DEBIT_RESULT_UNREADABLE', `银行回盘文件无法识别：${reason}`, { reason });
export const debitRowMismatch = (seq: number, reason: string) =>
  new BusinessRuleError('DEBIT_ROW_MISMATCH', `回盘第 ${seq} 行与托收批次不符：${reason}`, { seq, reason });
export const billingInterrupted = (unitCode: string) =>
  new BusinessRuleError('BILLING_INTERRUPTED', `月度计费在房号 ${unitCode} 处中断，重新运行将从中断处继续`, { unitCode });
