import { VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import type { Store } from '../store/client';
import { type AuditChange, type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { estateMustExist } from '../units/units.commands';
import {
  bookClosed,
  bookExhausted,
  bookExists,
  bookKindMismatch,
  correctsNotVoid,
  invoiceDateBackwards,
  notAReceipt,
  notBookHolder,
  voucherAlreadyVoid,
  voucherExchanged,
  voucherNotFound,
  voucherVoided,
} from './fees.errors';
import { accountView, accountWrite, entryWrite, ledgerAudit, ledgerOutbox, readAccount, readBook, today } from './fees.store';
import { type OpenCharge, reversePayment } from './ledger.domain';
import {
  buildVoucher,
  nextNumber,
  type PaymentMethod,
  VOUCHER_KINDS,
  type Voucher,
  type VoucherBook,
  type VoucherKind,
  type VoucherLine,
} from './vouchers.domain';

const MAY_USE_ANY_BOOK = new Set(['cashier', 'centre_head', 'admin']);
const RETRIES = 60;

export interface VoucherRequest {
  estateId: string;
  unitCode?: string | undefined;
  bookId: string;
  kind: VoucherKind;
  date: string;
  payer: string;
  lines: VoucherLine[];
  method: PaymentMethod;
  paymentEntryId?: string | undefined;
  corrects?: string | undefined;
  exchangeOf?: string | undefined;
}

/** "R2026-01-000012" → book and number. */
export const parseVoucherNo = (voucherNo: string) => {
  const match = /^(.+)-(\d{6,})$/.exec(voucherNo);
  return match ? { bookId: match[1] as string, number: Number(match[2]) } : undefined;
};

export interface VoucherState {
  voucher: Voucher;
  void?: { voidedAt: string; voidedBy: { id: string; name: string }; reason: string } | undefined;
  exchangedTo?: string | undefined;
}

export const readVoucher = async (
  store: Store,
  estateId: string,
  bookId: string,
  number: number,
): Promise<VoucherState | undefined> => {
  const items = await access.getVoucherWithMarks(store, estateId, bookId, number);
  const base = keys.voucher(estateId, bookId, number).sk;
  const voucherItem = items.find((item) => item.sk === base);
  if (!voucherItem) return undefined;
  const voidItem = items.find((item) => item.sk === `${base}#VOID`);
  const exchanged = items.find((item) => item.sk === `${base}#EXCHANGED`);
  const { type: _t, ...voucher } = stripKeys(voucherItem);
  return {
    voucher: voucher as unknown as Voucher,
    ...(voidItem
      ? {
          void: {
            voidedAt: String(voidItem.voidedAt),
            voidedBy: voidItem.voidedBy as { id: string; name: string },
            reason: String(voidItem.reason),
          },
        }
      : {}),
    ...(exchanged ? { exchangedTo: String(exchanged.invoiceNo) } : {}),
  };
};

export const voucherStateView = (state: VoucherState) => ({
  ...state.voucher,
  status: state.void ? 'voided' : 'issued',
  statusLabel: state.void ? '已作废' : '有效',
  ...(state.void ? { void: state.void } : {}),
  ...(state.exchangedTo ? { exchangedTo: state.exchangedTo } : {}),
});

/**
 * The writes that issue one voucher: the book's counter moves by exactly one (conditional on the number
 * read, so numbers have no gaps and no repeats under concurrency) and the voucher is stored.
 */
export const issueVoucherWrites = async (
  store: Store,
  ctx: CommandContext,
  request: VoucherRequest,
): Promise<{ voucher: Voucher; writes: PlannedWrite[]; audit: AuditChange; outbox: OutboxMessage }> => {
  const book = await readBook(store, request.estateId, request.bookId);
  if (book.kind !== request.kind) throw bookKindMismatch(book.bookId, VOUCHER_KINDS[request.kind]);
  const numbered = nextNumber(book, request.date, ctx.actor, { allowOtherIssuer: MAY_USE_ANY_BOOK.has(ctx.actor.role) });
  if ('problem' in numbered) {
    if (numbered.problem === 'book_closed') throw bookClosed(book.bookId);
    if (numbered.problem === 'book_exhausted') throw bookExhausted(book.bookId, numbered.lastNumber);
    if (numbered.problem === 'not_holder') throw notBookHolder(book.bookId);
    throw invoiceDateBackwards(book.bookId, numbered.lastDate, numbered.date);
  }
  if (request.corrects) {
    const target = parseVoucherNo(request.corrects);
    const state = target && (await readVoucher(store, request.estateId, target.bookId, target.number));
    if (!state) throw voucherNotFound(request.corrects);
    if (!state.void) throw correctsNotVoid(request.corrects);
  }
  const voucher = buildVoucher({
    bookId: book.bookId,
    number: numbered.number,
    kind: book.kind,
    date: request.date,
    payer: request.payer,
    estateId: request.estateId,
    unitCode: request.unitCode,
    lines: request.lines,
    method: request.method,
    issuer: { id: ctx.actor.id, name: ctx.actor.name },
    issuedAt: ctx.now.toISOString(),
    paymentEntryId: request.paymentEntryId,
    exchangeOf: request.exchangeOf,
    corrects: request.corrects,
  });
  const lastDate = book.kind === 'invoice' && (!book.lastDate || request.date > book.lastDate) ? request.date : book.lastDate;
  const writes: PlannedWrite[] = [
    {
      item: {
        Update: {
          TableName: store.tableName,
          Key: keys.book(request.estateId, book.bookId),
          UpdateExpression: lastDate ? 'SET nextNumber = :next, lastDate = :lastDate' : 'SET nextNumber = :next',
          ConditionExpression: 'nextNumber = :n AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':n': numbered.number,
            ':next': numbered.number + 1,
            ':open': 'open',
            ...(lastDate ? { ':lastDate': lastDate } : {}),
          },
        },
      },
      onConditionFailed: () => new VersionConflictError('票据号已被同时使用，请重试', { bookId: book.bookId }),
    },
    {
      item: {
        Put: {
          TableName: store.tableName,
          Item: { ...keys.voucher(request.estateId, book.bookId, numbered.number), type: 'voucher', ...voucher },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      onConditionFailed: () => new VersionConflictError('票据号已被同时使用，请重试', { bookId: book.bookId }),
    },
  ];
  return {
    voucher,
    writes,
    audit: {
      entityType: 'voucher',
      entityId: voucher.voucherNo,
      entityPk: keys.book(request.estateId, book.bookId).pk,
      action: 'issue',
      before: null,
      after: { voucherNo: voucher.voucherNo, amountFen: voucher.amountFen, payer: voucher.payer, kind: voucher.kind },
    },
    outbox: { topic: 'voucher.issued', entityType: 'voucher', entityId: voucher.voucherNo, payload: voucher },
  };
};

export const createBook = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  input: { bookId: string; kind: VoucherKind; holder: { id: string; name: string }; firstNumber: number; lastNumber: number },
) =>
  runCommand(store, ctx, { name: 'fees.createBook', request: { estateId, ...input } }, async () => {
    const book: VoucherBook = {
      ...input,
      estateId,
      nextNumber: input.firstNumber,
      status: 'open',
      issuedAt: ctx.now.toISOString(),
    };
    return {
      writes: [
        estateMustExist(store, estateId),
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.book(estateId, input.bookId),
                ...keys.bookIndex(estateId, input.bookId),
                type: 'voucherBook',
                ...book,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => bookExists(input.bookId),
        },
      ],
      audit: [
        {
          entityType: 'voucherBook',
          entityId: input.bookId,
          entityPk: keys.book(estateId, input.bookId).pk,
          action: 'issue',
          before: null,
          after: book,
        },
      ],
      outbox: [{ topic: 'voucherBook.changed', entityType: 'voucherBook', entityId: input.bookId, payload: book }],
      result: book,
    };
  });

export const closeBook = (store: Store, ctx: CommandContext, estateId: string, bookId: string) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.closeBook', request: { estateId, bookId } },
    async () => {
      const book = await readBook(store, estateId, bookId);
      const closed: VoucherBook = { ...book, status: 'closed' };
      return {
        writes: [
          {
            item: {
              Update: {
                TableName: store.tableName,
                Key: keys.book(estateId, bookId),
                UpdateExpression: 'SET #status = :closed',
                ConditionExpression: 'nextNumber = :n',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':closed': 'closed', ':n': book.nextNumber },
              },
            },
          },
        ],
        audit: [
          {
            entityType: 'voucherBook',
            entityId: bookId,
            entityPk: keys.book(estateId, bookId).pk,
            action: 'close',
            before: book,
            after: closed,
          },
        ],
        outbox: [{ topic: 'voucherBook.changed', entityType: 'voucherBook', entityId: bookId, payload: closed }],
        result: closed,
      };
    },
    { retriesOnConflict: 5 },
  );

