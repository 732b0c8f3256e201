import type { z } from 'zod';
import { loadCalendar } from '../calendar/calendar.commands';
import { unitItemWrite } from '../checkin/checkin.commands';
import { newId } from '../core/ids';
import { readFeeVersions, today } from '../fees/fees.store';
import type { Store } from '../store/client';
import { type AuditChange, type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import { canTransition, type UnitRecord, unitView } from '../units/units.domain';
import {
  checkExtension,
  checkTerm,
  type DocumentCode,
  formatPassNo,
  formatPermitNo,
  missingDocuments,
  type PermitStatus,
  permitTransition,
  REFUND_WAIT_WORKING_DAYS,
  requiredDocuments,
} from './renovation.domain';
import {
  documentNotDeclarable,
  documentNotRequired,
  documentsMissing,
  noOwnerOnUnit,
  passAlreadyReturned,
  passesNotPresented,
  passNotFound,
  permitAlreadyActive,
  returnNeedsReasons,
  termProblem,
  unitCannotRenovate,
  wrongStatus,
} from './renovation.errors';
import type {
  ApplyBody,
  DocumentBody,
  ExtensionBody,
  InspectionBody,
  InspectionRequestBody,
  PassesBody,
  ResubmitBody,
  ReturnPassBody,
  ReviewBody,
} from './renovation.schema';
import {
  activeMarkWrite,
  counterWrite,
  factsOf,
  type Permit,
  permitView,
  permitWrite,
  readCounter,
  readPermit,
  readRenovation,
} from './renovation.store';

/** Commands of a renovation permit (装修备案). Each change reads the permit, guards, and writes it with the version read. */
export const TAX_ITEM = 'renovation_tax';
export const actorRef = (ctx: CommandContext) => ({ id: ctx.actor.id, name: ctx.actor.name });
export type Where = { estateId: string; unitCode: string; permitId: string };

export const permitAudit = (p: Permit, action: string, before: unknown, after: unknown): AuditChange => ({
  entityType: 'renovationPermit',
  entityId: p.permitId,
  entityPk: keys.renovationPermit(p.estateId, p.unitCode, p.permitId).pk,
  action,
  before,
  after,
});

export const permitOutbox = (p: Permit): OutboxMessage => ({
  topic: 'renovation.changed',
  entityType: 'renovationPermit',
  entityId: p.permitId,
  payload: permitView(p),
});

/** The next status for `action`, or the named refusal. */
export const nextStatus = (p: Permit, action: string): PermitStatus => {
  const to = permitTransition(p.status, action);
  if (!to) throw wrongStatus(p.status, action);
  return to;
};

const unitChanged = (estateId: string, unitCode: string, action: string, before: UnitRecord, after: UnitRecord) => ({
  audit: {
    entityType: 'unit',
    entityId: `${estateId}/${unitCode}`,
    entityPk: keys.unit(estateId, unitCode).pk,
    action,
    before: { status: before.status },
    after: { status: after.status },
  } satisfies AuditChange,
  outbox: {
    topic: 'unit.changed',
    entityType: 'unit',
    entityId: `${estateId}/${unitCode}`,
    payload: unitView(after),
  } satisfies OutboxMessage,
});

/** The unit moves with the permit: to 装修中 when it is issued, back when it is closed. */
export const unitMove = (
  store: Store,
  ctx: CommandContext,
  unit: UnitRecord,
  to: UnitRecord['status'],
  command: 'renovation.issuePermit' | 'renovation.close',
) => {
  const next: UnitRecord = {
    ...unit,
    status: to,
    statusSince: ctx.now.toISOString(),
    updatedAt: ctx.now.toISOString(),
    version: unit.version + 1,
  };
  const changed = unitChanged(unit.estateId, unit.code, command, unit, next);
  return { write: unitItemWrite(store, next, unit.version), audit: changed.audit, outbox: changed.outbox };
};

/** Runs a change on one permit: read, guard, change, write with the version read (re-planned on conflict). */
export const changePermit = <R = ReturnType<typeof permitView>>(
  store: Store,
  ctx: CommandContext,
  name: string,
  where: Where,
  request: unknown,
  change: (p: Permit) => Promise<{
    next: Permit;
    writes?: PlannedWrite[];
    audit?: AuditChange[];
    outbox?: OutboxMessage[];
    result?: R;
  }>,
) =>
  runCommand(
    store,
    ctx,
    { name, request: { ...where, request } },
    async () => {
      const permit = await readPermit(store, where.estateId, where.unitCode, where.permitId);
      const outcome = await change(permit);
      return {
        writes: [...(outcome.writes ?? []), permitWrite(store, outcome.next, permit.version)],
        audit: [
          permitAudit(
            outcome.next,
            name.split('.')[1] ?? name,
            { status: permit.status, version: permit.version },
            { status: outcome.next.status, version: outcome.next.version },
          ),
          ...(outcome.audit ?? []),
        ],
        outbox: [permitOutbox(outcome.next), ...(outcome.outbox ?? [])],
        result: (outcome.result ?? permitView(outcome.next)) as R,
      };
    },
    { retriesOnConflict: 3 },
  );

const bump = (p: Permit, changes: Partial<Permit>): Permit => ({ ...p, ...changes, version: p.version + 1 });

/** Does the estate collect renovation tax on behalf (an on-behalf `renovation_tax` item in its fee schedule)? */
export const estateCollectsTax = async (store: Store, estateId: string) =>
  (await readFeeVersions(store, estateId)).get(TAX_ITEM)?.some((v) => v.category === 'on_behalf') ?? false;

// ---- application (装修备案表) ----

export const apply = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, input: z.output<typeof ApplyBody>) =>
  runCommand(store, ctx, { name: 'renovation.apply', request: { estateId, unitCode, ...input } }, async () => {
    const [unit, { active }, taxCollected] = await Promise.all([
      readUnit(store, estateId, unitCode),
      readRenovation(store, estateId, unitCode),
      estateCollectsTax(store, estateId),
    ]);
    if (!unit.household) throw noOwnerOnUnit(unitCode);
    if (active && active.status === 'active') throw permitAlreadyActive(unitCode, String(active.permitId));
    if (!canTransition(unit.status, 'renovating', 'renovation.issuePermit')) throw unitCannotRenovate(unitCode, unit.status);
    const term = checkTerm(input.plannedFrom, input.plannedTo);
    if (term) throw termProblem(term, '装修期限');
    const permit: Permit = {
      permitId: newId(ctx.now),
      estateId,
      unitCode,
      status: 'applied',
      applicationDate: today(ctx.now),
      ownerName: unit.household.owner.name,
      applicant: input.applicant,
      applicantIsOwner: input.applicantIsOwner,
      selfRenovation: input.selfRenovation,
      contractor: { ...(input.contractor.company ? { company: input.contractor.company } : {}), lead: input.contractor.lead },
      works: [...new Set(input.works)],
      mainWorks: input.mainWorks,
      nonResidential: input.nonResidential,
      plannedFrom: input.plannedFrom,
      plannedTo: input.plannedTo,
      taxCollected,
      documents: {},
      documentsToFollow: [],
      reviews: [],
      extensions: [],
      deposits: [],
      passes: [],
      inspections: [],
      notes: input.notes ? [{ at: ctx.now.toISOString(), by: ctx.actor.name, text: input.notes }] : [],
      createdAt: ctx.now.toISOString(),
      createdBy: actorRef(ctx),
      version: 1,
    };
    const view = permitView(permit);
    return {
      writes: [permitWrite(store, permit, undefined)],
      audit: [permitAudit(permit, 'apply', null, { works: permit.works, selfRenovation: permit.selfRenovation })],
      outbox: [permitOutbox(permit)],
      result: view,
    };
  });

