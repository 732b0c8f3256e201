import type { z } from 'zod';
import { VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import { maskBankAccount, maskIdNumber } from '../core/personal-data.domain';
import { readAccount, today } from '../fees/fees.store';
import { settlementOrder } from '../fees/ledger.domain';
import type { Store } from '../store/client';
import { type AuditChange, type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { keys } from '../store/keys';
import { createTicket } from '../tickets/tickets.commands';
import { readUnit } from '../units/units.commands';
import {
  canTransition,
  type HouseholdRecord,
  maskHousehold,
  normaliseHousehold,
  type UnitRecord,
  unitView,
} from '../units/units.domain';
import { checkStep, type DocumentCode, missingDocuments, requiredDocuments, type StepName } from './checkin.domain';
import {
  caseAlreadyOpen,
  caseClosed,
  compensationNotApproved,
  defectClosed,
  defectNotFound,
  documentNotRequired,
  documentsMissing,
  keysBeforePayment,
  lateHandoverNotRecorded,
  noOwnerOnUnit,
  stepAlreadyDone,
  stepNeedsOwnCommand,
  stepNotInCase,
  stepOutOfOrder,
  transferBlockedByArrears,
  unitAlreadyReceived,
  unitNotReceived,
} from './checkin.errors';
import type {
  CloseDefectBody,
  CompleteStepBody,
  DocumentBody,
  InspectionBody,
  KeysBody,
  OpenCaseBody,
  TransferBody,
} from './checkin.schema';
import { type CheckinCase, caseView, caseWrite, type Defect, readCase, readCheckin } from './checkin.store';

/** Commands of a check-in case (入伙办理). Each step is one command; the case carries a version. */
const actorRef = (ctx: CommandContext) => ({ id: ctx.actor.id, name: ctx.actor.name });

export const unitItemWrite = (store: Store, next: UnitRecord, readVersion: number): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.unit(next.estateId, next.code),
        ...keys.unitIndex(next.estateId, next.buildingCode, next.code),
        type: 'unit',
        ...next,
      },
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': readVersion },
    },
  },
  onConditionFailed: () => new VersionConflictError('房屋信息已被他人同时修改，请重试', { unitCode: next.code }),
});

export const caseAudit = (c: CheckinCase, action: string, before: unknown, after: unknown): AuditChange => ({
  entityType: 'checkinCase',
  entityId: c.caseId,
  entityPk: keys.checkinCase(c.estateId, c.unitCode, c.caseId).pk,
  action,
  before,
  after,
});

export const caseOutbox = (c: CheckinCase, defects: Defect[]): OutboxMessage => ({
  topic: 'checkin.changed',
  entityType: 'checkinCase',
  entityId: c.caseId,
  payload: caseView(c, defects),
});

/** A transfer waits until the previous owner owes nothing; the refusal lists what is owed. */
const assertNoArrears = async (store: Store, estateId: string, unitCode: string) => {
  const { account } = await readAccount(store, estateId, unitCode);
  if (account.owedFen === 0) return;
  const lines = settlementOrder(account).map((o) => ({
    itemName: o.itemName,
    period: o.period,
    outstandingFen: o.outstandingFen,
  }));
  throw transferBlockedByArrears(lines, account.owedFen);
};

/** Step guard: the case is open and the step may be completed now. */
export const guardStep = (c: CheckinCase, step: StepName) => {
  if (c.status !== 'open') throw caseClosed(c.caseId);
  const problem = checkStep(c.kind, c.steps, step);
  if (!problem) return;
  if (problem.problem === 'not_in_case') throw stepNotInCase(step);
  if (problem.problem === 'already_done') throw stepAlreadyDone(step);
  if (step === 'keys' && problem.missing.includes('fees')) throw keysBeforePayment();
  throw stepOutOfOrder(step, problem.missing);
};

export const withStep = (c: CheckinCase, step: StepName, ctx: CommandContext, notes?: string): CheckinCase => ({
  ...c,
  steps: { ...c.steps, [step]: { by: actorRef(ctx), at: ctx.now.toISOString(), ...(notes ? { notes } : {}) } },
  notes: notes ? [...c.notes, { at: ctx.now.toISOString(), by: ctx.actor.name, step, text: notes }] : c.notes,
  version: c.version + 1,
});

