import { BusinessRuleError } from '../../functions/core/errors';
import { parseOrThrow } from '../../functions/core/validation';
import { PostChargesBody } from '../../functions/fees/fees.schema';
import { readFeeVersions } from '../../functions/fees/fees.store';
import { postCharges } from '../../functions/fees/ledger.commands';
import { access, keys } from '../../functions/store/keys';
import type { TabBinding } from '../sync/binding';
import { FEE_LEDGER_TAB } from '../tabs/fee-ledger.tab';
import { loadByPairIds, pairId, unitCodesOf } from './load';

const view = (item: Record<string, unknown>) => ({
  ...item,
  item: item.itemName ?? '',
  month: typeof item.periodFrom === 'string' && item.entryKind === 'charge' ? item.periodFrom.slice(0, 7) : '',
  enteredFen: item.basis === 'entered' ? item.amountFen : undefined,
  amountFen: item.amountFen ?? Math.abs(Number(item.balanceEffectFen ?? 0)),
  quantity: item.entryKind === 'charge' ? item.quantity : undefined,
});

/** 收费项目 as typed: the item's code, or its name in the estate's fee schedule. */
const itemCodeOf = async (store: Parameters<typeof readFeeVersions>[0], estateId: string, typed: string) => {
  const versions = await readFeeVersions(store, estateId);
  if (versions.has(typed)) return typed;
  for (const [code, list] of versions) if (list.some((v) => v.name === typed)) return code;
  throw new BusinessRuleError('FEE_ITEM_UNKNOWN', `收费标准中没有“${typed}”这个项目`);
};

export const feeLedgerBinding: TabBinding = {
  layout: FEE_LEDGER_TAB,
  role: 'cashier',
  actorColumn: 'postedBy.name',
  idsOf: (message, estateId) => {
    const [estate, unitCode] = message.entityId.split('/');
    if (estate !== estateId || !unitCode) return [];
    const entries = ((message.payload as { entries?: { entryId: string }[] })?.entries ?? []) as { entryId: string }[];
    return entries.map((e) => pairId(unitCode, e.entryId));
  },
  load: (store, estateId, ids) =>
    loadByPairIds(store, ids, (unitCode, entryId) => keys.entry(estateId, unitCode, entryId), view).then((found) => found),
  loadAll: async (store, estateId) => {
    const rows = new Map<string, Record<string, unknown>>();
    for (const unitCode of await unitCodesOf(store, estateId)) {
      for (const entry of await access.listEntries(store, estateId, unitCode))
        rows.set(pairId(unitCode, String(entry.entryId)), view(entry));
    }
    return rows;
  },
  create: async ({ store, ctx, estateId, values }) => {
    const unitCode = String(values.unitCode ?? '');
    const itemCode = await itemCodeOf(store, estateId, String(values.item ?? ''));
    const input = parseOrThrow(
      PostChargesBody,
      {
        itemCode,
        ...(values.month ? { month: values.month } : {}),
        ...(values.quantity ? { quantity: values.quantity } : {}),
        ...(values.enteredFen !== undefined ? { amountFen: values.enteredFen } : {}),
        ...(values.note ? { note: values.note } : {}),
      },
      '收费登记',
    );
    const { result } = await postCharges(store, ctx, estateId, unitCode, input);
    const charge = result.entries.find((e) => e.entryKind === 'charge');
    if (!charge) throw new BusinessRuleError('NO_CHARGE_POSTED', '没有生成应收费用');
    return pairId(unitCode, charge.entryId);
  },
};
