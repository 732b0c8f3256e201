import type { Role } from '../../functions/core/roles';
import { putFeeItemVersion } from '../../functions/fees/fee-schedule.commands';
import type { Store } from '../../functions/store/client';
import type { CommandContext } from '../../functions/store/commit';
import { putRosterDay, putTeam, putTicketSettings } from '../../functions/tickets/setup.commands';
import { RosterBody, TeamBody, TicketSettingsBody } from '../../functions/tickets/tickets.schema';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';

/** Shanghai wall-clock time → Date (UTC+08:00). */
export const sh = (local: string) => new Date(`${local}+08:00`);

/** A named staff member acting at a given time. */
export const as = (role: Role, id: string, name: string, now: Date, extra: Partial<CommandContext> = {}): CommandContext => ({
  ...context(role),
  actor: { id, name, role },
  now,
  ...extra,
});

export const CS_LEAD = { id: 'cs-lead-1', name: '陈主管' };
export const DEPT_HEAD = { id: 'head-1', name: '王主任' };
export const ENGINEERING_LEAD = { id: 'eng-lead', name: '李工长' };
export const DAY_TECH = { id: 'tech-day', name: '张师傅' };
export const NIGHT_TECH = { id: 'tech-night', name: '刘师傅' };
export const HOUSEKEEPING_LEAD = { id: 'hk-lead', name: '赵领班' };
export const CS_STAFF = { id: 'cs-staff', name: '孙客服' };

/**
 * The fee seed (estate lhy, unit 3-2-1501, receipt book R1 held by u-front_desk) plus the ticket set-up:
 * teams with leads, the escalation contacts, day and night rosters, and the paid-service fee item.
 */
export const seedTickets = async (label = 'tickets', rosterDates: string[] = ['2026-09-30', '2026-11-16', '2026-11-20']) => {
  const store: Store = await seedFees(label);
  const lead = context('cs_lead');
  await putTicketSettings(store, lead, 'lhy', TicketSettingsBody.parse({ csLead: CS_LEAD, departmentHead: DEPT_HEAD }));
  await putTeam(
    store,
    lead,
    'lhy',
    'engineering',
    TeamBody.parse({ name: '工程维修', lead: ENGINEERING_LEAD, members: [DAY_TECH, NIGHT_TECH] }),
  );
  await putTeam(store, lead, 'lhy', 'housekeeping', TeamBody.parse({ name: '家政保洁', lead: HOUSEKEEPING_LEAD }));
  await putTeam(store, lead, 'lhy', 'customer_service', TeamBody.parse({ name: '客服', lead: CS_LEAD, members: [CS_STAFF] }));
  for (const date of rosterDates) {
    await putRosterDay(
      store,
      lead,
      'lhy',
      'engineering',
      date,
      RosterBody.parse({
        shifts: [
          { name: '白班', from: '08:00', to: '20:00', staff: DAY_TECH },
          { name: '夜班', from: '20:00', to: '08:00', staff: NIGHT_TECH },
        ],
      }),
    );
    await putRosterDay(
      store,
      lead,
      'lhy',
      'customer_service',
      date,
      RosterBody.parse({ shifts: [{ name: '白班', from: '08:30', to: '17:30', staff: CS_STAFF }] }),
    );
  }
  await putFeeItemVersion(store, context('centre_head'), 'lhy', 'paid_service', {
    name: '有偿服务费',
    category: 'other',
    basis: 'entered',
    rateFen: 0,
    unitLabel: '次',
    effectiveFrom: '2026-01-01',
  });
  return store;
};
