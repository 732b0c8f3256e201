import { type DeskError, VersionConflictError } from '../core/errors';
import type { Store } from '../store/client';
import { type CommandContext, type CommandPlan, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import {
  applyEdits,
  applyUnitChanges,
  type BuildingRecord,
  changedFields,
  type EstateRecord,
  type HouseholdRecord,
  newUnitRecord,
  normaliseHousehold,
  type UnitRecord,
  unitView,
} from './units.domain';
import {
  buildingExists,
  buildingNotFound,
  estateExists,
  estateNotFound,
  unitExists,
  unitNotFound,
  unknownBuilding,
} from './units.errors';
import type {
  CreateBuildingInput,
  CreateEstateInput,
  CreateUnitInput,
  UpdateBuildingInput,
  UpdateEstateInput,
  UpdateUnitInput,
} from './units.schema';

/** Commands and reads of the unit registry. Every write goes through `runCommand`. */

const unitItem = (unit: UnitRecord) => ({
  ...keys.unit(unit.estateId, unit.code),
  ...keys.unitIndex(unit.estateId, unit.buildingCode, unit.code),
  type: 'unit',
  ...unit,
});

/** A transaction item that fails the command with ESTATE_NOT_FOUND unless the estate exists. */
export const estateMustExist = (store: Store, estateId: string): PlannedWrite => ({
  item: {
    ConditionCheck: { TableName: store.tableName, Key: keys.estate(estateId), ConditionExpression: 'attribute_exists(pk)' },
  },
  onConditionFailed: () => estateNotFound(estateId),
});

export const readEstate = async (store: Store, estateId: string): Promise<EstateRecord> => {
  const item = await access.getEstate(store, estateId);
  if (!item) throw estateNotFound(estateId);
  return stripKeys(item) as unknown as EstateRecord;
};

export const readUnit = async (store: Store, estateId: string, unitCode: string): Promise<UnitRecord> => {
  const item = await access.getUnit(store, estateId, unitCode);
  if (!item) throw unitNotFound(estateId, unitCode);
  const { type: _type, ...record } = stripKeys(item);
  return record as unknown as UnitRecord;
};

export const createEstate = (store: Store, ctx: CommandContext, input: CreateEstateInput) =>
  runCommand(store, ctx, { name: 'units.createEstate', request: input }, async () => {
    const estate: EstateRecord = { ...input, createdAt: ctx.now.toISOString(), version: 1 };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.estate(input.id), ...keys.estateIndex(input.id), type: 'estate', ...estate },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => estateExists(input.id),
        },
      ],
      audit: [
        {
          entityType: 'estate',
          entityId: input.id,
          entityPk: keys.estate(input.id).pk,
          action: 'create',
          before: null,
          after: estate,
        },
      ],
      outbox: [{ topic: 'estate.changed', entityType: 'estate', entityId: input.id, payload: estate }],
      result: estate,
    };
  });

export const createBuilding = (store: Store, ctx: CommandContext, estateId: string, input: CreateBuildingInput) =>
  runCommand(store, ctx, { name: 'units.createBuilding', request: { estateId, ...input } }, async () => {
    const building: BuildingRecord = { estateId, ...input, version: 1 };
    return {
      writes: [
        estateMustExist(store, estateId),
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.building(estateId, input.code), type: 'building', ...building },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => buildingExists(estateId, input.code),
        },
      ],
      audit: [
        {
          entityType: 'building',
          entityId: `${estateId}/${input.code}`,
          entityPk: keys.building(estateId, input.code).pk,
          action: 'create',
          before: null,
          after: building,
        },
      ],
      outbox: [{ topic: 'building.changed', entityType: 'building', entityId: `${estateId}/${input.code}`, payload: building }],
      result: building,
    };
  });

