import { maskBankAccount, maskIdNumber } from '../core/personal-data.domain';

/** Pure rules of the unit registry (房号). No I/O, no clock: `now` is passed in. */

export const HOUSEHOLD_TYPES = ['family', 'company', 'delegate'] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];
export const HOUSEHOLD_LABELS: Record<HouseholdType, string> = {
  family: '家庭户',
  company: '公司户',
  delegate: '业主委托办理',
};

export const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'other'] as const;
export type IdType = (typeof ID_TYPES)[number];

export const UNIT_STATUSES = ['not_handed_over', 'handed_over', 'renovating', 'occupied', 'vacant'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];
export const UNIT_STATUS_LABELS: Record<UnitStatus, string> = {
  not_handed_over: '未交房',
  handed_over: '已交房',
  renovating: '装修中',
  occupied: '已入住',
  vacant: '空置',
};

/**
 * The unit's status machine, as data: each allowed transition and the one command that owns it.
 * Staff cannot edit the status directly; it moves only when the owning procedure is done.
 */
export const UNIT_STATUS_TRANSITIONS: ReadonlyArray<{ from: UnitStatus; to: UnitStatus; by: string }> = [
  { from: 'not_handed_over', to: 'handed_over', by: 'checkin.issueKeys' }, // 领取钥匙即视为收房
  { from: 'handed_over', to: 'occupied', by: 'checkin.moveIn' },
  { from: 'handed_over', to: 'renovating', by: 'renovation.issuePermit' },
  { from: 'occupied', to: 'renovating', by: 'renovation.issuePermit' },
  { from: 'vacant', to: 'renovating', by: 'renovation.issuePermit' },
  { from: 'renovating', to: 'handed_over', by: 'renovation.close' },
  { from: 'renovating', to: 'occupied', by: 'renovation.close' },
  { from: 'occupied', to: 'vacant', by: 'checkin.moveOut' },
  { from: 'vacant', to: 'occupied', by: 'checkin.moveIn' },
  { from: 'handed_over', to: 'handed_over', by: 'checkin.transferOwnership' },
  { from: 'occupied', to: 'occupied', by: 'checkin.transferOwnership' },
  { from: 'vacant', to: 'vacant', by: 'checkin.transferOwnership' },
];

export const canTransition = (from: UnitStatus, to: UnitStatus, command: string): boolean =>
  UNIT_STATUS_TRANSITIONS.some((t) => t.from === from && t.to === to && t.by === command);

export interface PartyRecord {
  name: string;
  idType: IdType;
  /** In clear only inside the store; masked on every way out. */
  idNumber?: string | undefined;
  phone?: string | undefined;
}

export interface HouseholdRecord {
  type: HouseholdType;
  owner: PartyRecord;
  companyName?: string | undefined;
  delegate?: PartyRecord | undefined;
  occupants: PartyRecord[];
  debitAccount?: { bank: string; accountName: string; accountNumber: string } | undefined;
}

export interface EstateRecord {
  id: string;
  name: string;
  address?: string | undefined;
  serviceCentrePhone?: string | undefined;
  complaintPhone?: string | undefined;
  createdAt: string;
  version?: number | undefined;
}

export interface BuildingRecord {
  estateId: string;
  code: string;
  name?: string | undefined;
  floors?: number | undefined;
  version?: number | undefined;
}

/** Applies edits to an estate or building record: only the given fields change, the version moves by one. */
export const applyEdits = <T extends { version?: number | undefined }>(record: T, edits: Partial<T>): T => {
  const next = { ...record } as T;
  for (const [field, value] of Object.entries(edits)) {
    if (value !== undefined && field !== 'version') (next as Record<string, unknown>)[field] = value;
  }
  return { ...next, version: (record.version ?? 1) + 1 };
};