// ---- documents ----

export const recordDocument = (
  store: Store,
  ctx: CommandContext,
  where: Where,
  code: DocumentCode,
  input: z.output<typeof DocumentBody>,
) =>
  changePermit(store, ctx, 'renovation.recordDocument', where, { code, ...input }, async (p) => {
    if (p.status === 'closed' || p.status === 'refund_pending') throw wrongStatus(p.status, 'recordDocument');
    const line = requiredDocuments(factsOf(p)).find((l) => l.code === code);
    if (!line) throw documentNotRequired(code);
    if (input.state === 'declared' && !line.declarable) throw documentNotDeclarable(code);
    return {
      next: bump(p, {
        documents: {
          ...p.documents,
          [code]: {
            state: input.state,
            ...(input.note ? { note: input.note } : {}),
            by: actorRef(ctx),
            at: ctx.now.toISOString(),
          },
        },
      }),
    };
  });

// ---- review and permit (装修负责人审核 → 《装修备案登记证》) ----

export const review = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof ReviewBody>) =>
  changePermit(store, ctx, `renovation.review_${input.decision}`, where, input, async (p) => {
    const record = {
      decision: input.decision,
      reasons: input.reasons,
      by: actorRef(ctx),
      at: ctx.now.toISOString(),
      ...(input.notes ? { notes: input.notes } : {}),
    };
    if (input.decision === 'return') {
      const to = nextStatus(p, 'return');
      if (input.reasons.length === 0) throw returnNeedsReasons();
      return { next: bump(p, { status: to, reviews: [...p.reviews, record] }) };
    }
    const to = nextStatus(p, 'approve');
    const missing = missingDocuments(requiredDocuments(factsOf(p)), p.documents);
    const stillMissing = missing.filter((code) => !input.documentsToFollow.includes(code));
    if (stillMissing.length > 0) throw documentsMissing(stillMissing);
    const term = input.term ?? { from: p.plannedFrom, to: p.plannedTo };
    const termCheck = checkTerm(term.from, term.to);
    if (termCheck) throw termProblem(termCheck, '装修期限');
    const [unit, counter, { active }] = await Promise.all([
      readUnit(store, p.estateId, p.unitCode),
      readCounter(store, p.estateId, 'renovationPermit'),
      readRenovation(store, p.estateId, p.unitCode),
    ]);
    if (active && active.status === 'active') throw permitAlreadyActive(p.unitCode, String(active.permitId));
    if (!canTransition(unit.status, 'renovating', 'renovation.issuePermit')) throw unitCannotRenovate(p.unitCode, unit.status);
    const next = bump(p, {
      status: to,
      reviews: [...p.reviews, record],
      permitNo: formatPermitNo(counter.next),
      term,
      issuedAt: ctx.now.toISOString(),
      agreementSigned: input.agreementSigned,
      unitStatusBefore: unit.status,
      documentsToFollow: missing,
    });
    const move = unitMove(store, ctx, unit, 'renovating', 'renovation.issuePermit');
    return {
      next,
      writes: [
        counterWrite(store, p.estateId, 'renovationPermit', counter),
        activeMarkWrite(store, next, 'active', () => permitAlreadyActive(p.unitCode, p.permitId)),
        move.write,
      ],
      audit: [move.audit],
      outbox: [move.outbox],
    };
  });

