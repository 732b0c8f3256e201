import { AlreadyExistsError, BusinessRuleError, ForbiddenError, NotFoundError } from '../core/errors';
import { formatFen } from '../core/money';
import {
  DEPOSIT_PAYERS,
  type DepositPayer,
  DOCUMENTS,
  type DocumentCode,
  PERMIT_STATUSES,
  type PermitStatus,
  type RefundProblem,
  type TermProblem,
} from './renovation.domain';

export const permitNotFound = (permitId: string) =>
  new NotFoundError('RENOVATION_NOT_FOUND', `装修备案 ${permitId} 不存在`, { permitId });
export const permitAlreadyActive = (unitCode: string, permitId: string) =>
  new AlreadyExistsError('RENOVATION_ALREADY_ACTIVE', `房号 ${unitCode} 已有未办结的装修备案登记证，同一房屋只能有一个有效备案`, {
    unitCode,
    permitId,
  });
export const wrongStatus = (status: PermitStatus, action: string) =>
  new BusinessRuleError('RENOVATION_WRONG_STATUS', `装修备案当前状态为「${PERMIT_STATUSES[status]}」，不能办理此项`, {
    status,
    action,
  });
export const unitCannotRenovate = (unitCode: string, status: string) =>
  new BusinessRuleError('UNIT_CANNOT_RENOVATE', `房号 ${unitCode} 当前状态不能办理装修（须已交房）`, { unitCode, status });
export const noOwnerOnUnit = (unitCode: string) =>
  new BusinessRuleError('NO_OWNER', `房号 ${unitCode} 未登记业主，请先在房号中登记业主信息`, { unitCode });

export const termProblem = (problem: TermProblem, what: '装修期限' | '延期') => {
  if (problem.problem === 'ends_before_start')
    return new BusinessRuleError('TERM_INVALID', `${what}的结束日期早于开始日期`, { ...problem });
  if (problem.problem === 'not_after_current')
    return new BusinessRuleError('EXTENSION_NOT_LATER', `延期后的日期须晚于现有期限 ${problem.current}`, { ...problem });
  return what === '延期'
    ? new BusinessRuleError('EXTENSION_TOO_LONG', `每次延期最长不超过三个月，最晚可延至 ${problem.latest}`, { ...problem })
    : new BusinessRuleError('TERM_TOO_LONG', `装修备案期限最长不得超过三个月，最晚至 ${problem.latest}`, { ...problem });
};

export const documentNotRequired = (code: DocumentCode) =>
  new BusinessRuleError('DOCUMENT_NOT_REQUIRED', `本次装修不需要「${DOCUMENTS[code].label}」`, { code });
export const documentNotDeclarable = (code: DocumentCode) =>
  new BusinessRuleError('DOCUMENT_NOT_DECLARABLE', `「${DOCUMENTS[code].label}」不是装修单位资料，不能以业主《装修声明》代替`, {
    code,
  });
export const documentsMissing = (missing: DocumentCode[]) =>
  new BusinessRuleError('DOCUMENTS_MISSING', `缺少装修资料：${missing.map((m) => DOCUMENTS[m].label).join('、')}`, {
    missing,
  });
export const returnNeedsReasons = () => new BusinessRuleError('RETURN_NEEDS_REASONS', '退回装修备案须写明原因');

export const feeItemNotConfigured = (itemCode: string, what: string) =>
  new BusinessRuleError('RENOVATION_FEE_ITEM_MISSING', `收费标准中没有「${what}」项目（${itemCode}），请先在收费标准中设置`, {
    itemCode,
  });
export const feeItemWrongCategory = (itemCode: string, expected: string) =>
  new BusinessRuleError('RENOVATION_FEE_ITEM_CATEGORY', `收费项目 ${itemCode} 的类别应为「${expected}」`, { itemCode });
export const depositNotInPlan = (payer: DepositPayer) =>
  new BusinessRuleError('DEPOSIT_NOT_DUE', `本次装修不向${DEPOSIT_PAYERS[payer]}收取保证金（业主自装由业主交2000元）`, { payer });
export const depositAlreadyPaid = (payer: DepositPayer) =>
  new AlreadyExistsError('DEPOSIT_ALREADY_PAID', `${DEPOSIT_PAYERS[payer]}的装修保证金已收取`, { payer });
export const depositAmountMismatch = (payer: DepositPayer, expectedFen: number, gotFen: number) =>
  new BusinessRuleError(
    'DEPOSIT_AMOUNT_MISMATCH',
    `${DEPOSIT_PAYERS[payer]}应交装修保证金 ${formatFen(expectedFen)}，收款金额 ${formatFen(gotFen)} 不符`,
    { payer, expectedFen, gotFen },
  );
export const taxNotCollected = () =>
  new BusinessRuleError('RENOVATION_TAX_NOT_COLLECTED', '本小区不代收装修税（收费标准中无代收装修税项目）');
export const taxAlreadyPaid = () => new AlreadyExistsError('RENOVATION_TAX_ALREADY_PAID', '装修税已代收');

export const passNotFound = (passNo: string) =>
  new NotFoundError('PASS_NOT_FOUND', `临时出入卡 ${passNo} 不属于本装修备案`, { passNo });
export const passAlreadyReturned = (passNo: string) =>
  new AlreadyExistsError('PASS_ALREADY_RETURNED', `临时出入卡 ${passNo} 已退还`, { passNo });
export const passesNotPresented = (passNos: string[]) =>
  new BusinessRuleError('PASSES_NOT_PRESENTED', `办理延期须出示全部未退还的临时出入卡：${passNos.join('、')}`, { passNos });

const refundMessage = (p: RefundProblem): string => {
  switch (p.problem) {
    case 'not_inspected':
      return '装修尚未验收合格';
    case 'before_due':
      return `验收合格后满7个工作日方可退还，最早 ${p.dueDate}`;
    case 'tax_unpaid':
      return '装修税尚未缴纳';
    case 'documents_missing':
      return `资料未补齐：${p.missing.map((m) => DOCUMENTS[m].label).join('、')}`;
    case 'passes_outstanding':
      return `临时出入卡未退还：${p.passNos.join('、')}`;
    case 'pass_count_mismatch':
      return `临时出入卡数量不符：发出 ${p.issued} 张，点收 ${p.counted} 张`;
    case 'originals_missing':
      return `须出示${p.what.map((w) => (w === 'receipt' ? '保证金收据原件（红联）' : '《装修备案登记证》原件')).join('和')}`;
    case 'no_deposit':
      return '未收取装修保证金';
    case 'deduction_too_large':
      return `${DEPOSIT_PAYERS[p.payer]}的扣款超过其保证金 ${formatFen(p.heldFen)}`;
  }
};

export const refundRefused = (problems: RefundProblem[]) =>
  new BusinessRuleError(
    problems[0]?.problem === 'before_due' && problems.length === 1 ? 'REFUND_NOT_DUE' : 'REFUND_REFUSED',
    `不能退装修保证金：${problems.map(refundMessage).join('；')}`,
    { problems },
  );
export const refundNeedsHead = () => new ForbiddenError('退装修保证金须服务中心负责人审批');
