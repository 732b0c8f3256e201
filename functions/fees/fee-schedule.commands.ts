import type { z } from 'zod';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { estateMustExist } from '../units/units.commands';
import type { FeeItemVersion } from './fee-schedule.domain';
import { feeVersionExists } from './fees.errors';
import type { FeeSettingsBody, PutFeeItemBody } from './fees.schema';
import { DEFAULT_LATE_FEE_RULE, type LateFeeRule } from './late-fee.domain';

/** The estate's fee schedule (收费标准): item versions are added, never changed; old charges keep their rate. */
export const putFeeItemVersion = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  code: string,
  input: z.output<typeof PutFeeItemBody>,
) =>
  runCommand(store, ctx, { name: 'fees.putFeeItemVersion', request: { estateId, code, ...input } }, async () => {
    const version: FeeItemVersion = {
      estateId,
      code,
      name: input.name,
      category: input.category,
      basis: input.basis,
      rateFen: input.rateFen,
      unitLabel: input.unitLabel,
      effectiveFrom: input.effectiveFrom,
      periodRule:
        input.periodRule ??
        (input.category === 'parking_rent' || input.category === 'parking_service'
          ? 'parking_month'
          : input.basis === 'area_month' || input.basis === 'per_month'
            ? 'calendar_month'
            : 'none'),
    };
    const key = keys.feeItem(estateId, code, input.effectiveFrom);
    return {
      writes: [
        estateMustExist(store, estateId),
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...key, type: 'feeItemVersion', ...version },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => feeVersionExists(code, input.effectiveFrom),
        },
      ],
      audit: [
        {
          entityType: 'feeItem',
          entityId: `${estateId}/${code}`,
          entityPk: key.pk,
          action: 'addVersion',
          before: null,
          after: version,
        },
      ],
      outbox: [{ topic: 'feeSchedule.changed', entityType: 'feeItem', entityId: `${estateId}/${code}`, payload: version }],
      result: version,
    };
  });

export const listFeeSchedule = async (store: Store, estateId: string): Promise<FeeItemVersion[]> =>
  (await access.listFeeItems(store, estateId)).map((item) => {
    const { type: _type, ...version } = stripKeys(item);
    return version as unknown as FeeItemVersion;
  });

export const readFeeSettings = async (store: Store, estateId: string): Promise<{ lateFee: LateFeeRule; version: number }> => {
  const item = await access.getFeeSettings(store, estateId);
  return item
    ? { lateFee: item.lateFee as LateFeeRule, version: Number(item.version) }
    : { lateFee: DEFAULT_LATE_FEE_RULE, version: 0 };
};

export const putFeeSettings = (store: Store, ctx: CommandContext, estateId: string, input: z.output<typeof FeeSettingsBody>) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.putFeeSettings', request: { estateId, ...input } },
    async () => {
      const current = await readFeeSettings(store, estateId);
      const next = { lateFee: input.lateFee, version: current.version + 1 };
      return {
        writes: [
          estateMustExist(store, estateId),
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: { ...keys.feeSettings(estateId), type: 'feeSettings', estateId, ...next },
                ...(current.version === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } }),
              },
            },
          },
        ],
        audit: [
          {
            entityType: 'feeSettings',
            entityId: estateId,
            entityPk: keys.feeSettings(estateId).pk,
            action: 'update',
            before: current,
            after: next,
          },
        ],
        outbox: [{ topic: 'feeSchedule.changed', entityType: 'feeSettings', entityId: estateId, payload: next }],
        result: next,
      };
    },
    { retriesOnConflict: 3 },
  );