export const resubmit = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof ResubmitBody>) =>
  changePermit(store, ctx, 'renovation.resubmit', where, input, async (p) => ({
    next: bump(p, {
      status: nextStatus(p, 'resubmit'),
      notes: input.notes ? [...p.notes, { at: ctx.now.toISOString(), by: ctx.actor.name, text: input.notes }] : p.notes,
    }),
  }));

// ---- worker passes (临时出入卡) ----

const assertIssued = (p: Permit, action: string) => {
  if (!p.term || p.status === 'applied' || p.status === 'returned' || p.status === 'closed') throw wrongStatus(p.status, action);
  return p.term;
};

export const issuePasses = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof PassesBody>) =>
  changePermit(store, ctx, 'renovation.issuePasses', where, input, async (p) => {
    if (p.status !== 'active') throw wrongStatus(p.status, 'issuePasses');
    const term = assertIssued(p, 'issuePasses');
    const counter = await readCounter(store, p.estateId, 'renovationPass');
    const passes = input.workers.map((w, i) => ({
      passNo: formatPassNo(counter.next + i),
      worker: { name: w.worker.name, idNumber: String(w.worker.idNumber), ...(w.worker.phone ? { phone: w.worker.phone } : {}) },
      photoRefs: w.photoRefs,
      issuedOn: today(ctx.now),
      validUntil: term.to,
      extensions: [],
    }));
    return {
      next: bump(p, { passes: [...p.passes, ...passes] }),
      writes: [counterWrite(store, p.estateId, 'renovationPass', counter, passes.length)],
    };
  });

