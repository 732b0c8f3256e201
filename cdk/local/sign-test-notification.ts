import { createCipheriv, createHmac, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Signed test notifications for the three payment webhooks, made exactly as each provider makes them.
 * Used by the tests (keys generated per test run) and from the command line against the local target:
 *
 *   npx tsx cdk/local/sign-test-notification.ts init                      # test keys + DATA_DIR/payments.secrets.json
 *   npx tsx cdk/local/sign-test-notification.ts wechat PD01… 67125        # prints a curl command
 *   npx tsx cdk/local/sign-test-notification.ts alipay PD01… 671.25
 *   npx tsx cdk/local/sign-test-notification.ts stripe PD01… 67125
 *
 * The private keys live only in DATA_DIR/payments.test-keys.json (git-ignored); the app reads only the
 * public halves and secrets from payments.secrets.json.
 */

// ---------------------------------------------------------------- WeChat Pay API v3

export const encryptWechatResource = (apiV3Key: string, plaintext: string, associatedData = 'transaction', nonce?: string) => {
  const iv = nonce ?? randomBytes(6).toString('hex'); // 12 ASCII bytes
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(iv, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), associated_data: associatedData, nonce: iv };
};

export interface WechatSigning {
  privateKey: KeyObject | string;
  serial: string;
  apiV3Key: string;
  eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | string;
  resource: Record<string, unknown>;
  id?: string;
  timestamp?: number;
  nonce?: string;
}

export const signWechat = (input: WechatSigning) => {
  const associated = input.eventType.startsWith('REFUND') ? 'refund' : 'transaction';
  const body = JSON.stringify({
    id: input.id ?? randomUUID(),
    create_time: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: input.eventType.startsWith('REFUND') ? '退款成功' : '支付成功',
    resource: { original_type: associated, ...encryptWechatResource(input.apiV3Key, JSON.stringify(input.resource), associated) },
  });
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), input.privateKey).toString('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-serial': input.serial,
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
  };
};

export const wechatTransaction = (o: {
  mchid: string;
  appid: string;
  outTradeNo: string;
  transactionId: string;
  totalFen: number;
}) => ({
  appid: o.appid,
  mchid: o.mchid,
  out_trade_no: o.outTradeNo,
  transaction_id: o.transactionId,
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  success_time: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
  payer: { openid: 'oTestOpenId' },
  amount: { total: o.totalFen, payer_total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' },
});

export const wechatRefund = (o: {
  mchid: string;
  outTradeNo: string;
  transactionId: string;
  refundId: string;
  totalFen: number;
  refundFen: number;
}) => ({
  mchid: o.mchid,
  out_trade_no: o.outTradeNo,
  transaction_id: o.transactionId,
  out_refund_no: `R${o.refundId}`,
  refund_id: o.refundId,
  refund_status: 'SUCCESS',
  success_time: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
  user_received_account: '支付用户零钱',
  amount: { total: o.totalFen, refund: o.refundFen, payer_total: o.totalFen, payer_refund: o.refundFen },
});

// ---------------------------------------------------------------- Alipay

export const alipayContent = (params: Record<string, string>) =>
  Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');

/** A form body as Alipay posts it: every value URL-encoded, RSA2 signature over the decoded sorted pairs. */
export const signAlipay = (privateKey: KeyObject | string, params: Record<string, string>) => {
  const all = { ...params, sign_type: 'RSA2' };
  const signature = sign('sha256', Buffer.from(alipayContent(all), 'utf8'), privateKey).toString('base64');
  const body = Object.entries({ ...all, sign: signature })
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
};

const beijing = (date = new Date()) => new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

export const alipayPaid = (o: {
  appId: string;
  sellerId: string;
  outTradeNo: string;
  tradeNo: string;
  totalAmount: string;
  status?: 'TRADE_SUCCESS' | 'TRADE_FINISHED';
  notifyId?: string;
}) => ({
  notify_time: beijing(),
  notify_type: 'trade_status_sync',
  notify_id: o.notifyId ?? randomBytes(16).toString('hex'),
  app_id: o.appId,
  charset: 'utf-8',
  version: '1.0',
  trade_no: o.tradeNo,
  out_trade_no: o.outTradeNo,
  buyer_id: '2088102116773037',
  seller_id: o.sellerId,
  trade_status: o.status ?? 'TRADE_SUCCESS',
  total_amount: o.totalAmount,
  receipt_amount: o.totalAmount,
  subject: '物业服务费 绿湖苑',
  body: '物业费 & 停车费 = 合计',
  gmt_create: beijing(),
  gmt_payment: beijing(),
});

export const alipayRefunded = (o: {
  appId: string;
  sellerId: string;
  outTradeNo: string;
  tradeNo: string;
  totalAmount: string;
  refundFee: string;
  outBizNo: string;
  status?: 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  notifyId?: string;
}) => ({
  ...alipayPaid({ ...o, status: 'TRADE_SUCCESS' }),
  trade_status: o.status ?? 'TRADE_SUCCESS',
  refund_fee: o.refundFee,
  out_biz_no: o.outBizNo,
  gmt_refund: `${beijing()}.000`,
});

// ---------------------------------------------------------------- Stripe

export const signStripe = (secret: string, event: Record<string, unknown>, timestamp = Math.floor(Date.now() / 1000)) => {
  const body = JSON.stringify(event);
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${timestamp},v1=${v1}` } };
};

export const stripeSucceeded = (o: {
  outTradeNo: string;
  paymentIntent: string;
  amountFen: number;
  currency?: string;
  eventId?: string;
}) => ({
  id: o.eventId ?? `evt_${randomBytes(12).toString('hex')}`,
  object: 'event',
  api_version: '2024-06-20',
  created: Math.floor(Date.now() / 1000),
  type: 'payment_intent.succeeded',
  livemode: false,
  data: {
    object: {
      id: o.paymentIntent,
      object: 'payment_intent',
      amount: o.amountFen,
      amount_received: o.amountFen,
      currency: o.currency ?? 'cny',
      status: 'succeeded',
      metadata: { out_trade_no: o.outTradeNo },
    },
  },
});

export const stripeRefunded = (o: {
  outTradeNo?: string;
  paymentIntent: string;
  amountFen: number;
  refundedFen: number;
  eventId?: string;
}) => ({
  id: o.eventId ?? `evt_${randomBytes(12).toString('hex')}`,
  object: 'event',
  created: Math.floor(Date.now() / 1000),
  type: 'charge.refunded',
  data: {
    object: {
      id: `ch_${o.paymentIntent.slice(3)}`,
      object: 'charge',
      payment_intent: o.paymentIntent,
      amount: o.amountFen,
      amount_refunded: o.refundedFen,
      currency: 'cny',
      refunded: o.refundedFen === o.amountFen,
      metadata: o.outTradeNo ? { out_trade_no: o.outTradeNo } : {},
    },
  },
});

// ---------------------------------------------------------------- test keys and configuration

export interface TestKeys {
  wechat: { serial: string; mchid: string; appid: string; apiV3Key: string; privateKey: string; publicKey: string };
  alipay: { appId: string; sellerId: string; privateKey: string; publicKey: string };
  stripe: { secret: string };
}

export const generateTestKeys = (): TestKeys => {
  const pair = () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  };
  return {
    wechat: {
      serial: `PUB_KEY_ID_${randomBytes(8).toString('hex').toUpperCase()}`,
      mchid: '1900000109',
      appid: 'wxd678efh567hg6787',
      apiV3Key: randomBytes(16).toString('hex'),
      ...pair(),
    },
    alipay: { appId: '2021000000000001', sellerId: '2088000000000001', ...pair() },
    stripe: { secret: `whsec_${randomBytes(24).toString('base64url')}` },
  };
};

/** The app's configuration for these keys: public halves and shared secrets only. */
export const configFor = (keys: TestKeys, receiptBooks: Record<string, string> = {}) => ({
  wechat: {
    mchid: keys.wechat.mchid,
    appid: keys.wechat.appid,
    apiV3Key: keys.wechat.apiV3Key,
    platformKeys: { [keys.wechat.serial]: keys.wechat.publicKey },
  },
  alipay: { appId: keys.alipay.appId, sellerId: keys.alipay.sellerId, alipayPublicKey: keys.alipay.publicKey },
  stripe: { endpointSecrets: [keys.stripe.secret] },
  receiptBooks,
});

// ---------------------------------------------------------------- command line

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

const curl = (url: string, signed: { body: string; headers: Record<string, string> }) =>
  [
    `curl -sS -X POST ${shellQuote(url)}`,
    ...Object.entries(signed.headers).map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)}`),
    `  --data-binary ${shellQuote(signed.body)}`,
  ].join(' \\\n');

