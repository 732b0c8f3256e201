import type { z } from 'zod';
import { newId } from '../core/ids';
import { formatFen } from '../core/money';
import type { Store } from '../store/client';
import { type CommandContext, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import { insufficientCredit, insufficientHeld, refundDecided, refundNotFound } from './fees.errors';
import type { RefundRequestBody } from './fees.schema';
import { accountView, accountWrite, entryWrite, ledgerAudit, ledgerOutbox, readAccount } from './fees.store';
import { releaseHeld, takeCredit } from './ledger.domain';

/**
 * Refunds and payouts: the desk never pays cash out on its own. A refund is requested (front desk or
 * cashier), then approved or rejected by the service-centre head; only the approval posts to the ledger.
 */
type RefundInput = z.output<typeof RefundRequestBody>;

export const requestRefund = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, input: RefundInput) =>
  runCommand(store, ctx, { name: 'fees.requestRefund', request: { estateId, unitCode, ...input } }, async () => {
    await readUnit(store, estateId, unitCode);
    const { account } = await readAccount(store, estateId, unitCode);
    if (input.source === 'credit' && input.amountFen > account.creditFen) throw insufficientCredit(account.creditFen);
    if (input.source === 'deposit' && input.amountFen > account.heldFen) throw insufficientHeld(account.heldFen);
    const refundId = newId(ctx.now);
    const request = {
      refundId,
      estateId,
      unitCode,
      ...input,
      status: 'pending',
      requestedAt: ctx.now.toISOString(),
      requestedBy: { id: ctx.actor.id, name: ctx.actor.name, role: ctx.actor.role },
    };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.refund(estateId, unitCode, refundId),
                ...keys.pendingRefundIndex(estateId, refundId),
                type: 'refundRequest',
                ...request,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      ],
      audit: [
        {
          entityType: 'refund',
          entityId: refundId,
          entityPk: keys.account(estateId, unitCode).pk,
          action: 'request',
          before: null,
          after: request,
        },
      ],
      outbox: [{ topic: 'refund.requested', entityType: 'refund', entityId: refundId, payload: request }],
      result: request,
    };
  });

/**
 * A decision is written once (a second one is refused) and takes the request off the pending list by
 * removing its index attributes; the request itself is otherwise unchanged.
 */
const decisionWrites = (
  store: Store,
  estateId: string,
  unitCode: string,
  refundId: string,
  decided: Record<string, unknown>,
): PlannedWrite[] => [
  {
    item: {
      Put: {
        TableName: store.tableName,
        Item: { ...keys.refundDecision(estateId, unitCode, refundId), type: 'refundDecision', ...decided },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: () => refundDecided(refundId),
  },
  {
    item: {
      Update: {
        TableName: store.tableName,
        Key: keys.refund(estateId, unitCode, refundId),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
      },
    },
  },
];

const readRefund = async (store: Store, estateId: string, unitCode: string, refundId: string) => {
  const items = await access.listRefunds(store, estateId, unitCode);
  const request = items.find((item) => item.sk === `REFUND#${refundId}`);
  if (!request) throw refundNotFound(refundId);
  const decision = items.find((item) => item.sk === `REFUND#${refundId}#DECISION`);
  return { request: stripKeys(request), decision: decision ? stripKeys(decision) : undefined };
};

/** The service-centre head approves: the refund is posted (credit or held deposit goes down) once. */
export const approveRefund = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  unitCode: string,
  refundId: string,
  note?: string,
) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.approveRefund', request: { estateId, unitCode, refundId, note } },
    async () => {
      const { request, decision } = await readRefund(store, estateId, unitCode, refundId);
      if (decision) throw refundDecided(refundId);
      const amountFen = Number(request.amountFen);
      const { account, exists } = await readAccount(store, estateId, unitCode);
      const next = request.source === 'credit' ? takeCredit(account, amountFen) : releaseHeld(account, amountFen);
      if ('problem' in next)
        throw next.problem === 'insufficient_credit' ? insufficientCredit(next.creditFen) : insufficientHeld(next.heldFen);
      const decided = {
        refundId,
        decision: 'approved',
        note,
        decidedAt: ctx.now.toISOString(),
        decidedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      const entry = {
        entryId: newId(ctx.now),
        entryKind: 'refund',
        refundId,
        source: request.source,
        amountFen,
        payee: request.payee,
        method: request.method,
        reason: request.reason,
        approvedBy: decided.decidedBy,
        balanceEffectFen: request.source === 'credit' ? amountFen : 0,
        postedAt: ctx.now.toISOString(),
        postedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      return {
        writes: [
          ...decisionWrites(store, estateId, unitCode, refundId, decided),
          entryWrite(store, estateId, unitCode, entry),
          accountWrite(store, next, account.version, exists, ctx.now),
        ],
        audit: [ledgerAudit(next, 'refund', account, next, { refundId, amount: formatFen(amountFen), source: request.source })],
        outbox: [
          ledgerOutbox(next, [entry]),
          { topic: 'refund.decided', entityType: 'refund', entityId: refundId, payload: decided },
        ],
        result: { ...request, status: 'approved', decision: decided, account: accountView(next) },
      };
    },
    { retriesOnConflict: 20 },
  );

export const rejectRefund = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  unitCode: string,
  refundId: string,
  note: string,
) =>
  runCommand(store, ctx, { name: 'fees.rejectRefund', request: { estateId, unitCode, refundId, note } }, async () => {
    const { request, decision } = await readRefund(store, estateId, unitCode, refundId);
    if (decision) throw refundDecided(refundId);
    const decided = {
      refundId,
      decision: 'rejected',
      note,
      decidedAt: ctx.now.toISOString(),
      decidedBy: { id: ctx.actor.id, name: ctx.actor.name },
    };
    return {
      writes: [...decisionWrites(store, estateId, unitCode, refundId, decided)],
      audit: [
        {
          entityType: 'refund',
          entityId: refundId,
          entityPk: keys.account(estateId, unitCode).pk,
          action: 'reject',
          before: request,
          after: decided,
        },
      ],
      outbox: [{ topic: 'refund.decided', entityType: 'refund', entityId: refundId, payload: decided }],
      result: { ...request, status: 'rejected', decision: decided },
    };
  });

export const listUnitRefunds = async (store: Store, estateId: string, unitCode: string) => {
  const items = (await access.listRefunds(store, estateId, unitCode)).map((item) => stripKeys(item));
  const decisions = new Map(items.filter((i) => i.type === 'refundDecision').map((d) => [String(d.refundId), d]));
  return items
    .filter((item) => item.type === 'refundRequest')
    .map((item) => {
      const decision = decisions.get(String(item.refundId));
      return { ...item, status: decision ? String(decision.decision) : 'pending', ...(decision ? { decision } : {}) };
    });
};