export const returnPass = (
  store: Store,
  ctx: CommandContext,
  where: Where,
  passNo: string,
  input: z.output<typeof ReturnPassBody>,
) =>
  changePermit(store, ctx, 'renovation.returnPass', where, { passNo, ...input }, async (p) => {
    assertIssued(p, 'returnPass');
    const pass = p.passes.find((x) => x.passNo === passNo);
    if (!pass) throw passNotFound(passNo);
    if (pass.returnedOn) throw passAlreadyReturned(passNo);
    const returnedOn = input.date ?? today(ctx.now);
    return {
      next: bump(p, {
        passes: p.passes.map((x) => (x.passNo === passNo ? { ...x, returnedOn, returnedTo: actorRef(ctx) } : x)),
      }),
    };
  });

// ---- extension (装修延期) ----

export const extend = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof ExtensionBody>) =>
  changePermit(store, ctx, 'renovation.extend', where, input, async (p) => {
    if (p.status !== 'active') throw wrongStatus(p.status, 'extend');
    const term = assertIssued(p, 'extend');
    const problem = checkExtension(term.to, input.to);
    if (problem) throw termProblem(problem, '延期');
    const open = p.passes.filter((x) => !x.returnedOn).map((x) => x.passNo);
    const notPresented = open.filter((no) => !input.passesPresented.includes(no));
    if (notPresented.length > 0) throw passesNotPresented(notPresented);
    const on = today(ctx.now);
    return {
      next: bump(p, {
        term: { from: term.from, to: input.to },
        extensions: [
          ...p.extensions,
          { from: term.to, to: input.to, grantedOn: on, by: actorRef(ctx), ...(input.notes ? { notes: input.notes } : {}) },
        ],
        passes: p.passes.map((x) =>
          x.returnedOn ? x : { ...x, validUntil: input.to, extensions: [...x.extensions, { to: input.to, on }] },
        ),
      }),
    };
  });

// ---- completion inspection (装修核查) ----

export const requestInspection = (
  store: Store,
  ctx: CommandContext,
  where: Where,
  input: z.output<typeof InspectionRequestBody>,
) =>
  changePermit(store, ctx, 'renovation.requestInspection', where, input, async (p) => ({
    next: bump(p, {
      status: nextStatus(p, 'requestInspection'),
      inspectionRequestedOn: today(ctx.now),
      notes: input.notes ? [...p.notes, { at: ctx.now.toISOString(), by: ctx.actor.name, text: input.notes }] : p.notes,
    }),
  }));

/** Pass or fail; a pass sets the refund due date: 7 China working days later (official calendar + overrides). */
export const recordInspection = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof InspectionBody>) =>
  changePermit(store, ctx, 'renovation.recordInspection', where, input, async (p) => {
    const date = input.date ?? today(ctx.now);
    const inspection = { result: input.result, findings: input.findings, date, by: actorRef(ctx) };
    if (input.result === 'fail') {
      return { next: bump(p, { status: nextStatus(p, 'failInspection'), inspections: [...p.inspections, inspection] }) };
    }
    const status = nextStatus(p, 'passInspection');
    const calendar = await loadCalendar(store);
    return {
      next: bump(p, {
        status,
        inspections: [...p.inspections, inspection],
        refundDueDate: calendar.addWorkingDays(date, REFUND_WAIT_WORKING_DAYS),
      }),
    };
  });

// ---- reads ----

export const listUnitPermits = async (store: Store, estateId: string, unitCode: string) => {
  await readUnit(store, estateId, unitCode);
  const { permits } = await readRenovation(store, estateId, unitCode);
  return permits.map(permitView);
};

export const listEstatePermits = async (store: Store, estateId: string) =>
  (await access.listEstateRenovations(store, estateId)).map((item) => {
    const { type: _type, ...rest } = stripKeys(item);
    return rest as unknown as Permit;
  });
