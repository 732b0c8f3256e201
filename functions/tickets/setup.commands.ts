import { VersionConflictError } from '../core/errors';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { readEstate } from '../units/units.commands';
import type { RosterDay, Team, TicketSettings } from './tickets.domain';
import { teamNotFound } from './tickets.errors';
import type { RosterInput, TeamInput, TicketSettingsInput } from './tickets.schema';
import { readSettings } from './tickets.store';

/** The estate's ticket set-up as data: routing rules and SLA targets, teams (班组), on-duty rosters (值班表). */

export const putTicketSettings = (store: Store, ctx: CommandContext, estateId: string, input: TicketSettingsInput) =>
  runCommand(store, ctx, { name: 'tickets.putSettings', request: { estateId, ...input } }, async () => {
    await readEstate(store, estateId);
    const before = await readSettings(store, estateId);
    if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
      throw new VersionConflictError('派单规则已被他人修改，请刷新后重试', { version: before.version });
    }
    const after: TicketSettings = {
      estateId,
      routing: { ...before.routing, ...input.routing },
      sla: { ...before.sla, ...input.sla, emergency: { ...before.sla.emergency, ...input.sla?.emergency } },
      csLead: input.csLead ?? before.csLead,
      departmentHead: input.departmentHead ?? before.departmentHead,
      version: before.version + 1,
    };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.ticketSettings(estateId), type: 'ticketSettings', ...after, updatedAt: ctx.now.toISOString() },
              ...(before.version === 0
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }),
            },
          },
          onConditionFailed: () => new VersionConflictError('派单规则已被他人修改，请刷新后重试'),
        },
      ],
      audit: [
        {
          entityType: 'ticketSettings',
          entityId: estateId,
          entityPk: keys.ticketSettings(estateId).pk,
          action: before.version === 0 ? 'create' : 'update',
          before: before.version === 0 ? null : before,
          after,
        },
      ],
      outbox: [{ topic: 'ticketSettings.changed', entityType: 'ticketSettings', entityId: estateId, payload: after }],
      result: after,
    };
  });

export const putTeam = (store: Store, ctx: CommandContext, estateId: string, teamCode: string, input: TeamInput) =>
  runCommand(store, ctx, { name: 'tickets.putTeam', request: { estateId, teamCode, ...input } }, async () => {
    await readEstate(store, estateId);
    const existing = await access.getTeam(store, estateId, teamCode);
    const team: Team = { estateId, code: teamCode, ...input };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.team(estateId, teamCode), type: 'team', ...team, updatedAt: ctx.now.toISOString() },
            },
          },
        },
      ],
      audit: [
        {
          entityType: 'team',
          entityId: `${estateId}/${teamCode}`,
          entityPk: keys.team(estateId, teamCode).pk,
          action: existing ? 'update' : 'create',
          before: existing ? stripKeys(existing) : null,
          after: team,
        },
      ],
      outbox: [{ topic: 'team.changed', entityType: 'team', entityId: `${estateId}/${teamCode}`, payload: team }],
      result: team,
    };
  });

export const putRosterDay = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  teamCode: string,
  date: string,
  input: RosterInput,
) =>
  runCommand(store, ctx, { name: 'tickets.putRoster', request: { estateId, teamCode, date, ...input } }, async () => {
    if (!(await access.getTeam(store, estateId, teamCode))) throw teamNotFound(teamCode);
    const before = await access.getRosterDay(store, estateId, teamCode, date);
    const roster: RosterDay = { estateId, teamCode, date, shifts: input.shifts };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.rosterDay(estateId, teamCode, date),
                type: 'rosterDay',
                ...roster,
                updatedAt: ctx.now.toISOString(),
              },
            },
          },
        },
      ],
      audit: [
        {
          entityType: 'rosterDay',
          entityId: `${estateId}/${teamCode}/${date}`,
          entityPk: keys.rosterDay(estateId, teamCode, date).pk,
          action: before ? 'update' : 'create',
          before: before ? stripKeys(before) : null,
          after: roster,
        },
      ],
      outbox: [
        { topic: 'roster.changed', entityType: 'rosterDay', entityId: `${estateId}/${teamCode}/${date}`, payload: roster },
      ],
      result: roster,
    };
  });

export const listTeams = async (store: Store, estateId: string) =>
  (await access.listTeams(store, estateId)).map((item) => {
    const { type: _type, ...team } = stripKeys(item);
    return team;
  });