export interface UnitRecord {
  estateId: string;
  code: string;
  buildingCode: string;
  floor?: number | undefined;
  areaCentiM2: number;
  status: UnitStatus;
  statusSince: string;
  household?: HouseholdRecord | undefined;
  /** The day the keys were taken (交房), set by the check-in command. */
  receivedOn?: string | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** 8950 → "89.50" */
export const formatArea = (areaCentiM2: number): string =>
  `${Math.floor(areaCentiM2 / 100)}.${String(areaCentiM2 % 100).padStart(2, '0')}`;

const maskParty = (party: PartyRecord) => ({
  name: party.name,
  idType: party.idType,
  ...(party.idNumber ? { idNumberMasked: maskIdNumber(party.idNumber) } : {}),
  ...(party.phone ? { phone: party.phone } : {}),
});

export const maskHousehold = (household: HouseholdRecord) => ({
  type: household.type,
  typeLabel: HOUSEHOLD_LABELS[household.type],
  owner: maskParty(household.owner),
  ...(household.companyName ? { companyName: household.companyName } : {}),
  ...(household.delegate ? { delegate: maskParty(household.delegate) } : {}),
  occupants: household.occupants.map(maskParty),
  ...(household.debitAccount
    ? {
        debitAccount: {
          bank: household.debitAccount.bank,
          accountName: household.debitAccount.accountName,
          accountNumberMasked: maskBankAccount(household.debitAccount.accountNumber),
        },
      }
    : {}),
});

/** The unit as it may leave the store: ID numbers and bank accounts masked. */
export const unitView = (unit: UnitRecord) => ({
  estateId: unit.estateId,
  code: unit.code,
  buildingCode: unit.buildingCode,
  ...(unit.floor !== undefined ? { floor: unit.floor } : {}),
  area: formatArea(unit.areaCentiM2),
  areaCentiM2: unit.areaCentiM2,
  status: unit.status,
  statusLabel: UNIT_STATUS_LABELS[unit.status],
  statusSince: unit.statusSince,
  ...(unit.household ? { household: maskHousehold(unit.household) } : {}),
  ...(unit.receivedOn ? { receivedOn: unit.receivedOn } : {}),
  version: unit.version,
  createdAt: unit.createdAt,
  updatedAt: unit.updatedAt,
});

export interface NewUnit {
  code: string;
  buildingCode: string;
  floor?: number | undefined;
  areaCentiM2: number;
  status: UnitStatus;
  household?: HouseholdRecord | undefined;
}

export const newUnitRecord = (estateId: string, input: NewUnit, now: Date): UnitRecord => ({
  estateId,
  code: input.code,
  buildingCode: input.buildingCode,
  ...(input.floor !== undefined ? { floor: input.floor } : {}),
  areaCentiM2: input.areaCentiM2,
  status: input.status,
  statusSince: now.toISOString(),
  ...(input.household ? { household: input.household } : {}),
  version: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
});

export interface UnitChanges {
  floor?: number | undefined;
  areaCentiM2?: number | undefined;
  household?: HouseholdRecord | undefined;
}

/** Structural equality that ignores key order (the store does not keep it) and undefined members. */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
    const left = defined(a);
    const right = new Map(defined(b));
    return left.length === right.size && left.every(([k, v]) => right.has(k) && sameValue(v, right.get(k)));
  }
  return false;
};

/** Which editable fields the changes would actually change (status is never among them). */
export const changedFields = (unit: UnitRecord, changes: UnitChanges): Array<keyof UnitChanges> =>
  (['floor', 'areaCentiM2', 'household'] as const).filter(
    (field) => changes[field] !== undefined && !sameValue(changes[field], unit[field]),
  );

/** Applies editable changes; the version moves by one. */
export const applyUnitChanges = (unit: UnitRecord, changes: UnitChanges, now: Date): UnitRecord => {
  const next: UnitRecord = { ...unit, version: unit.version + 1, updatedAt: now.toISOString() };
  for (const field of changedFields(unit, changes)) {
    (next as unknown as Record<string, unknown>)[field] = changes[field];
  }
  return next;
};

/** Removes undefined members so stored records compare by content. */
export const normaliseHousehold = (household: HouseholdRecord): HouseholdRecord =>
  JSON.parse(JSON.stringify(household)) as HouseholdRecord;
