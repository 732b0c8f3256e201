import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoLocal } from '../cdk/local/dynamo-local';
import type { Role } from '../functions/core/roles';
import { putFeeItemVersion } from '../functions/fees/fee-schedule.commands';
import { PostChargesBody, PostPaymentBody } from '../functions/fees/fees.schema';
import { postCharges, postPayment } from '../functions/fees/ledger.commands';
import { createBook } from '../functions/fees/vouchers.commands';
import { createStore } from '../functions/store/client';
import type { CommandContext } from '../functions/store/commit';
import { ensureTable } from '../functions/store/ensure-table';
import { createBuilding, createEstate, createUnit } from '../functions/units/units.commands';
import { CreateUnitBody } from '../functions/units/units.schema';
import { countItems, runClients } from './support';

/**
 * Fee posting throughput: 2,000 payments across 200 units from 8 concurrent clients (each a front-desk
 * staff member with their own receipt book) through the command layer, against DynamoDB Local; and, in
 * the same run, raw TransactWriteItems with the same number of items per transaction, as the store's own limit.
 */
const UNITS = 200;
const PAYMENTS = 2000;
const CLIENTS = 8;

const ctx = (id: string, role: Role, key?: string): CommandContext => ({
  actor: { id, name: id, role },
  source: 'api',
  now: new Date(),
  idempotencyKey: key,
});

export const run = async () => {
  const dynamo = await startDynamoLocal();
  try {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await ensureTable(client, 'bench-fees');
    await ensureTable(client, 'bench-raw');
    const store = createStore({ tableName: 'bench-fees', endpoint: dynamo.endpoint });
    const raw = createStore({ tableName: 'bench-raw', endpoint: dynamo.endpoint });

    // Prepare: an estate, 200 units each owing 12 months, 8 books.
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
    const unitCodes = Array.from({ length: UNITS }, (_, i) => `1-1-${String(101 + i)}`);
    for (const code of unitCodes) {
      await createUnit(store, head, 'bench', CreateUnitBody.parse({ code, buildingCode: '1', area: '89.50' }));
      await postCharges(
        store,
        head,
        'bench',
        code,
        PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-06', months: 12 }),
      );
    }
    for (let c = 0; c < CLIENTS; c += 1) {
      await createBook(store, ctx('cashier', 'cashier'), 'bench', {
        bookId: `R${c}`,
        kind: 'receipt',
        holder: { id: `desk-${c}`, name: `desk-${c}` },
        firstNumber: 1,
        lastNumber: 100_000,
      });
    }

    // The store's own limit: TransactWriteItems of exactly a payment's shape — 9 operations: 3 conditional puts of
    // new items (entry, voucher, idempotency record), 1 conditional put over an existing item (the account, version
    // check), 1 conditional update (the book counter), 4 plain puts with index keys (2 audit, 2 outbox) — on the
    // same hot items per unit and per client, from the same 8 clients. Measured before and after the command run
    // (DynamoDB Local slows as the shared database grows) and with 1 client.
    const filler = 'x'.repeat(300);
    const rawTransaction = async (round: string, client: number, i: number) => {
      const account = `ACCOUNT#${round}#${i % UNITS}`;
      const existing = await raw.doc.send(new GetCommand({ TableName: raw.tableName, Key: { pk: account, sk: 'X' } }));
      const version = Number(existing.Item?.version ?? 0);
      await raw.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...Array.from({ length: 3 }, (_, k) => ({
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
            {
              Update: {
                TableName: raw.tableName,
                Key: { pk: `BOOK#${round}#${client}`, sk: 'X' },
                UpdateExpression: 'SET nextNumber = if_not_exists(nextNumber, :zero) + :one',
                ConditionExpression: 'attribute_not_exists(nextNumber) OR nextNumber >= :zero',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
              },
            },
            ...Array.from({ length: 4 }, (_, k) => ({
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
    const rawBefore = await runClients((c, i) => rawTransaction('before', c, i), PAYMENTS, CLIENTS);

    // Act: payments through the command layer (reads, rules, one transaction each), counting what is written.
    let transactionItems = 0;
    const send = store.doc.send.bind(store.doc);
    store.doc.send = ((command: { input?: { TransactItems?: unknown[] } }, ...rest: unknown[]) => {
      if (command instanceof TransactWriteCommand) transactionItems += command.input.TransactItems?.length ?? 0;
      return (send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as typeof store.doc.send;
    const before = await countItems(store);
    const commands = await runClients(
      async (c, i) => {
        const unit = unitCodes[(i * 7) % UNITS] as string;
        await postPayment(
          store,
          ctx(`desk-${c}`, 'front_desk', `bench-pay-${i}`),
          'bench',
          unit,
          PostPaymentBody.parse({ amountFen: 5000 + (i % 97), method: 'cash', voucher: { kind: 'receipt', bookId: `R${c}` } }),
        );
      },
      PAYMENTS,
      CLIENTS,
    );
    const newItemsPerPayment = ((await countItems(store)) - before) / PAYMENTS;
    const itemsPerPayment = transactionItems / PAYMENTS;

    const rawAfter = await runClients((c, i) => rawTransaction('after', c, i), PAYMENTS, CLIENTS);
    const rawSingle = await runClients((_, i) => rawTransaction('single', 0, i), PAYMENTS, 1);
    const rawBest = Math.max(rawBefore.perSecond, rawAfter.perSecond, rawSingle.perSecond);
    const ratio = commands.perSecond / rawBest;
    const f = (n: number) => n.toFixed(1);
    console.log(`fees benchmark — ${PAYMENTS} payments, ${UNITS} units, ${CLIENTS} concurrent clients, DynamoDB Local`);
    console.log(
      `  command layer : ${f(commands.perSecond)} payments/s  p50 ${f(commands.p50)} ms  p99 ${f(commands.p99)} ms  (${f(commands.seconds)} s)`,
    );
    console.log(
      `  items written : ${itemsPerPayment.toFixed(2)} per payment in its transaction (${newItemsPerPayment.toFixed(2)} new items, the rest updates)`,
    );
    console.log(
      `  raw TransactWriteItems (9 operations), before: ${f(rawBefore.perSecond)} tx/s  p50 ${f(rawBefore.p50)} ms  p99 ${f(rawBefore.p99)} ms`,
    );
    console.log(
      `  raw TransactWriteItems (9 operations), after : ${f(rawAfter.perSecond)} tx/s  p50 ${f(rawAfter.p50)} ms  p99 ${f(rawAfter.p99)} ms`,
    );
    console.log(
      `  raw TransactWriteItems (9 operations), 1 client: ${f(rawSingle.perSecond)} tx/s  p50 ${f(rawSingle.p50)} ms  p99 ${f(rawSingle.p99)} ms`,
    );
    console.log(`  ratio command/raw (best raw): ${ratio.toFixed(2)} (target ≥ 0.60)`);
    client.destroy();
  } finally {
    await dynamo.stop();
  }
};
