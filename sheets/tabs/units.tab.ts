import { UNIT_STATUS_LABELS } from '../../functions/units/units.domain';
import type { TabLayout } from '../tab-layout';

/**
 * The 房号 tab: the unit registry as the desk looks it up (building, floor, area, status, owner, phone, debit
 * account). The owner's phone is staff-editable (the desk hears of a new number first: the same `updateUnit`
 * command as the API); everything else changes through the registry commands and the check-in steps.
 * ID numbers and bank accounts appear masked only (the store alone keeps them in full).
 */
export const UNITS_TAB: TabLayout = {
  tab: '房号',
  entity: 'unit',
  topic: 'unit.changed',
  sortBy: 'code',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 10, note: '房号（系统编号）' },
    { key: 'buildingCode', header: '楼栋', type: 'text', owner: 'system', width: 6 },
    { key: 'floor', header: '楼层', type: 'number', owner: 'system', width: 6 },
    { key: 'area', header: '建筑面积(㎡)', type: 'text', owner: 'system', width: 10 },
    { key: 'status', header: '状态', type: 'enum', owner: 'system', values: UNIT_STATUS_LABELS, width: 8 },
    { key: 'receivedOn', header: '交房日期', type: 'date', owner: 'system', width: 11 },
    { key: 'household.owner.name', header: '业主', type: 'text', owner: 'system', width: 10 },
    { key: 'household.owner.idNumberMasked', header: '证件号（脱敏）', type: 'text', owner: 'system', width: 20 },
    { key: 'household.owner.phone', header: '联系电话', type: 'phone', owner: 'staff', width: 13, note: '业主新电话可在此更正' },
    { key: 'household.debitAccount.accountNumberMasked', header: '托收账号（脱敏）', type: 'text', owner: 'system', width: 22 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14 },
  ],
};
