import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shanghaiWallClockToInstant } from '../../functions/core/dates';
import { scheduleHandler } from '../../functions/core/schedule-handler';
import { putFeeItemVersion } from '../../functions/fees/fee-schedule.commands';
import type { NotificationPort } from '../../functions/schedules/notify';
import { type ScheduleDeps, schedulesRunner } from '../../functions/schedules/schedules.handler';
import type { Store } from '../../functions/store/client';
import { keys } from '../../functions/store/keys';
import { createUnit } from '../../functions/units/units.commands';
import { CreateUnitBody } from '../../functions/units/units.schema';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';

/** Asia/Shanghai wall clock → instant: sh('2026-12-01', 1) is 01:00 on 1 Dec in Beijing. */
export const sh = (date: string, hour = 9, minute = 0) => shanghaiWallClockToInstant(date, hour, minute);

export const ACCOUNT_NO = '6222021234567890123';

export interface SeedUnit {
  code: string;
  area: string;
  status: 'not_handed_over' | 'handed_over' | 'renovating' | 'occupied' | 'vacant';
  receivedOn?: string;
  debit?: boolean;
}

/**
 * The fee seed (绿湖苑, unit 3-2-1501 at 89.50 ㎡, property fee 2.50 yuan/㎡·month, books R1/F1) plus more units.
 * `receivedOn` is set directly on the unit item: in the app the check-in command sets it at key hand-over.
 */
export const seedSchedules = async (units: SeedUnit[], label = 'sched'): Promise<Store> => {
  const store = await seedFees(label);
  const head = context('centre_head');
  for (const unit of units) {
    await createUnit(
      store,
      head,
      'lhy',
      CreateUnitBody.parse({
        code: unit.code,
        buildingCode: '3',
        area: unit.area,
        status: unit.status,
        household: {
          type: 'family',
          owner: { name: `业主${unit.code}`, phone: '13812345678' },
          ...(unit.debit
            ? { debitAccount: { bank: '工商银行', accountName: `业主${unit.code}`, accountNumber: ACCOUNT_NO } }
            : {}),
        },
      }),
    );
    if (unit.receivedOn) {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: keys.unit('lhy', unit.code),
          UpdateExpression: 'SET receivedOn = :r',
          ExpressionAttributeValues: { ':r': unit.receivedOn },
        }),
      );
    }
  }
  return store;
};

export const addParking = async (store: Store, unitCode: string, bayNo: string, signUpDate: string) => {
  await putFeeItemVersion(store, context('centre_head'), 'lhy', 'parking_rent', {
    name: '车位月租费',
    category: 'parking_rent',
    basis: 'per_month',
    rateFen: 30000,
    unitLabel: '月',
    effectiveFrom: '2026-01-01',
    periodRule: 'parking_month',
  }).catch(() => undefined);
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: keys.parkingAgreement('lhy', unitCode, bayNo),
      UpdateExpression: 'SET #t = :t, estateId = :e, unitCode = :u, bayNo = :b, itemCode = :i, signUpDate = :s, agreement = :a',
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: {
        ':t': 'parkingAgreement',
        ':e': 'lhy',
        ':u': unitCode,
        ':b': bayNo,
        ':i': 'parking_rent',
        ':s': signUpDate,
        ':a': 'rent',
      },
    }),
  );
};

/** A port that records what it was asked to deliver (the SNS/WeCom stand-in of tests that are not about them). */
export const recordingPort = (channel: NotificationPort['channel'] = 'log') => {
  const sent: string[] = [];
  const port: NotificationPort = {
    channel,
    async deliver(message) {
      sent.push(message.dedupKey);
      return { channel, ok: true };
    },
  };
  return { port, sent };
};

/** Runs a schedule of `fee-schedules` at `at`; no debit file is written to disk unless the test asks for it. */
export const runSchedule = (store: Store, scheduleId: string, at: Date, deps: ScheduleDeps = {}) =>
  scheduleHandler(schedulesRunner({ debitFiles: () => undefined, ...deps }), { store: () => store, clock: () => at })({
    scheduleId,
    scheduledTime: at.toISOString(),
  });
