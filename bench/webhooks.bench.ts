import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoLocal } from '../cdk/local/dynamo-local';
import { startLocalTarget } from '../cdk/local/local-target';
import {
  alipayPaid,
  configFor,
  generateTestKeys,
  signAlipay,
  signStripe,
  signWechat,
  stripeSucceeded,
  wechatTransaction,
} from '../cdk/local/sign-test-notification';
import type { Role } from '../functions/core/roles';
import { putFeeItemVersion } from '../functions/fees/fee-schedule.commands';
import { PostChargesBody } from '../functions/fees/fees.schema';
import { postCharges } from '../functions/fees/ledger.commands';
import { createBook } from '../functions/fees/vouchers.commands';
import { createPaymentOrder } from '../functions/payments/payments.commands';
import { createStore, type Store } from '../functions/store/client';
import type { CommandContext } from '../functions/store/commit';
import { ensureTable } from '../functions/store/ensure-table';
import { createBuilding, createEstate, createUnit } from '../functions/units/units.commands';
import { CreateUnitBody } from '../functions/units/units.schema';
import { runClients } from './support';

/**
 * Webhook throughput: verified provider notifications (WeChat Pay, Alipay, Stripe in turn) over HTTP through
 * the local target, 20% of the deliveries duplicates of earlier ones, 8 concurrent senders; and in the same
 * run raw TransactWriteItems of the posting's shape (16 items) from 8 clients, as the store's own limit.
 */
const UNITS = 100;
const UNIQUE = 800;
const DUPLICATES = 200; // 20% of the 1,000 deliveries
const SENDERS = 8;
const BOOKS = 8;
const AMOUNT = 10_000;
const RAW = 400;

const ctx = (id: string, role: Role): CommandContext => ({ actor: { id, name: id, role }, source: 'api', now: new Date() });
/** The webhook senders: index-driven work from SENDERS concurrent clients. */
const runSenders = (work: (index: number) => Promise<void>, total: number, clients = SENDERS) =>
  runClients((_, index) => work(index), total, clients);

const count = async (store: Store, type: string, kind?: string) => {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tableName,
        FilterExpression: kind ? '#t = :t AND entryKind = :k' : '#t = :t',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':t': type, ...(kind ? { ':k': kind } : {}) },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
};