const main = async (args: string[]) => {
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const keysFile = join(dataDir, 'payments.test-keys.json');
  const base = process.env.DESK_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  const [command, outTradeNo = '', amount = ''] = args;
  if (command === 'init') {
    const keys = generateTestKeys();
    const books = Object.fromEntries(
      (process.env.RECEIPT_BOOKS ?? 'lhy=W1').split(',').map((pair) => pair.split('=') as [string, string]),
    );
    await mkdir(dataDir, { recursive: true });
    await writeFile(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
    await writeFile(join(dataDir, 'payments.secrets.json'), JSON.stringify(configFor(keys, books), null, 2), { mode: 0o600 });
    console.log(`test keys: ${keysFile}\nconfiguration: ${join(dataDir, 'payments.secrets.json')}`);
    return;
  }
  if (!['wechat', 'alipay', 'stripe'].includes(command ?? '') || !outTradeNo || !amount) {
    console.error(
      'usage: sign-test-notification.ts init | wechat|alipay|stripe <out_trade_no> <amount: fen (wechat/stripe) or yuan (alipay)>',
    );
    process.exit(2);
  }
  const keys = JSON.parse(await readFile(keysFile, 'utf8')) as TestKeys;
  const tradeNo = `${Date.now()}${randomBytes(3).toString('hex')}`;
  if (command === 'wechat') {
    const signed = signWechat({
      privateKey: keys.wechat.privateKey,
      serial: keys.wechat.serial,
      apiV3Key: keys.wechat.apiV3Key,
      eventType: 'TRANSACTION.SUCCESS',
      resource: wechatTransaction({ ...keys.wechat, outTradeNo, transactionId: `4200${tradeNo}`, totalFen: Number(amount) }),
    });
    console.log(curl(`${base}/payments/wechat/notify`, signed));
  } else if (command === 'alipay') {
    const signed = signAlipay(
      keys.alipay.privateKey,
      alipayPaid({ ...keys.alipay, outTradeNo, tradeNo: `2026${tradeNo}`, totalAmount: amount }),
    );
    console.log(curl(`${base}/payments/alipay/notify`, signed));
  } else {
    const signed = signStripe(
      keys.stripe.secret,
      stripeSucceeded({ outTradeNo, paymentIntent: `pi_${tradeNo}`, amountFen: Number(amount) }),
    );
    console.log(curl(`${base}/payments/stripe/webhook`, signed));
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
