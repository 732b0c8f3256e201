import { z } from 'zod';
import { ANY_STAFF } from '../core/roles';
import { defineRoutes, type RouteSpec } from '../core/route';
import { UnitLedgerParams } from '../fees/fees.schema';
import {
  AssignHoldBody,
  AttemptsQuery,
  CreatePaymentOrderBody,
  HoldParams,
  NoticeParams,
  NotificationReply,
  OrderView,
  OutTradeNoParams,
  ResolveHoldBody,
} from './payments.schema';

const TAG = ['线上支付'];
const POSTERS = ['front_desk', 'cashier', 'centre_head'] as const;
const FINANCE = ['cashier', 'centre_head', 'admin'] as const;
const AnyRecord = z.record(z.string(), z.unknown());

const staffRoute = <const R extends Omit<RouteSpec, 'auth' | 'tags'>>(route: R) => ({
  ...route,
  auth: 'staff' as const,
  tags: TAG,
});
const webhookRoute = <const R extends Omit<RouteSpec, 'auth' | 'tags' | 'successStatus'>>(route: R) => ({
  ...route,
  auth: 'webhook' as const,
  tags: TAG,
  successStatus: 200 as const,
});

/** Payments from providers: the three webhooks (signature-authenticated) and the staff side. */
export const paymentRoutes = defineRoutes({
  wechatNotify: webhookRoute({
    operationId: 'wechatPayNotify',
    method: 'POST',
    path: '/payments/wechat/notify',
    summary: '微信支付 APIv3 支付/退款结果通知（验签 + 解密；成功 200，失败 4xx/5xx {"code":"FAIL"}）',
    rawBodyContentTypes: ['application/json'],
    response: NotificationReply,
  }),
  alipayNotify: webhookRoute({
    operationId: 'alipayNotify',
    method: 'POST',
    path: '/payments/alipay/notify',
    summary: '支付宝异步通知（RSA2 验签；应答纯文本 success / fail）',
    rawBodyContentTypes: ['application/x-www-form-urlencoded'],
    response: NotificationReply,
  }),
  stripeWebhook: webhookRoute({
    operationId: 'stripeWebhook',
    method: 'POST',
    path: '/payments/stripe/webhook',
    summary: 'Stripe webhook（Stripe-Signature HMAC-SHA256 验签）',
    rawBodyContentTypes: ['application/json'],
    response: NotificationReply,
  }),
  createPaymentOrder: staffRoute({
    operationId: 'createPaymentOrder',
    method: 'POST',
    path: '/estates/{estateId}/units/{unitCode}/payment-orders',
    summary: '为房号的待缴费用创建线上支付订单（商户订单号、金额、有效期）',
    roles: POSTERS,
    params: UnitLedgerParams,
    body: CreatePaymentOrderBody,
    response: OrderView,
    successStatus: 201,
    idempotent: true,
  }),
  getPaymentOrder: staffRoute({
    operationId: 'getPaymentOrder',
    method: 'GET',
    path: '/payment-orders/{outTradeNo}',
    summary: '支付订单及其支付、退款情况',
    roles: ANY_STAFF,
    params: OutTradeNoParams,
    response: OrderView,
    successStatus: 200,
  }),
  listPaymentQueue: staffRoute({
    operationId: 'listPaymentQueue',
    method: 'GET',
    path: '/payment-queue',
    summary: '待认领/待处理的线上支付（未匹配、金额不符、重复支付、超额退款…）',
    roles: ANY_STAFF,
    response: z.object({ items: z.array(AnyRecord) }),
    successStatus: 200,
  }),
  assignHeldPayment: staffRoute({
    operationId: 'assignHeldPayment',
    method: 'POST',
    path: '/payment-queue/{holdId}/assign',
    summary: '认领：把待处理的线上收款入账到房号并开具收据',
    roles: POSTERS,
    params: HoldParams,
    body: AssignHoldBody,
    response: AnyRecord,
    successStatus: 200,
    idempotent: true,
  }),
  resolveHeldPayment: staffRoute({
    operationId: 'resolveHeldPayment',
    method: 'POST',
    path: '/payment-queue/{holdId}/resolve',
    summary: '标记已处理（如重复支付已在渠道退款），写明说明',
    roles: FINANCE,
    params: HoldParams,
    body: ResolveHoldBody,
    response: AnyRecord,
    successStatus: 200,
    idempotent: true,
  }),
  replayNotification: staffRoute({
    operationId: 'replayPaymentNotification',
    method: 'POST',
    path: '/payment-notices/{provider}/{notifyId}/replay',
    summary: '重放已存储的支付通知（如补充收据本后重新入账；不会重复入账）',
    roles: FINANCE,
    params: NoticeParams,
    response: AnyRecord,
    successStatus: 200,
    idempotent: true,
  }),
  listRejectedAttempts: staffRoute({
    operationId: 'listRejectedPaymentAttempts',
    method: 'GET',
    path: '/payment-attempts',
    summary: '某日验证未通过的支付通知（伪造、过期、被篡改）',
    roles: FINANCE,
    query: AttemptsQuery,
    response: z.object({ items: z.array(AnyRecord) }),
    successStatus: 200,
  }),
});
