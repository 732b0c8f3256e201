import { putFeeItemVersion } from '../../functions/fees/fee-schedule.commands';
import { createBook } from '../../functions/fees/vouchers.commands';
import type { Store } from '../../functions/store/client';
import { createBuilding, createEstate, createUnit } from '../../functions/units/units.commands';
import { CreateUnitBody } from '../../functions/units/units.schema';
import { context, freshStore } from './store';

/** An estate with one 89.50 ㎡ unit, the seed's 2.50 yuan/㎡·month property fee, and receipt/invoice books. */
export const seedFees = async (label = 'fees'): Promise<Store> => {
  const store = await freshStore(label);
  const head = context('centre_head');
  await createEstate(store, head, { id: 'lhy', name: '绿湖苑' });
  await createBuilding(store, head, 'lhy', { code: '3' });
  await createUnit(
    store,
    head,
    'lhy',
    CreateUnitBody.parse({
      code: '3-2-1501',
      buildingCode: '3',
      area: '89.50',
      household: { type: 'family', owner: { name: '李四', phone: '13812345678' } },
    }),
  );
  await putFeeItemVersion(store, head, 'lhy', 'property_fee', {
    name: '物业服务费',
    category: 'property_fee',
    basis: 'area_month',
    rateFen: 250,
    unitLabel: '㎡·月',
    effectiveFrom: '2026-01-01',
  });
  await putFeeItemVersion(store, head, 'lhy', 'ic_card', {
    name: 'IC卡工本费',
    category: 'ic_card',
    basis: 'per_piece',
    rateFen: 2000,
    unitLabel: '张',
    effectiveFrom: '2026-01-01',
  });
  await putFeeItemVersion(store, head, 'lhy', 'copy_a4', {
    name: '复印费（A4）',
    category: 'copying',
    basis: 'per_piece',
    rateFen: 50,
    unitLabel: '页',
    effectiveFrom: '2026-01-01',
  });
  const cashier = context('cashier');
  await createBook(store, cashier, 'lhy', {
    bookId: 'R1',
    kind: 'receipt',
    holder: { id: 'u-front_desk', name: '测试员' },
    firstNumber: 1,
    lastNumber: 1000,
  });
  await createBook(store, cashier, 'lhy', {
    bookId: 'F1',
    kind: 'invoice',
    holder: { id: 'u-front_desk', name: '测试员' },
    firstNumber: 1,
    lastNumber: 1000,
  });
  return store;
};