type OpenInput = z.output<typeof OpenCaseBody>;

export const openCase = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, input: OpenInput) =>
  runCommand(store, ctx, { name: 'checkin.openCase', request: { estateId, unitCode, ...input } }, async () => {
    const unit = await readUnit(store, estateId, unitCode);
    if (input.kind === 'handover' && unit.status !== 'not_handed_over') throw unitAlreadyReceived(unitCode);
    if (input.kind === 'transfer' && unit.status === 'not_handed_over') throw unitNotReceived(unitCode);
    if (input.kind === 'handover' && !unit.household) throw noOwnerOnUnit(unitCode);
    const caseId = newId(ctx.now);
    const checkinCase: CheckinCase = {
      caseId,
      estateId,
      unitCode,
      kind: input.kind,
      householdType: unit.household?.type ?? 'family',
      status: 'open',
      steps: {},
      documents: {},
      ...(input.lateHandover ? { lateHandover: input.lateHandover } : {}),
      keyLog: [],
      notes: input.notes ? [{ at: ctx.now.toISOString(), by: ctx.actor.name, text: input.notes }] : [],
      openedAt: ctx.now.toISOString(),
      openedBy: actorRef(ctx),
      version: 1,
    };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.checkinActive(estateId, unitCode), type: 'checkinActive', caseId, status: 'open' },
              ConditionExpression: 'attribute_not_exists(pk) OR #s = :archived',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':archived': 'archived' },
            },
          },
          onConditionFailed: () => caseAlreadyOpen(unitCode),
        },
        caseWrite(store, checkinCase, undefined),
      ],
      audit: [caseAudit(checkinCase, 'open', null, { kind: checkinCase.kind, lateHandover: checkinCase.lateHandover })],
      outbox: [caseOutbox(checkinCase, [])],
      result: caseView(checkinCase, []),
    };
  });

/** Runs a change on one case: read, guard, change, write with the version read. */
export const changeCase = <R>(
  store: Store,
  ctx: CommandContext,
  name: string,
  where: { estateId: string; unitCode: string; caseId: string },
  request: unknown,
  change: (
    c: CheckinCase,
    defects: Defect[],
  ) => Promise<{
    next: CheckinCase;
    writes?: PlannedWrite[];
    audit?: AuditChange[];
    outbox?: OutboxMessage[];
    defects?: Defect[];
    result?: R;
  }>,
) =>
  runCommand(
    store,
    ctx,
    { name, request: { ...where, request } },
    async () => {
      const { checkinCase, defects } = await readCase(store, where.estateId, where.unitCode, where.caseId);
      const outcome = await change(checkinCase, defects);
      const allDefects = outcome.defects ?? defects;
      const view = caseView(outcome.next, allDefects);
      return {
        writes: [...(outcome.writes ?? []), caseWrite(store, outcome.next, checkinCase.version)],
        audit: [
          caseAudit(
            outcome.next,
            name.split('.')[1] ?? name,
            { version: checkinCase.version },
            { version: outcome.next.version },
          ),
          ...(outcome.audit ?? []),
        ],
        outbox: [caseOutbox(outcome.next, allDefects), ...(outcome.outbox ?? [])],
        result: (outcome.result ?? view) as R | ReturnType<typeof caseView>,
      };
    },
    { retriesOnConflict: 3 },
  );

type Where = { estateId: string; unitCode: string; caseId: string };

export const recordDocument = (
  store: Store,
  ctx: CommandContext,
  where: Where,
  code: DocumentCode,
  input: z.output<typeof DocumentBody>,
) =>
  changeCase(store, ctx, 'checkin.recordDocument', where, { code, ...input }, async (c) => {
    if (c.status !== 'open') throw caseClosed(c.caseId);
    if (!requiredDocuments(c.kind, c.householdType, Boolean(c.lateHandover)).includes(code)) throw documentNotRequired(code);
    return {
      next: {
        ...c,
        documents: {
          ...c.documents,
          [code]: {
            state: input.state,
            ...(input.reason ? { reason: input.reason } : {}),
            by: actorRef(ctx),
            at: ctx.now.toISOString(),
          },
        },
        version: c.version + 1,
      },
    };
  });