/**
 * Voids (作废) a voucher: the number stays, who/when/why is recorded, and a payment's ledger effect is
 * reversed by a new entry. A second void is refused; a receipt already exchanged for an invoice is refused.
 */
export const voidVoucher = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  bookId: string,
  number: number,
  reason: string,
) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.voidVoucher', request: { estateId, bookId, number, reason } },
    async () => {
      const state = await readVoucher(store, estateId, bookId, number);
      const voucherNo = `${bookId}-${String(number).padStart(6, '0')}`;
      if (!state) throw voucherNotFound(voucherNo);
      if (state.void) throw voucherAlreadyVoid(voucherNo);
      if (state.exchangedTo) throw voucherExchanged(voucherNo, state.exchangedTo);
      const voucher = state.voucher;
      const voidRecord = { voidedAt: ctx.now.toISOString(), voidedBy: { id: ctx.actor.id, name: ctx.actor.name }, reason };
      const writes: PlannedWrite[] = [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.voucherVoid(estateId, bookId, number), type: 'voucherVoid', voucherNo, ...voidRecord },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => voucherAlreadyVoid(voucherNo),
        },
      ];
      const audit: AuditChange[] = [
        {
          entityType: 'voucher',
          entityId: voucherNo,
          entityPk: keys.book(estateId, bookId).pk,
          action: 'void',
          before: { status: 'issued' },
          after: { status: 'voided', ...voidRecord },
        },
      ];
      const outbox: OutboxMessage[] = [
        { topic: 'voucher.voided', entityType: 'voucher', entityId: voucherNo, payload: { voucherNo, ...voidRecord } },
      ];
      let account: ReturnType<typeof accountView> | undefined;
      if (voucher.paymentEntryId && voucher.unitCode && !voucher.exchangeOf) {
        const unitCode = voucher.unitCode;
        const payment = await access.getEntry(store, estateId, unitCode, voucher.paymentEntryId);
        if (!payment) throw voucherNotFound(voucherNo);
        const allocations = payment.allocations as Array<{ chargeId: string; amountFen: number }>;
        const charges: Record<string, OpenCharge> = {};
        for (const { chargeId } of allocations) {
          const charge = await access.getEntry(store, estateId, unitCode, chargeId);
          if (charge) {
            charges[chargeId] = {
              chargeId,
              itemCode: String(charge.itemCode),
              itemName: String(charge.itemName),
              category: charge.category as OpenCharge['category'],
              period: String(charge.period),
              amountFen: Number(charge.amountFen),
              outstandingFen: 0,
              dueDate: String(charge.dueDate),
            };
          }
        }
        const { account: before, exists } = await readAccount(store, estateId, unitCode);
        const reversalId = newId(ctx.now);
        const shortfallId = newId(ctx.now);
        const reversed = reversePayment(
          before,
          { allocations, creditAddedFen: Number(payment.creditAddedFen ?? 0), charges },
          (amountFen) => ({
            chargeId: shortfallId,
            itemCode: 'reversal_shortfall',
            itemName: '冲销差额（已用预收款）',
            category: 'other',
            period: today(ctx.now),
            amountFen,
            outstandingFen: amountFen,
            dueDate: today(ctx.now),
          }),
        );
        const entries: Array<Record<string, unknown> & { entryId: string }> = [
          {
            entryId: reversalId,
            entryKind: 'reversal',
            reverses: voucher.paymentEntryId,
            voucherNo,
            reason,
            allocations,
            amountFen: Number(payment.amountFen),
            creditTakenFen: Number(payment.creditAddedFen ?? 0) - reversed.shortfallFen,
            balanceEffectFen: Number(payment.amountFen) - reversed.shortfallFen,
            postedAt: ctx.now.toISOString(),
            postedBy: { id: ctx.actor.id, name: ctx.actor.name },
          },
        ];
        if (reversed.shortfallFen > 0) {
          entries.push({
            entryId: shortfallId,
            entryKind: 'charge',
            chargeId: shortfallId,
            itemCode: 'reversal_shortfall',
            itemName: '冲销差额（已用预收款）',
            category: 'other',
            moneyKind: 'income',
            period: today(ctx.now),
            amountFen: reversed.shortfallFen,
            dueDate: today(ctx.now),
            balanceEffectFen: reversed.shortfallFen,
            note: `作废 ${voucherNo} 时预收款已被后续费用使用`,
            postedAt: ctx.now.toISOString(),
            postedBy: { id: ctx.actor.id, name: ctx.actor.name },
          });
        }
        writes.push(
          ...entries.map((entry) => entryWrite(store, estateId, unitCode, entry)),
          accountWrite(store, reversed.account, before.version, exists, ctx.now),
        );
        audit.push(ledgerAudit(reversed.account, 'reverse', before, reversed.account, { voucherNo, reason }));
        outbox.push(ledgerOutbox(reversed.account, entries));
        account = accountView(reversed.account);
      }
      return {
        writes,
        audit,
        outbox,
        result: { voucher: voucherStateView({ ...state, void: voidRecord }), ...(account ? { account } : {}) },
      };
    },
    { retriesOnConflict: RETRIES },
  );

