import { apiHandler, type RouteInput } from '../core/api-handler';
import { businessDate } from '../core/dates';
import type { RouteSpec } from '../core/route';
import { access, stripKeys } from '../store/keys';
import { verifyAlipay } from './alipay.domain';
import {
  assignHold,
  createPaymentOrder,
  getPaymentOrder,
  listQueue,
  type NotificationResult,
  receiveNotification,
  recordRejectedAttempt,
  replayNotification,
  resolveHold,
} from './payments.commands';
import { loadPaymentConfig } from './payments.config';
import { digestOf, type Provider, REJECT_REASONS, type Verification } from './payments.domain';
import { NotificationRejectedError } from './payments.errors';
import { paymentRoutes } from './payments.routes';
import { verifyStripe } from './stripe.domain';
import { verifyWechat } from './wechat.domain';

/** HTTP edge of payments: webhooks verify the exact raw bytes, then record/post once; staff routes parse → command. */
const SIGNATURE_HEADERS = [
  'wechatpay-serial',
  'wechatpay-timestamp',
  'wechatpay-nonce',
  'stripe-signature',
  'content-type',
  'user-agent',
];

const log = (line: Record<string, unknown>) => console.error(JSON.stringify(line));

/** Verifies, records and posts one delivery; throws NotificationRejectedError when it is not believed. */
export const handleNotification = async (
  provider: Provider,
  verify: () => Verification,
  input: Pick<RouteInput<RouteSpec>, 'rawBody' | 'headers' | 'ctx' | 'store'>,
): Promise<NotificationResult> => {
  const digest = digestOf(input.rawBody);
  const verification = verify();
  if (!verification.ok) {
    const kept = Object.fromEntries(SIGNATURE_HEADERS.filter((h) => input.headers[h]).map((h) => [h, String(input.headers[h])]));
    try {
      await recordRejectedAttempt(input.store, input.ctx, provider, verification.reason, input.rawBody, digest, kept);
    } catch (error) {
      log({ level: 'error', message: 'could not record rejected payment notification', provider, error: String(error) });
    }
    log({ level: 'warn', message: 'payment notification rejected', provider, reason: verification.reason, digest });
    throw new NotificationRejectedError(verification.reason, { provider, digest });
  }
  return (await receiveNotification(input.store, input.ctx, verification.notification, input.rawBody, digest)).result;
};

const failureOf = (error: unknown) => {
  if (error instanceof NotificationRejectedError) return { status: 401, message: REJECT_REASONS[error.reason], code: error.code };
  log({ level: 'error', message: 'payment notification failed', error: error instanceof Error ? error.stack : String(error) });
  return { status: 500, message: '系统繁忙，请稍后重试', code: 'INTERNAL' };
};

export const handler = apiHandler(paymentRoutes, {
  wechatNotify: async (input) => {
    try {
      const config = await loadPaymentConfig();
      const h = input.headers;
      await handleNotification(
        'wechat',
        () =>
          verifyWechat(
            config.wechat,
            {
              signature: h['wechatpay-signature'],
              timestamp: h['wechatpay-timestamp'],
              nonce: h['wechatpay-nonce'],
              serial: h['wechatpay-serial'],
            },
            input.rawBody,
            input.ctx.now,
          ),
        input,
      );
      return { status: 200, body: { code: 'SUCCESS', message: '成功' } };
    } catch (error) {
      const failure = failureOf(error);
      return { status: failure.status, body: { code: 'FAIL', message: failure.message } };
    }
  },
  alipayNotify: async (input) => {
    try {
      const config = await loadPaymentConfig();
      await handleNotification('alipay', () => verifyAlipay(config.alipay, input.rawBody), input);
      return { body: 'success', rawResponse: 'success' };
    } catch (error) {
      const failure = failureOf(error);
      return { status: failure.status === 401 ? 400 : failure.status, body: 'fail', rawResponse: 'fail' };
    }
  },
  stripeWebhook: async (input) => {
    try {
      const config = await loadPaymentConfig();
      const result = await handleNotification(
        'stripe',
        () => verifyStripe(config.stripe, input.headers['stripe-signature'], input.rawBody, input.ctx.now),
        input,
      );
      return { status: 200, body: { received: true, verdict: result.verdict } };
    } catch (error) {
      const failure = failureOf(error);
      return {
        status: failure.status === 401 ? 400 : failure.status,
        body: { error: { code: failure.code, message: failure.message } },
      };
    }
  },
  createPaymentOrder: async ({ params, body, ctx, store }) => ({
    body: (await createPaymentOrder(store, ctx, params.estateId, params.unitCode, body, await loadPaymentConfig())).result,
  }),
  getPaymentOrder: async ({ params, store }) => ({ body: await getPaymentOrder(store, params.outTradeNo) }),
  listPaymentQueue: async ({ store }) => ({ body: { items: await listQueue(store) } }),
  assignHeldPayment: async ({ params, body, ctx, store }) => ({
    body: (await assignHold(store, ctx, params.holdId, body)).result as never,
  }),
  resolveHeldPayment: async ({ params, body, ctx, store }) => ({
    body: (await resolveHold(store, ctx, params.holdId, body.note)).result as never,
  }),
  replayNotification: async ({ params, ctx, store }) => ({
    body: (await replayNotification(store, ctx, params.provider, params.notifyId)).result as never,
  }),
  listRejectedAttempts: async ({ query, ctx, store }) => ({
    body: {
      items: (await access.listPaymentAttempts(store, query.date ?? businessDate(ctx.now))).map((item) => stripKeys(item)),
    },
  }),
});