/**
 * Completes a step that has no command of its own: reception (documents complete), finance (receipts
 * verified; approved late-handover compensation; discount agreement), settlement (transfer: previous
 * owner has no arrears), archive.
 */
export const completeStep = (
  store: Store,
  ctx: CommandContext,
  where: Where,
  step: StepName,
  input: z.output<typeof CompleteStepBody>,
) =>
  changeCase(store, ctx, `checkin.complete_${step}`, where, { step, ...input }, async (c) => {
    if (!['reception', 'finance', 'settlement', 'archive'].includes(step)) throw stepNeedsOwnCommand(step);
    guardStep(c, step);
    let next = withStep(c, step, ctx, input.notes);
    const writes: PlannedWrite[] = [];
    if (step === 'reception') {
      const missing = missingDocuments(requiredDocuments(c.kind, c.householdType, Boolean(c.lateHandover)), c.documents);
      if (missing.length > 0) throw documentsMissing(missing);
    }
    if (step === 'finance') {
      const finance = input.finance;
      if (!finance) throw stepOutOfOrder('finance', []);
      if (finance.approvedCompensationFen !== undefined && !c.lateHandover) throw lateHandoverNotRecorded();
      if (c.lateHandover && finance.approvedCompensationFen === undefined) throw compensationNotApproved();
      next = {
        ...next,
        ...(c.lateHandover
          ? { lateHandover: { ...c.lateHandover, approvedCompensationFen: finance.approvedCompensationFen } }
          : {}),
        ...(finance.discount ? { discount: finance.discount } : {}),
      };
    }
    if (step === 'settlement') {
      await assertNoArrears(store, c.estateId, c.unitCode);
    }
    if (step === 'archive') {
      next = { ...next, status: 'archived' };
      writes.push({
        item: {
          Put: {
            TableName: store.tableName,
            Item: { ...keys.checkinActive(c.estateId, c.unitCode), type: 'checkinActive', caseId: c.caseId, status: 'archived' },
          },
        },
      });
    }
    return { next, writes };
  });

/** Keys and access cards, only after the fees are paid; taking the keys means the unit is received (交房). */
export const issueKeys = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof KeysBody>) =>
  changeCase(store, ctx, 'checkin.issueKeys', where, input, async (c) => {
    guardStep(c, 'keys');
    const date = input.date ?? today(ctx.now);
    const unit = await readUnit(store, c.estateId, c.unitCode);
    if (!canTransition(unit.status, 'handed_over', 'checkin.issueKeys')) throw unitAlreadyReceived(c.unitCode);
    const nextUnit: UnitRecord = {
      ...unit,
      status: 'handed_over',
      statusSince: ctx.now.toISOString(),
      receivedOn: date,
      updatedAt: ctx.now.toISOString(),
      version: unit.version + 1,
    };
    const next: CheckinCase = {
      ...withStep(c, 'keys', ctx),
      keyLog: [...c.keyLog, ...input.items.map((item) => ({ ...item, receivedBy: input.receivedBy, date, by: actorRef(ctx) }))],
      receivedOn: date,
    };
    return {
      next,
      writes: [unitItemWrite(store, nextUnit, unit.version)],
      audit: [
        {
          entityType: 'unit',
          entityId: `${c.estateId}/${c.unitCode}`,
          entityPk: keys.unit(c.estateId, c.unitCode).pk,
          action: 'handedOver',
          before: { status: unit.status },
          after: { status: 'handed_over', receivedOn: date },
        },
      ],
      outbox: [
        { topic: 'unit.changed', entityType: 'unit', entityId: `${c.estateId}/${c.unitCode}`, payload: unitView(nextUnit) },
      ],
    };
  });