export const run = async () => {
  const dynamo = await startDynamoLocal();
  const keys = generateTestKeys();
  process.env.PAYMENTS_CONFIG = JSON.stringify(configFor(keys));
  const target = await startLocalTarget({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'bench-webhooks-')),
    dynamoEndpoint: dynamo.endpoint,
    tableName: 'bench-webhooks',
    runSchedules: false,
  });
  try {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await ensureTable(client, 'bench-webhooks-raw');
    const store = createStore({ tableName: 'bench-webhooks', endpoint: dynamo.endpoint });
    const raw = createStore({ tableName: 'bench-webhooks-raw', endpoint: dynamo.endpoint });

    // The store's own limit: TransactWriteItems of a webhook posting's shape — 16 items: 5 conditional puts of new
    // items (entry, voucher, trade, notice, idempotency), 2 version-checked puts (account, order), 1 conditional
    // update (book counter), 8 plain puts with index keys (4 audit, 4 outbox) — from 8 clients.
    const filler = 'x'.repeat(300);
    const rawTransaction = async (round: string, i: number) => {
      const account = `ACCOUNT#${round}#${i % UNITS}`;
      const existing = await raw.doc.send(new GetCommand({ TableName: raw.tableName, Key: { pk: account, sk: 'X' } }));
      const version = Number(existing.Item?.version ?? 0);
      await raw.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...Array.from({ length: 5 }, (_, k) => ({
              Put: {
                TableName: raw.tableName,
                Item: { pk: `RAW#${round}#${i}#${k}`, sk: 'X', payload: filler },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            {
              Put: {
                TableName: raw.tableName,
                Item: { pk: account, sk: 'X', version: version + 1, payload: filler },
                ...(version === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }),
              },
            },
            { Put: { TableName: raw.tableName, Item: { pk: `ORDER#${round}#${i}`, sk: 'X', version: 2, payload: filler } } },
            {
              Update: {
                TableName: raw.tableName,
                Key: { pk: `BOOK#${round}#${i % BOOKS}`, sk: 'X' },
                UpdateExpression: 'SET nextNumber = if_not_exists(nextNumber, :zero) + :one',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
              },
            },
            ...Array.from({ length: 8 }, (_, k) => ({
              Put: {
                TableName: raw.tableName,
                Item: {
                  pk: `RAW#${round}#${i}#a${k}`,
                  sk: 'AUDIT',
                  gsi1pk: `DAY#${round}`,
                  gsi1sk: `${i}#${k}`,
                  payload: filler,
                },
              },
            })),
          ],
        }),
      );
    };
    const rawRound = async (round: string, clients = SENDERS) => {
      let conflicts = 0;
      const measured = await runSenders(
        async (i) => {
          try {
            await rawTransaction(round, i);
          } catch {
            conflicts += 1;
          }
        },
        RAW,
        clients,
      );
      return { ...measured, conflicts };
    };
    const rawBefore = await rawRound('before');

    // Prepare: 100 units owing 12 months, 8 online books held by the webhook, 800 open orders.
    const head = ctx('head', 'centre_head');
    await createEstate(store, head, { id: 'bench', name: '基准小区' });
    await createBuilding(store, head, 'bench', { code: '1' });
    await putFeeItemVersion(store, head, 'bench', 'property_fee', {
      name: '物业服务费',
      category: 'property_fee',
      basis: 'area_month',
      rateFen: 250,
      unitLabel: '㎡·月',
      effectiveFrom: '2026-01-01',
    });
    const units = Array.from({ length: UNITS }, (_, i) => `1-1-${String(101 + i)}`);
    for (const code of units) {
      await createUnit(store, head, 'bench', CreateUnitBody.parse({ code, buildingCode: '1', area: '89.50' }));
      await postCharges(
        store,
        head,
        'bench',
        code,
        PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-06', months: 12 }),
      );
    }
    for (let b = 0; b < BOOKS; b += 1) {
      await createBook(store, ctx('cashier', 'cashier'), 'bench', {
        bookId: `W${b}`,
        kind: 'receipt',
        holder: { id: 'webhook', name: '线上支付' },
        firstNumber: 1,
        lastNumber: 100_000,
      });
    }
    const orders: string[] = [];
    await runSenders(async (i) => {
      const order = await createPaymentOrder(
        store,
        ctx('desk', 'front_desk'),
        'bench',
        units[i % UNITS] as string,
        {
          amountFen: AMOUNT,
          bookId: `W${i % BOOKS}`,
        },
        {},
      );
      orders[i] = order.result.outTradeNo;
    }, UNIQUE);

    const notifications = orders.map((outTradeNo, i) => {
      const provider = (['wechat', 'alipay', 'stripe'] as const)[i % 3] as 'wechat' | 'alipay' | 'stripe';
      return { provider, make: () => sign(provider, outTradeNo, i) };
    });
    const signedOnce = new Map<number, { body: string; headers: Record<string, string> }>();
    const sign = (provider: 'wechat' | 'alipay' | 'stripe', outTradeNo: string, i: number) => {
      if (provider === 'wechat') {
        return signWechat({
          privateKey: keys.wechat.privateKey,
          serial: keys.wechat.serial,
          apiV3Key: keys.wechat.apiV3Key,
          eventType: 'TRANSACTION.SUCCESS',
          resource: wechatTransaction({ ...keys.wechat, outTradeNo, transactionId: `4200BENCH${i}`, totalFen: AMOUNT }),
        });
      }
      if (provider === 'alipay') {
        return signAlipay(
          keys.alipay.privateKey,
          alipayPaid({ ...keys.alipay, outTradeNo, tradeNo: `2026BENCH${i}`, totalAmount: '100.00' }),
        );
      }
      return signStripe(keys.stripe.secret, stripeSucceeded({ outTradeNo, paymentIntent: `pi_bench_${i}`, amountFen: AMOUNT }));
    };
    // 1,000 deliveries: every 5th is a redelivery of an earlier notification (the same bytes and headers).
    const plan: number[] = [];
    let fresh = 0;
    for (let d = 0; d < UNIQUE + DUPLICATES; d += 1)
      plan.push(d % 5 === 4 && fresh > 0 ? -1 - Math.floor((d * 7919) % fresh) : fresh++);
    const paths = { wechat: '/payments/wechat/notify', alipay: '/payments/alipay/notify', stripe: '/payments/stripe/webhook' };
    let failures = 0;

    // Act: deliveries over HTTP.
    const hooks = await runSenders(async (d) => {
      const step = plan[d] as number;
      const index = step >= 0 ? step : -1 - step;
      const n = notifications[index] as (typeof notifications)[number];
      let signed = signedOnce.get(index);
      if (!signed) {
        signed = n.make();
        signedOnce.set(index, signed);
      }
      const response = await fetch(`${target.url}${paths[n.provider]}`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      const text = await response.text();
      if (response.status !== 200 || (n.provider === 'alipay' && text !== 'success')) failures += 1;
    }, plan.length);

    const rawAfter = await rawRound('after');
    const rawSingle = await rawRound('single', 1);
    const rawBest = [rawBefore, rawAfter, rawSingle].reduce((best, r) => (r.perSecond > best.perSecond ? r : best));

    const posted = await count(store, 'ledgerEntry', 'payment');
    const f = (n: number) => n.toFixed(1);
    console.log(
      `webhooks benchmark — ${plan.length} deliveries (${UNIQUE} notifications + ${DUPLICATES} duplicates = 20%), ${SENDERS} concurrent senders, HTTP via the local target, DynamoDB Local`,
    );
    console.log(
      `  webhooks      : ${f(hooks.perSecond)} deliveries/s  (${f(UNIQUE / hooks.seconds)} postings/s)  p50 ${f(hooks.p50)} ms  p99 ${f(hooks.p99)} ms  (${f(hooks.seconds)} s)`,
    );
    console.log(`  posted        : ${posted} payments for ${UNIQUE} notifications; non-success answers: ${failures}`);
    for (const [label, r] of [
      ['before', rawBefore],
      ['after', rawAfter],
      ['1 client', rawSingle],
    ] as const) {
      console.log(
        `  raw DynamoDB  : ${label.padEnd(8)} ${f(r.perSecond)} transactions/s of 16 items  p50 ${f(r.p50)} ms  p99 ${f(r.p99)} ms  (failed ${r.conflicts})`,
      );
    }
    console.log(
      `  ratio         : webhook deliveries/s ÷ best raw transactions/s = ${(hooks.perSecond / rawBest.perSecond).toFixed(2)}`,
    );
  } finally {
    await target.stop();
    await dynamo.stop();
    delete process.env.PAYMENTS_CONFIG;
  }
};
