import { newId } from '../core/ids';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { estateMustExist } from '../units/units.commands';
import { chargeAmount, versionOn } from './fee-schedule.domain';
import { dayClosed, dayEmpty, feeItemUnknown, noRateForPeriod } from './fees.errors';
import { readFeeVersions } from './fees.store';
import { issueVoucherWrites } from './vouchers.commands';

/**
 * The copying day book (复印费日记账): small walk-in entries through the day, closed once a day into one
 * receipt that lists them. After closing, the day takes no more entries.
 */
export const addDayBookEntry = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  date: string,
  input: { itemCode: string; pages: number; payer?: string | undefined },
) =>
  runCommand(store, ctx, { name: 'fees.addDayBookEntry', request: { estateId, date, ...input } }, async () => {
    const versions = (await readFeeVersions(store, estateId)).get(input.itemCode) ?? [];
    if (versions[0]?.category !== 'copying') throw feeItemUnknown(input.itemCode);
    const version = versionOn(versions, date);
    if (!version) throw noRateForPeriod(input.itemCode, date);
    const entry = {
      entryId: newId(ctx.now),
      estateId,
      date,
      itemCode: version.code,
      itemName: version.name,
      pages: input.pages,
      rateFen: version.rateFen,
      amountFen: chargeAmount(version, { areaCentiM2: 0, quantity: input.pages }),
      payer: input.payer,
      at: ctx.now.toISOString(),
      by: { id: ctx.actor.id, name: ctx.actor.name },
    };
    return {
      writes: [
        {
          item: {
            ConditionCheck: {
              TableName: store.tableName,
              Key: keys.dayBookClose(estateId, date),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => dayClosed(date),
        },
        estateMustExist(store, estateId),
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.dayBookEntry(estateId, date, entry.entryId), type: 'dayBookEntry', ...entry },
            },
          },
        },
      ],
      audit: [
        {
          entityType: 'dayBook',
          entityId: `${estateId}/${date}`,
          entityPk: keys.dayBookClose(estateId, date).pk,
          action: 'add',
          before: null,
          after: entry,
        },
      ],
      outbox: [{ topic: 'dayBook.changed', entityType: 'dayBook', entityId: `${estateId}/${date}`, payload: entry }],
      result: entry,
    };
  });

export const readDayBook = async (store: Store, estateId: string, date: string) => {
  const items = (await access.listDayBook(store, estateId, date)).map((item) => stripKeys(item));
  const close = items.find((item) => item.type === 'dayBookClose');
  const entries = items.filter((item) => item.type === 'dayBookEntry');
  return {
    estateId,
    date,
    entries,
    totalFen: entries.reduce((sum, entry) => sum + Number(entry.amountFen), 0),
    closed: Boolean(close),
    ...(close ? { close } : {}),
  };
};

/** Closes the day: one receipt for the day's total, its lines the entries. */
export const closeDayBook = (store: Store, ctx: CommandContext, estateId: string, date: string, bookId: string) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.closeDayBook', request: { estateId, date, bookId } },
    async () => {
      const day = await readDayBook(store, estateId, date);
      if (day.closed) throw dayClosed(date);
      if (day.entries.length === 0) throw dayEmpty(date);
      const lines = day.entries.map((entry) => ({
        name: String(entry.itemName),
        quantity: Number(entry.pages),
        amountFen: Number(entry.amountFen),
        note: entry.payer ? `缴款人 ${String(entry.payer)}` : undefined,
      }));
      const issued = await issueVoucherWrites(store, ctx, {
        estateId,
        bookId,
        kind: 'receipt',
        date,
        payer: '复印费（当日汇总）',
        lines,
        method: 'cash',
      });
      const close = {
        date,
        voucherNo: issued.voucher.voucherNo,
        totalFen: day.totalFen,
        entryCount: day.entries.length,
        closedAt: ctx.now.toISOString(),
        closedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      return {
        writes: [
          ...issued.writes,
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: { ...keys.dayBookClose(estateId, date), type: 'dayBookClose', ...close },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            onConditionFailed: () => dayClosed(date),
          },
        ],
        audit: [
          issued.audit,
          {
            entityType: 'dayBook',
            entityId: `${estateId}/${date}`,
            entityPk: keys.dayBookClose(estateId, date).pk,
            action: 'close',
            before: null,
            after: close,
          },
        ],
        outbox: [issued.outbox],
        result: { ...close, voucher: issued.voucher },
      };
    },
    { retriesOnConflict: 10 },
  );