/** Inspection (验房): opening meter readings become the unit's first readings; each defect a rectification record. */
export const recordInspection = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof InspectionBody>) =>
  changeCase(store, ctx, 'checkin.recordInspection', where, input, async (c, defects) => {
    guardStep(c, 'inspection');
    const date = today(ctx.now);
    const newDefects: Defect[] = input.defects.map((d) => ({
      defectId: newId(ctx.now),
      caseId: c.caseId,
      ...d,
      status: 'open',
      openedAt: ctx.now.toISOString(),
    }));
    const readings = Object.entries(input.readings).filter(([, value]) => value !== undefined) as Array<[string, number]>;
    const writes: PlannedWrite[] = [
      ...readings.map(([meter, value]) => ({
        item: {
          Put: {
            TableName: store.tableName,
            Item: {
              ...keys.meterReading(c.estateId, c.unitCode, date, meter),
              type: 'meterReading',
              estateId: c.estateId,
              unitCode: c.unitCode,
              meter,
              value,
              date,
              kind: 'opening',
              by: actorRef(ctx),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      })),
      ...newDefects.map((d) => ({
        item: {
          Put: {
            TableName: store.tableName,
            Item: {
              ...keys.defect(c.estateId, c.unitCode, d.defectId),
              type: 'defect',
              estateId: c.estateId,
              unitCode: c.unitCode,
              ...d,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      })),
    ];
    return {
      next: {
        ...withStep(c, 'inspection', ctx, input.notes),
        inspection: { date, readings: Object.fromEntries(readings), defectIds: newDefects.map((d) => d.defectId) },
      },
      writes,
      defects: [...defects, ...newDefects],
    };
  });

/** A rectification record (《房屋整改记录表》) followed to closure. */
export const closeDefect = (
  store: Store,
  ctx: CommandContext,
  where: Where,
  defectId: string,
  input: z.output<typeof CloseDefectBody>,
) =>
  runCommand(store, ctx, { name: 'checkin.closeDefect', request: { ...where, defectId, ...input } }, async () => {
    const { checkinCase, defects } = await readCase(store, where.estateId, where.unitCode, where.caseId);
    const defect = defects.find((d) => d.defectId === defectId);
    if (!defect) throw defectNotFound(defectId);
    if (defect.status === 'closed') throw defectClosed(defectId);
    const closed: Defect = {
      ...defect,
      status: 'closed',
      closedAt: ctx.now.toISOString(),
      resolution: input.resolution,
      closedBy: actorRef(ctx),
    };
    const all = defects.map((d) => (d.defectId === defectId ? closed : d));
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.defect(where.estateId, where.unitCode, defectId),
                type: 'defect',
                estateId: where.estateId,
                unitCode: where.unitCode,
                ...closed,
              },
              ConditionExpression: '#s = :open',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':open': 'open' },
            },
          },
          onConditionFailed: () => defectClosed(defectId),
        },
      ],
      audit: [caseAudit(checkinCase, 'closeDefect', defect, closed)],
      outbox: [caseOutbox(checkinCase, all)],
      result: closed,
    };
  });

/**
 * Transfer of ownership (转让房新业主入住): the previous owner's fees are settled (checked again here), the owner
 * changes from the effective date, the old owner's record is kept in the unit's owner history, and finance and
 * the information clerk are told (outbox `notice.finance`).
 */
