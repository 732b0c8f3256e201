import { AlreadyExistsError, BusinessRuleError, ForbiddenError, NotFoundError } from '../core/errors';
import { formatFen } from '../core/money';

export const feeItemUnknown = (code: string) =>
  new BusinessRuleError('FEE_ITEM_UNKNOWN', `收费项目 ${code} 不在本小区收费标准中`, { itemCode: code });
export const feeVersionExists = (code: string, from: string) =>
  new AlreadyExistsError('FEE_VERSION_EXISTS', `收费项目 ${code} 已有自 ${from} 起执行的标准；调整标准请新增另一生效日期`, {
    itemCode: code,
    effectiveFrom: from,
  });
export const noRateForPeriod = (code: string, date: string) =>
  new BusinessRuleError('NO_RATE_FOR_PERIOD', `收费项目 ${code} 在 ${date} 尚无生效的收费标准`, { itemCode: code, date });
export const periodTooFarAhead = (label: string, limit: string) =>
  new BusinessRuleError('PERIOD_TOO_FAR_AHEAD', `计费期间 ${label} 超出可预收范围（最晚到 ${limit}）`, { period: label, limit });
export const chargeInputMissing = (what: string) => new BusinessRuleError('CHARGE_INPUT_MISSING', `该收费项目需要填写${what}`);
export const chargeNotOpen = (chargeId: string) =>
  new BusinessRuleError('CHARGE_NOT_OPEN', `费用 ${chargeId} 不存在或已结清，不能指定冲抵`, { chargeId });
export const bookNotFound = (bookId: string) => new NotFoundError('BOOK_NOT_FOUND', `票据本 ${bookId} 不存在`, { bookId });
export const bookExists = (bookId: string) => new AlreadyExistsError('BOOK_EXISTS', `票据本 ${bookId} 已存在`, { bookId });
export const bookClosed = (bookId: string) =>
  new BusinessRuleError('BOOK_CLOSED', `票据本 ${bookId} 已停用，不能再开票`, { bookId });
export const bookExhausted = (bookId: string, last: number) =>
  new BusinessRuleError('BOOK_EXHAUSTED', `票据本 ${bookId} 已用完（最后一号 ${last}），请领用新票据本`, { bookId });
export const bookKindMismatch = (bookId: string, expected: string) =>
  new BusinessRuleError('BOOK_KIND_MISMATCH', `票据本 ${bookId} 不是${expected}本`, { bookId });
export const notBookHolder = (bookId: string) => new ForbiddenError(`票据本 ${bookId} 未领用给您，不能用它开票`, { bookId });
export const invoiceDateBackwards = (bookId: string, lastDate: string, date: string) =>
  new BusinessRuleError('INVOICE_DATE_BACKWARDS', `发票日期 ${date} 早于本票据本上一张发票的日期 ${lastDate}，开票日期不能倒开`, {
    bookId,
    lastDate,
    date,
  });
export const voucherNotFound = (voucherNo: string) =>
  new NotFoundError('VOUCHER_NOT_FOUND', `票据 ${voucherNo} 不存在`, { voucherNo });
export const voucherAlreadyVoid = (voucherNo: string) =>
  new AlreadyExistsError('VOUCHER_ALREADY_VOID', `票据 ${voucherNo} 已作废，不能重复作废`, { voucherNo });
export const voucherExchanged = (voucherNo: string, invoiceNo: string) =>
  new BusinessRuleError('VOUCHER_EXCHANGED', `收据 ${voucherNo} 已换开发票 ${invoiceNo}，不能作废或再次换开`, {
    voucherNo,
    invoiceNo,
  });
export const notAReceipt = (voucherNo: string) =>
  new BusinessRuleError('NOT_A_RECEIPT', `票据 ${voucherNo} 不是收据，只有收据可以换开发票`, { voucherNo });
export const voucherVoided = (voucherNo: string) =>
  new BusinessRuleError('VOUCHER_VOIDED', `票据 ${voucherNo} 已作废`, { voucherNo });
export const correctsNotVoid = (voucherNo: string) =>
  new BusinessRuleError('CORRECTS_NOT_VOID', `被更正的票据 ${voucherNo} 尚未作废，请先作废再开具更正票据`, { voucherNo });
export const insufficientCredit = (credit: number) =>
  new BusinessRuleError('INSUFFICIENT_CREDIT', `预收余额不足，当前余额 ${formatFen(credit)}`, { creditFen: credit });
export const insufficientHeld = (held: number) =>
  new BusinessRuleError('INSUFFICIENT_DEPOSIT', `押金余额不足，当前押金 ${formatFen(held)}`, { heldFen: held });
export const refundNotFound = (id: string) => new NotFoundError('REFUND_NOT_FOUND', `退款申请 ${id} 不存在`, { refundId: id });
export const refundDecided = (id: string) =>
  new AlreadyExistsError('REFUND_ALREADY_DECIDED', `退款申请 ${id} 已审批，不能重复审批`, { refundId: id });
export const dayClosed = (date: string) =>
  new BusinessRuleError('DAY_CLOSED', `${date} 的复印费日记账已日结，不能再登记`, { date });
export const dayEmpty = (date: string) => new BusinessRuleError('DAY_EMPTY', `${date} 没有复印费记录，无需日结`, { date });
export const notALateFee = (chargeId: string) =>
  new BusinessRuleError('NOT_A_LATE_FEE', `费用 ${chargeId} 不是滞纳金，只有滞纳金可以减免`, { chargeId });
export const lateFeeDisabled = () => new BusinessRuleError('LATE_FEE_DISABLED', '本小区未启用滞纳金规则');
