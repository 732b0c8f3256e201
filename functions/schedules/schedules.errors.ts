import { BusinessRuleError, DeskError, NotFoundError } from '../core/errors';

/** Named errors of the schedules (billing, direct debit, reminders): stable code, Chinese message. */
export const debitBatchNotFound = (estateId: string, month: string) =>
  new NotFoundError('DEBIT_BATCH_NOT_FOUND', `${month} 月尚未生成银行托收批次`, { estateId, month });
export const debitResultUnreadable = (reason: string) =>
  new BusinessRuleError('DEBIT_RESULT_UNREADABLE', `银行回盘文件无法识别：${reason}`, { reason });
export const debitRowMismatch = (seq: number, reason: string) =>
  new BusinessRuleError('DEBIT_ROW_MISMATCH', `回盘第 ${seq} 行与托收批次不符：${reason}`, { seq, reason });
export const billingInterrupted = (unitCode: string) =>
  new BusinessRuleError('BILLING_INTERRUPTED', `月度计费在房号 ${unitCode} 处中断，重新运行将从中断处继续`, { unitCode });

/**
 * Another runner holds the lease of this billing run (same estate and month): this one does no work. If that
 * runner died, its lease expires at `leaseUntil` and the next trigger resumes from the saved cursor.
 */
export class BillingRunInProgressError extends DeskError {
  readonly code = 'BILLING_RUN_IN_PROGRESS';
  readonly status = 409;
  constructor(runId: string, leaseUntil: string | undefined) {
    super(
      `月度计费 ${runId} 正由另一个任务运行${leaseUntil ? `（租约至 ${leaseUntil}）` : ''}，本次不重复计费；若该任务已中断，租约到期后重新运行将从中断处继续`,
      { runId, leaseUntil },
    );
  }
}

/** This runner's lease ran out and another runner took the run over: it stops without saving its cursor. */
export class BillingLeaseLostError extends DeskError {
  readonly code = 'BILLING_LEASE_LOST';
  readonly status = 409;
  constructor(runId: string) {
    super(`月度计费 ${runId} 的运行租约已过期并被另一个任务接管，本任务停止`, { runId });
  }
}
