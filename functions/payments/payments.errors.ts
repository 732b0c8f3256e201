import { BusinessRuleError, DeskError, type ErrorDetails, NotFoundError } from '../core/errors';
import { REJECT_REASONS, type RejectReason } from './payments.domain';

/** A webhook delivery whose signature, timestamp or encryption did not check out: nothing is believed. */
export class NotificationRejectedError extends DeskError {
  readonly code = 'NOTIFICATION_REJECTED';
  readonly status = 401;
  readonly reason: RejectReason;
  constructor(reason: RejectReason, details?: ErrorDetails) {
    super(`支付通知验证未通过：${REJECT_REASONS[reason]}`, { reason, ...details });
    this.reason = reason;
  }
}

export const paymentOrderNotFound = (outTradeNo: string) =>
  new NotFoundError('PAYMENT_ORDER_NOT_FOUND', `支付订单 ${outTradeNo} 不存在`, { outTradeNo });
export const onlineBookNotConfigured = (estateId: string) =>
  new BusinessRuleError('ONLINE_BOOK_NOT_CONFIGURED', `小区 ${estateId} 未配置线上支付收据本，请在订单中指定或在支付配置中设置`, {
    estateId,
  });
export const nothingToPay = () => new BusinessRuleError('NOTHING_TO_PAY', '该房号没有待缴费用，且未填写支付金额');
export const orderChargeNotOpen = (chargeId: string) =>
  new BusinessRuleError('CHARGE_NOT_OPEN', `费用 ${chargeId} 不存在或已结清，不能发起支付`, { chargeId });
export const holdNotFound = (holdId: string) =>
  new NotFoundError('PAYMENT_HOLD_NOT_FOUND', `待处理的支付通知 ${holdId} 不存在`, { holdId });
export const holdNotOpen = (holdId: string) =>
  new BusinessRuleError('PAYMENT_HOLD_CLOSED', `待处理的支付通知 ${holdId} 已处理，不能重复处理`, { holdId });
export const holdNotAssignable = (holdId: string) =>
  new BusinessRuleError('PAYMENT_HOLD_NOT_ASSIGNABLE', `${holdId} 是退款通知，不能认领到房号；请核实后标记已处理`, { holdId });
export const noticeNotFound = (provider: string, notifyId: string) =>
  new NotFoundError('PAYMENT_NOTICE_NOT_FOUND', `支付通知 ${provider}/${notifyId} 不存在`, { provider, notifyId });