/** Exchanges a receipt for an invoice (换开发票): the invoice cites the receipt; a receipt is exchanged once. */
export const exchangeReceipt = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  bookId: string,
  number: number,
  input: { invoiceBookId: string; date?: string | undefined },
) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.exchangeReceipt', request: { estateId, bookId, number, ...input } },
    async () => {
      const state = await readVoucher(store, estateId, bookId, number);
      const receiptNo = `${bookId}-${String(number).padStart(6, '0')}`;
      if (!state) throw voucherNotFound(receiptNo);
      if (state.voucher.kind !== 'receipt') throw notAReceipt(receiptNo);
      if (state.void) throw voucherVoided(receiptNo);
      if (state.exchangedTo) throw voucherExchanged(receiptNo, state.exchangedTo);
      const issued = await issueVoucherWrites(store, ctx, {
        estateId,
        unitCode: state.voucher.unitCode,
        bookId: input.invoiceBookId,
        kind: 'invoice',
        date: input.date ?? today(ctx.now),
        payer: state.voucher.payer,
        lines: state.voucher.lines,
        method: state.voucher.method,
        exchangeOf: receiptNo,
      });
      return {
        writes: [
          ...issued.writes,
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: {
                  ...keys.voucherExchanged(estateId, bookId, number),
                  type: 'voucherExchange',
                  receiptNo,
                  invoiceNo: issued.voucher.voucherNo,
                  at: ctx.now.toISOString(),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            onConditionFailed: () => voucherExchanged(receiptNo, '（另一张发票）'),
          },
        ],
        audit: [issued.audit],
        outbox: [issued.outbox],
        result: { invoice: issued.voucher, receiptNo },
      };
    },
    { retriesOnConflict: 10 },
  );
