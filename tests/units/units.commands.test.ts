import { describe, expect, it } from 'vitest';
import { VersionConflictError } from '../../functions/core/errors';
import {
  createBuilding,
  createEstate,
  createUnit,
  readEstate,
  readUnit,
  updateBuilding,
  updateEstate,
  updateUnit,
} from '../../functions/units/units.commands';
import { CreateUnitBody } from '../../functions/units/units.schema';
import { allItems, context, freshStore } from '../support/store';

const seedEstate = async () => {
  const store = await freshStore('units');
  await createEstate(store, context('centre_head'), { id: 'lhy', name: '绿湖苑' });
  await createBuilding(store, context('centre_head'), 'lhy', { code: '3' });
  return store;
};

const unitInput = (code = '3-2-1501') =>
  CreateUnitBody.parse({
    code,
    buildingCode: '3',
    area: '89.50',
    household: {
      type: 'family',
      owner: { name: '李四', idNumber: '110105199001011232', phone: '13812345678' },
      debitAccount: { bank: '工商银行', accountName: '李四', accountNumber: '6222021234567890123' },
    },
  });

describe('units.commands', () => {
  it('stores the ID number once and shows it masked in the result, the audit and the outbox', async () => {
    // Prepare
    const store = await seedEstate();
    // Act
    const { result } = await createUnit(store, context(), 'lhy', unitInput());
    // Assess
    expect(result.household?.owner.idNumberMasked).toBe('110***********1232');
    expect(result.household?.debitAccount?.accountNumberMasked).toBe('6222***********0123');
    const items = await allItems(store);
    const clear = items.filter((item) => JSON.stringify(item).includes('110105199001011232'));
    expect(clear.map((item) => item.type)).toEqual(['unit']);
    expect(items.filter((item) => JSON.stringify(item).includes('6222021234567890123')).map((i) => i.type)).toEqual(['unit']);
  });

  it('refuses a unit in a building the estate has not registered', async () => {
    const store = await seedEstate();
    await expect(createUnit(store, context(), 'lhy', { ...unitInput('9-1-101'), buildingCode: '9' })).rejects.toMatchObject({
      code: 'UNKNOWN_BUILDING',
      status: 422,
    });
  });

  it('refuses a second unit with the same code', async () => {
    const store = await seedEstate();
    await createUnit(store, context(), 'lhy', unitInput());
    await expect(createUnit(store, context(), 'lhy', unitInput())).rejects.toMatchObject({ code: 'UNIT_EXISTS', status: 409 });
  });

  it('lets one of two concurrent updates win and refuses the other with a conflict, losing nothing', async () => {
    // Prepare
    const store = await seedEstate();
    await createUnit(store, context(), 'lhy', unitInput());
    // Act: two staff members edit version 1 at once
    const results = await Promise.allSettled([
      updateUnit(store, context('front_desk', { actor: { id: 'a', name: '甲', role: 'front_desk' } }), 'lhy', '3-2-1501', {
        expectedVersion: 1,
        area: 9000,
      }),
      updateUnit(store, context('front_desk', { actor: { id: 'b', name: '乙', role: 'front_desk' } }), 'lhy', '3-2-1501', {
        expectedVersion: 1,
        floor: 15,
      }),
    ]);
    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    const unit = await readUnit(store, 'lhy', '3-2-1501');
    expect(unit.version).toBe(2);
    const audits = (await allItems(store)).filter((item) => item.type === 'audit' && item.entityType === 'unit');
    expect(audits).toHaveLength(2); // create + the one update that won
  });

  it('retries the loser with the new version and then both edits are kept', async () => {
    const store = await seedEstate();
    await createUnit(store, context(), 'lhy', unitInput());
    await updateUnit(store, context(), 'lhy', '3-2-1501', { expectedVersion: 1, area: 9000 });
    await updateUnit(store, context(), 'lhy', '3-2-1501', { expectedVersion: 2, floor: 15 });
    const unit = await readUnit(store, 'lhy', '3-2-1501');
    expect(unit).toMatchObject({ areaCentiM2: 9000, floor: 15, version: 3 });
  });

  it('edits an estate and a building by the version read, and refuses a stale version', async () => {
    // Prepare
    const store = await seedEstate();
    // Act
    const estate = await updateEstate(store, context('centre_head'), 'lhy', {
      expectedVersion: 1,
      complaintPhone: '010-88886666',
    });
    const stale = await updateEstate(store, context('centre_head'), 'lhy', { expectedVersion: 1, name: '绿湖苑二期' }).catch(
      (e) => e,
    );
    const building = await updateBuilding(store, context('centre_head'), 'lhy', '3', { expectedVersion: 1, floors: 18 });
    const missing = await updateBuilding(store, context('centre_head'), 'lhy', '9', { expectedVersion: 1, floors: 1 }).catch(
      (e) => e,
    );
    // Assess
    expect(estate.result).toMatchObject({ name: '绿湖苑', complaintPhone: '010-88886666', version: 2 });
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(building.result).toMatchObject({ code: '3', floors: 18, version: 2 });
    expect(missing).toMatchObject({ code: 'BUILDING_NOT_FOUND' });
    expect((await readEstate(store, 'lhy')).version).toBe(2);
  });
});