const planCreateUnit = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  input: CreateUnitInput,
): CommandPlan<ReturnType<typeof unitView>> => {
  const unit = newUnitRecord(
    estateId,
    {
      code: input.code,
      buildingCode: input.buildingCode,
      floor: input.floor,
      areaCentiM2: input.area,
      status: input.status,
      household: input.household ? normaliseHousehold(input.household as HouseholdRecord) : undefined,
    },
    ctx.now,
  );
  const view = unitView(unit);
  return {
    writes: [
      {
        item: {
          ConditionCheck: {
            TableName: store.tableName,
            Key: keys.building(estateId, input.buildingCode),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        onConditionFailed: () => unknownBuilding(estateId, input.buildingCode),
      },
      {
        item: { Put: { TableName: store.tableName, Item: unitItem(unit), ConditionExpression: 'attribute_not_exists(pk)' } },
        onConditionFailed: () => unitExists(estateId, input.code),
      },
    ],
    audit: [
      {
        entityType: 'unit',
        entityId: `${estateId}/${unit.code}`,
        entityPk: keys.unit(estateId, unit.code).pk,
        action: 'create',
        before: null,
        after: view,
      },
    ],
    outbox: [{ topic: 'unit.changed', entityType: 'unit', entityId: `${estateId}/${unit.code}`, payload: view }],
    result: view,
  };
};

export const createUnit = (store: Store, ctx: CommandContext, estateId: string, input: CreateUnitInput) =>
  runCommand(store, ctx, { name: 'units.createUnit', request: { estateId, ...input } }, async () =>
    planCreateUnit(store, ctx, estateId, input),
  );

const planUpdateUnit = (
  store: Store,
  ctx: CommandContext,
  current: UnitRecord,
  changes: { floor?: number | undefined; areaCentiM2?: number | undefined; household?: HouseholdRecord | undefined },
): CommandPlan<ReturnType<typeof unitView>> => {
  const next = applyUnitChanges(current, changes, ctx.now);
  const before = unitView(current);
  const after = unitView(next);
  const entityId = `${current.estateId}/${current.code}`;
  return {
    writes: [
      {
        item: {
          Put: {
            TableName: store.tableName,
            Item: unitItem(next),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': current.version },
          },
        },
        onConditionFailed: () =>
          new VersionConflictError('房屋信息已被他人修改，请刷新后重试', {
            unitCode: current.code,
            expectedVersion: current.version,
          }),
      },
    ],
    audit: [
      { entityType: 'unit', entityId, entityPk: keys.unit(current.estateId, current.code).pk, action: 'update', before, after },
    ],
    outbox: [{ topic: 'unit.changed', entityType: 'unit', entityId, payload: after }],
    result: after,
  };
};

/**
 * Edits a unit's area, floor or household. The caller names the version it read (optimistic
 * concurrency): if someone changed the unit since, the edit is refused with VERSION_CONFLICT and
 * nothing is overwritten. The status is not editable here.
 */
export const updateUnit = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, input: UpdateUnitInput) =>
  runCommand(store, ctx, { name: 'units.updateUnit', request: { estateId, unitCode, ...input } }, async () => {
    const current = await readUnit(store, estateId, unitCode);
    if (current.version !== input.expectedVersion) {
      throw new VersionConflictError('房屋信息已被他人修改，请刷新后重试', {
        unitCode,
        expectedVersion: input.expectedVersion,
        currentVersion: current.version,
      });
    }
    return planUpdateUnit(store, ctx, current, {
      floor: input.floor,
      areaCentiM2: input.area,
      household: input.household ? normaliseHousehold(input.household as HouseholdRecord) : undefined,
    });
  });

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the unit, or brings an existing one to the given values (used by the unit import).
 * Re-running with the same values writes nothing.
 */
export const upsertUnit = async (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  input: CreateUnitInput,
): Promise<UpsertOutcome> => {
  const outcome = await runCommand(
    store,
    ctx,
    { name: 'units.upsertUnit', request: { estateId, ...input } },
    async () => {
      const existing = await access.getUnit(store, estateId, input.code);
      if (!existing) {
        const plan = planCreateUnit(store, ctx, estateId, input);
        return { ...plan, result: 'created' as UpsertOutcome };
      }
      const { type: _type, ...record } = stripKeys(existing);
      const current = record as unknown as UnitRecord;
      const changes = {
        floor: input.floor,
        areaCentiM2: input.area,
        household: input.household ? normaliseHousehold(input.household as HouseholdRecord) : undefined,
      };
      if (changedFields(current, changes).length === 0) {
        return { writes: [], audit: [], outbox: [], result: 'unchanged' as UpsertOutcome };
      }
      return { ...planUpdateUnit(store, ctx, current, changes), result: 'updated' as UpsertOutcome };
    },
    { retriesOnConflict: 2 },
  );
  return outcome.result;
};

/** A put over a record written by someone else since it was read is refused (records from before versions count as 1). */
const versionedPut = (
  store: Store,
  item: Record<string, unknown>,
  readVersion: number,
  conflict: () => DeskError,
): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: item,
      ConditionExpression: readVersion === 1 ? 'attribute_not_exists(version) OR version = :v' : 'version = :v',
      ExpressionAttributeValues: { ':v': readVersion },
    },
  },
  onConditionFailed: conflict,
});