export const completeTransfer = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof TransferBody>) =>
  changeCase(store, ctx, 'checkin.completeTransfer', where, input, async (c) => {
    guardStep(c, 'transfer');
    await assertNoArrears(store, c.estateId, c.unitCode);
    const unit = await readUnit(store, c.estateId, c.unitCode);
    if (!canTransition(unit.status, unit.status, 'checkin.transferOwnership')) throw unitNotReceived(c.unitCode);
    const household = normaliseHousehold(input.household as HouseholdRecord);
    const previous = unit.household;
    const nextUnit: UnitRecord = { ...unit, household, updatedAt: ctx.now.toISOString(), version: unit.version + 1 };
    const historyId = newId(ctx.now);
    const notice = {
      kind: 'ownership-transfer',
      estateId: c.estateId,
      unitCode: c.unitCode,
      effectiveDate: input.effectiveDate,
      oldOwner: previous ? { name: previous.owner.name, phone: previous.owner.phone } : null,
      newOwner: {
        name: household.owner.name,
        phone: household.owner.phone,
        ...(household.owner.idNumber ? { idNumberMasked: maskIdNumber(household.owner.idNumber) } : {}),
      },
      ...(household.debitAccount
        ? {
            debitAccount: {
              bank: household.debitAccount.bank,
              accountNumberMasked: maskBankAccount(household.debitAccount.accountNumber),
            },
          }
        : {}),
      text: `房号 ${c.unitCode} 自 ${input.effectiveDate} 起业主由 ${previous?.owner.name ?? '（未登记）'} 变更为 ${household.owner.name}，请财务与信息员更新托收与通讯录。`,
    };
    return {
      next: {
        ...withStep(c, 'transfer', ctx, input.notes),
        householdType: household.type,
        transfer: {
          effectiveDate: input.effectiveDate,
          previousOwner: previous ? maskHousehold(previous) : null,
          newOwner: maskHousehold(household),
        },
      },
      writes: [
        ...(previous
          ? [
              {
                item: {
                  Put: {
                    TableName: store.tableName,
                    Item: {
                      ...keys.ownerHistory(c.estateId, c.unitCode, input.effectiveDate, historyId),
                      type: 'ownerHistory',
                      household: previous,
                      until: input.effectiveDate,
                      caseId: c.caseId,
                    },
                  },
                },
              },
            ]
          : []),
        unitItemWrite(store, nextUnit, unit.version),
      ],
      audit: [
        {
          entityType: 'unit',
          entityId: `${c.estateId}/${c.unitCode}`,
          entityPk: keys.unit(c.estateId, c.unitCode).pk,
          action: 'transferOwnership',
          before: previous ? maskHousehold(previous) : null,
          after: maskHousehold(household),
        },
      ],
      outbox: [
        { topic: 'notice.finance', entityType: 'unit', entityId: `${c.estateId}/${c.unitCode}`, payload: notice },
        { topic: 'unit.changed', entityType: 'unit', entityId: `${c.estateId}/${c.unitCode}`, payload: unitView(nextUnit) },
      ],
    };
  });

export const listCases = async (store: Store, estateId: string, unitCode: string) => {
  await readUnit(store, estateId, unitCode);
  const { cases, defects } = await readCheckin(store, estateId, unitCode);
  return cases.map((c) => {
    const { type: _type, ...rest } = c as CheckinCase & { type?: string };
    return caseView(
      rest as CheckinCase,
      defects.filter((d) => d.caseId === c.caseId),
    );
  });
};

export const assertNoOpenCase = async (store: Store, estateId: string, unitCode: string) => {
  const { active } = await readCheckin(store, estateId, unitCode);
  if (active && active.status === 'open') throw caseAlreadyOpen(unitCode);
};

const RESPONSIBILITY_LABELS = { developer: '开发商', owner: '业主' } as const;

/**
 * Inspection, then one rectification ticket (整改工单) per defect through the ticket command, so defects are
 * dispatched and followed to closure like any repair. Retry-safe: the inspection replays under its own key and
 * each ticket is created under `checkin-defect:<defectId>`, so a retry after a crash creates nothing twice.
 */
export const inspectAndOpenTickets = async (
  store: Store,
  ctx: CommandContext,
  where: Where,
  input: z.output<typeof InspectionBody>,
) => {
  const inspected = await recordInspection(store, ctx, where, input);
  const view = inspected.result as ReturnType<typeof caseView>;
  const ids = new Set(view.inspection?.defectIds ?? []);
  const tickets: Array<{ defectId: string; ticketId: string; ticketNo: string }> = [];
  for (const defect of view.defects.filter((d) => ids.has(d.defectId))) {
    const created = await createTicket(store, { ...ctx, idempotencyKey: `checkin-defect:${defect.defectId}` }, where.estateId, {
      channel: 'staff_round',
      kind: 'repair',
      unitCode: where.unitCode,
      description: `【验房整改】${defect.location}：${defect.description}（责任方：${RESPONSIBILITY_LABELS[defect.responsibility]}；入伙办理单 ${where.caseId}，整改记录 ${defect.defectId}）`,
      reportedBy: { name: ctx.actor.name },
      visitNeeded: true,
    });
    const ticket = created.result as { ticketId: string; ticketNo: string };
    tickets.push({ defectId: defect.defectId, ticketId: ticket.ticketId, ticketNo: ticket.ticketNo });
  }
  return { ...view, rectificationTickets: tickets };
};
