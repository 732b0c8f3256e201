import { areaTimesRate } from '../core/money';

/**
 * The fee schedule (收费标准) of an estate: each item, how it is charged and at what rate from which date.
 * A charge keeps the rate it was made with; a later rate applies only from its effective date.
 */
export const FEE_CATEGORIES = {
  property_fee: '物业服务费',
  parking_rent: '车位月租费',
  parking_service: '车位服务费',
  ic_card: 'IC卡工本费',
  housekeeping: '家政服务费',
  copying: '复印费',
  on_behalf: '代收费',
  other: '其他',
  deposit: '押金/保证金',
  late_fee: '滞纳金',
} as const;
export type FeeCategory = keyof typeof FEE_CATEGORIES;

/** How an item's amount is computed. */
export const FEE_BASES = {
  area_month: '按建筑面积每月（元/㎡·月）',
  per_month: '每月固定（元/月）',
  per_piece: '按数量（元/个、元/页、元/张）',
  entered: '按实际金额录入',
} as const;
export type FeeBasis = keyof typeof FEE_BASES;

/** Money the estate holds for someone (deposits) or collects for a third party is not its income. */
export const moneyKindOf = (category: FeeCategory): 'income' | 'held' | 'on_behalf' =>
  category === 'deposit' ? 'held' : category === 'on_behalf' ? 'on_behalf' : 'income';

export interface FeeItemVersion {
  estateId: string;
  code: string;
  name: string;
  category: FeeCategory;
  basis: FeeBasis;
  /** fen per ㎡·month, per month, or per piece; 0 for `entered`. */
  rateFen: number;
  /** ㎡·月, 月, 个, 页, 张 … */
  unitLabel: string;
  /** First business date this rate applies to. */
  effectiveFrom: string;
  /** Parking items: monthly periods run from the sign-up day (parking month) instead of calendar months. */
  periodRule: 'calendar_month' | 'parking_month' | 'none';
}

/** The version in force on `date`: the latest whose effectiveFrom ≤ date. */
export const versionOn = (versions: FeeItemVersion[], date: string): FeeItemVersion | undefined =>
  versions.filter((version) => version.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];

/** Amount of one period (or one lot) of an item for a unit. */
export const chargeAmount = (
  item: FeeItemVersion,
  input: { areaCentiM2: number; quantity: number; enteredFen?: number | undefined },
): number => {
  switch (item.basis) {
    case 'area_month':
      return areaTimesRate(input.areaCentiM2, item.rateFen);
    case 'per_month':
      return item.rateFen;
    case 'per_piece':
      return item.rateFen * input.quantity;
    case 'entered':
      return input.enteredFen ?? 0;
  }
};