const staleVersion = (what: string, expected: number, current: number) =>
  new VersionConflictError(`${what}已被他人修改，请刷新后重试`, { expectedVersion: expected, currentVersion: current });

/** Edits an estate's name, address or phones; the caller names the version it read. */
export const updateEstate = (store: Store, ctx: CommandContext, estateId: string, input: UpdateEstateInput) =>
  runCommand(store, ctx, { name: 'units.updateEstate', request: { estateId, ...input } }, async () => {
    const current = await readEstate(store, estateId);
    const version = current.version ?? 1;
    if (version !== input.expectedVersion) throw staleVersion('小区信息', input.expectedVersion, version);
    const { expectedVersion: _v, ...edits } = input;
    const next = applyEdits(current, edits);
    return {
      writes: [
        versionedPut(store, { ...keys.estate(estateId), ...keys.estateIndex(estateId), type: 'estate', ...next }, version, () =>
          staleVersion('小区信息', version, version + 1),
        ),
      ],
      audit: [
        {
          entityType: 'estate',
          entityId: estateId,
          entityPk: keys.estate(estateId).pk,
          action: 'update',
          before: current,
          after: next,
        },
      ],
      outbox: [{ topic: 'estate.changed', entityType: 'estate', entityId: estateId, payload: next }],
      result: next,
    };
  });

/** Edits a building's name or number of floors; the caller names the version it read. */
export const updateBuilding = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  buildingCode: string,
  input: UpdateBuildingInput,
) =>
  runCommand(store, ctx, { name: 'units.updateBuilding', request: { estateId, buildingCode, ...input } }, async () => {
    const item = await access.getBuilding(store, estateId, buildingCode);
    if (!item) throw buildingNotFound(estateId, buildingCode);
    const { type: _type, ...rest } = stripKeys(item);
    const current = rest as unknown as BuildingRecord;
    const version = current.version ?? 1;
    if (version !== input.expectedVersion) throw staleVersion('楼栋信息', input.expectedVersion, version);
    const { expectedVersion: _v, ...edits } = input;
    const next = applyEdits(current, edits);
    const key = keys.building(estateId, buildingCode);
    return {
      writes: [
        versionedPut(store, { ...key, type: 'building', ...next }, version, () => staleVersion('楼栋信息', version, version + 1)),
      ],
      audit: [
        {
          entityType: 'building',
          entityId: `${estateId}/${buildingCode}`,
          entityPk: key.pk,
          action: 'update',
          before: current,
          after: next,
        },
      ],
      outbox: [{ topic: 'building.changed', entityType: 'building', entityId: `${estateId}/${buildingCode}`, payload: next }],
      result: next,
    };
  });
