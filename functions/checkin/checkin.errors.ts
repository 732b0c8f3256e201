import { AlreadyExistsError, BusinessRuleError, NotFoundError } from '../core/errors';
import { formatFen } from '../core/money';
import { DOCUMENTS, type DocumentCode, STEP_LABELS, type StepName } from './checkin.domain';

export const caseNotFound = (caseId: string) => new NotFoundError('CASE_NOT_FOUND', `入伙办理单 ${caseId} 不存在`, { caseId });
export const caseAlreadyOpen = (unitCode: string) =>
  new AlreadyExistsError('CASE_ALREADY_OPEN', `房号 ${unitCode} 已有未归档的入伙办理单，请先办结`, { unitCode });
export const caseClosed = (caseId: string) => new BusinessRuleError('CASE_CLOSED', `入伙办理单 ${caseId} 已归档`, { caseId });
export const stepNotInCase = (step: StepName) =>
  new BusinessRuleError('STEP_NOT_IN_CASE', `此类办理不包含步骤「${STEP_LABELS[step]}」`, { step });
export const stepAlreadyDone = (step: StepName) =>
  new AlreadyExistsError('STEP_ALREADY_DONE', `步骤「${STEP_LABELS[step]}」已由他人办结`, { step });
export const stepOutOfOrder = (step: StepName, missing: StepName[]) =>
  new BusinessRuleError(
    'STEP_OUT_OF_ORDER',
    `请先完成：${missing.map((m) => STEP_LABELS[m]).join('、')}，再办理「${STEP_LABELS[step]}」`,
    {
      step,
      missing,
    },
  );
export const stepNeedsOwnCommand = (step: StepName) =>
  new BusinessRuleError('STEP_HAS_OWN_ROUTE', `步骤「${STEP_LABELS[step]}」请通过其专门的办理接口完成`, { step });
export const documentsMissing = (missing: DocumentCode[]) =>
  new BusinessRuleError('DOCUMENTS_MISSING', `缺少资料：${missing.map((m) => DOCUMENTS[m]).join('、')}`, { missing });
export const documentNotRequired = (code: DocumentCode) =>
  new BusinessRuleError('DOCUMENT_NOT_REQUIRED', `本次办理不需要「${DOCUMENTS[code]}」`, { code });
export const compensationNotApproved = () =>
  new BusinessRuleError('COMPENSATION_NOT_APPROVED', '延期交房补偿金额须在财务结算步骤中登记核准金额');
export const lateHandoverNotRecorded = () =>
  new BusinessRuleError('LATE_HANDOVER_NOT_RECORDED', '本单未登记延期交房补偿协议，不能登记补偿金额');
export const paymentMismatch = (expected: number, got: number) =>
  new BusinessRuleError('PAYMENT_MISMATCH', `本次应缴 ${formatFen(expected)}，收款金额 ${formatFen(got)} 不符`, {
    expectedFen: expected,
    gotFen: got,
  });
export const voucherRequired = () => new BusinessRuleError('VOUCHER_REQUIRED', '有应缴金额时须指定收据或发票本');
export const keysBeforePayment = () =>
  new BusinessRuleError('KEYS_BEFORE_PAYMENT', '物业费用未结清，不能发放钥匙和门禁卡', { step: 'fees' });
export const transferBlockedByArrears = (
  lines: Array<{ itemName: string; period: string; outstandingFen: number }>,
  totalFen: number,
) =>
  new BusinessRuleError(
    'TRANSFER_BLOCKED_BY_ARREARS',
    `原业主尚有欠费 ${formatFen(totalFen)}，须结清后方可办理转让入住：${lines.map((l) => `${l.itemName} ${l.period} ${formatFen(l.outstandingFen)}`).join('；')}`,
    { totalFen, lines },
  );
export const defectNotFound = (defectId: string) =>
  new NotFoundError('DEFECT_NOT_FOUND', `整改记录 ${defectId} 不存在`, { defectId });
export const defectClosed = (defectId: string) =>
  new AlreadyExistsError('DEFECT_ALREADY_CLOSED', `整改记录 ${defectId} 已关闭`, { defectId });
export const unitAlreadyReceived = (unitCode: string) =>
  new BusinessRuleError('UNIT_ALREADY_RECEIVED', `房号 ${unitCode} 已交房，新房入伙不能重复办理；转让请选择“转让房新业主入住”`, {
    unitCode,
  });
export const unitNotReceived = (unitCode: string) =>
  new BusinessRuleError('UNIT_NOT_RECEIVED', `房号 ${unitCode} 尚未交房，不能办理转让入住`, { unitCode });
export const noOwnerOnUnit = (unitCode: string) =>
  new BusinessRuleError('NO_OWNER', `房号 ${unitCode} 未登记业主，请先在房号中登记业主信息`, { unitCode });
