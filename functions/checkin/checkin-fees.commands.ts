import type { z } from 'zod';
import { newId } from '../core/ids';
import { fenToCapitals, formatFen } from '../core/money';
import { planCharges } from '../fees/charges.domain';
import { feeItemUnknown } from '../fees/fees.errors';
import {
  accountWrite,
  chargeEntry,
  chargesOrThrow,
  creditAppliedEntry,
  entryWrite,
  type LedgerEntry,
  ledgerAudit,
  ledgerOutbox,
  openChargeOf,
  readAccount,
  readFeeVersions,
  today,
} from '../fees/fees.store';
import { type Account, addCredit, allocatePayment, applyCharges, applyPayment, type OpenCharge } from '../fees/ledger.domain';
import { issueVoucherWrites } from '../fees/vouchers.commands';
import type { VoucherLine } from '../fees/vouchers.domain';
import type { Store } from '../store/client';
import type { CommandContext, PlannedWrite } from '../store/commit';
import { keys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import { maskHousehold, type UnitRecord } from '../units/units.domain';
import { changeCase, guardStep, unitItemWrite, withStep } from './checkin.commands';
import { planFirstFees } from './checkin.domain';
import { paymentMismatch, voucherRequired } from './checkin.errors';
import type { CollectFeesBody, ServicesBody } from './checkin.schema';

type Where = { estateId: string; unitCode: string; caseId: string };
type Entry = LedgerEntry;

/**
 * Fee collection (收取物业费用) in one transaction: the first property fee (3 months by default) and the
 * utility prepayment are charged; a discount agreement and the approved late-handover compensation are
 * credited and offset against them at once; the shortfall is paid now with its voucher; any excess stays as
 * credit on the unit's ledger — never cash. Every offset and credit is an entry on the ledger and on the case.
 */
export const collectFees = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof CollectFeesBody>) =>
  changeCase(store, ctx, 'checkin.collectFees', where, input, async (c) => {
    guardStep(c, 'fees');
    const [unit, versions, { account, exists }] = await Promise.all([
      readUnit(store, c.estateId, c.unitCode),
      readFeeVersions(store, c.estateId),
      readAccount(store, c.estateId, c.unitCode),
    ]);
    const feeVersions = versions.get(input.propertyFeeItem);
    if (!feeVersions) throw feeItemUnknown(input.propertyFeeItem);
    const feeCharges = chargesOrThrow(
      planCharges(
        feeVersions,
        unit,
        { month: input.firstMonth, months: input.months, fromMonthIndex: 0, quantity: 1 },
        today(ctx.now),
      ),
      input.propertyFeeItem,
    );
    const entries: Entry[] = feeCharges.map((charge) => chargeEntry(ctx, charge, { caseId: c.caseId }));
    if (input.prepayment) {
      const prepayVersions = versions.get(input.prepayment.itemCode);
      if (!prepayVersions) throw feeItemUnknown(input.prepayment.itemCode);
      const prepay = chargesOrThrow(
        planCharges(
          prepayVersions,
          unit,
          { months: 1, fromMonthIndex: 0, quantity: 1, amountFen: input.prepayment.amountFen },
          today(ctx.now),
        ),
        input.prepayment.itemCode,
      );
      entries.push(...prepay.map((charge) => chargeEntry(ctx, charge, { caseId: c.caseId })));
    }
    const propertyFeeFen = feeCharges.reduce((sum, charge) => sum + charge.amountFen, 0);
    const prepaymentFen = entries.slice(feeCharges.length).reduce((sum, e) => sum + Number(e.amountFen), 0);
    const plan = planFirstFees({
      propertyFeeFen,
      prepaymentFen,
      discountFen: c.discount?.amountFen ?? 0,
      compensationFen: c.lateHandover?.approvedCompensationFen ?? 0,
    });

    // Charges first, then the credits (discount, compensation) that offset them.
    let state: Account = applyCharges(account, entries.map(openChargeOf)).account;
    const creditEntries: Entry[] = [];
    const credit = (kind: string, amountFen: number, reason: string) => {
      if (amountFen <= 0) return;
      const applied = addCredit(state, amountFen);
      state = applied.account;
      creditEntries.push({
        entryId: newId(ctx.now),
        entryKind: 'credit',
        creditKind: kind,
        amountFen,
        reason,
        caseId: c.caseId,
        balanceEffectFen: -amountFen,
        postedAt: ctx.now.toISOString(),
        postedBy: { id: ctx.actor.id, name: ctx.actor.name },
      });
      if (applied.creditApplied.length > 0)
        creditEntries.push(creditAppliedEntry(ctx, applied.creditApplied, { caseId: c.caseId }));
    };
    credit('discount', plan.discountFen, `物业费优惠协议 ${c.discount?.agreementNo ?? ''}`.trim());
    credit(
      'compensation',
      plan.compensationFen,
      `延期交房补偿协议 ${c.lateHandover?.agreementNo ?? ''}，核准补偿 ${formatFen(plan.compensationFen)}，先抵首期费用，余额转预收`,
    );

    // What this case's charges still need is paid now, with its voucher.
    const caseChargeIds = entries.map((e) => String(e.chargeId));
    const stillOwed = caseChargeIds.reduce((sum, id) => sum + (state.open[id]?.outstandingFen ?? 0), 0);
    const writes: PlannedWrite[] = [];
    let paymentEntry: Entry | undefined;
    let voucherNo: string | undefined;
    const paidFen = input.payment?.amountFen ?? 0;
    if (paidFen !== stillOwed) throw paymentMismatch(stillOwed, paidFen);
    if (stillOwed > 0 && input.payment) {
      const payment = input.payment;
      const allocation = allocatePayment(
        state,
        payment.amountFen,
        caseChargeIds.filter((id) => state.open[id]),
      );
      if ('problem' in allocation) throw voucherRequired();
      const lines: VoucherLine[] = allocation.allocations.map(({ chargeId, amountFen }) => {
        const open = state.open[chargeId] as OpenCharge;
        return { name: open.itemName, period: open.period, amountFen };
      });
      state = applyPayment(state, allocation.allocations, allocation.creditAddedFen);
      const entryId = newId(ctx.now);
      const voucher = await issueVoucherWrites(store, ctx, {
        estateId: c.estateId,
        unitCode: c.unitCode,
        bookId: payment.voucher.bookId,
        kind: payment.voucher.kind,
        date: today(ctx.now),
        payer: payment.payer ?? unit.household?.owner.name ?? '业主',
        lines,
        method: payment.method,
        paymentEntryId: entryId,
      });
      voucherNo = voucher.voucher.voucherNo;
      paymentEntry = {
        entryId,
        entryKind: 'payment',
        amountFen: payment.amountFen,
        amountCapitals: fenToCapitals(payment.amountFen),
        method: payment.method,
        payer: voucher.voucher.payer,
        allocations: allocation.allocations,
        creditAddedFen: allocation.creditAddedFen,
        voucherNo,
        bookId: voucher.voucher.bookId,
        voucherNumber: voucher.voucher.number,
        caseId: c.caseId,
        balanceEffectFen: -payment.amountFen,
        postedAt: ctx.now.toISOString(),
        postedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      writes.push(...voucher.writes);
    }
    // Versions moved once per step above; the account item is written once, checked against the version read.
    const finalAccount: Account = { ...state, version: account.version + 1 };
    const allEntries = [...entries, ...creditEntries, ...(paymentEntry ? [paymentEntry] : [])];
    writes.unshift(
      ...allEntries.map((entry) => entryWrite(store, c.estateId, c.unitCode, entry)),
      accountWrite(store, finalAccount, account.version, exists, ctx.now),
    );
    const next = {
      ...withStep(c, 'fees', ctx, input.notes),
      fees: { chargeIds: caseChargeIds, plan, ...(voucherNo ? { voucherNo } : {}) },
    };
    return {
      next,
      writes,
      audit: [ledgerAudit(finalAccount, 'checkinFees', account, finalAccount, { caseId: c.caseId, plan })],
      outbox: [ledgerOutbox(finalAccount, allEntries)],
    };
  });

/**
 * Service sign-ups (办理相关服务开通): the bank direct-debit agreement goes on the unit (masked everywhere
 * else); utilities and broadband are recorded; a parking agreement is stored and its first month charged,
 * which starts the parking charges.
 */
export const recordServices = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof ServicesBody>) =>
  changeCase(store, ctx, 'checkin.recordServices', where, input, async (c) => {
    guardStep(c, 'services');
    const unit = await readUnit(store, c.estateId, c.unitCode);
    const writes: PlannedWrite[] = [];
    const ledger: { entries: Entry[]; before?: Account; after?: Account } = { entries: [] };
    if (input.debitAgreement && unit.household) {
      const nextUnit: UnitRecord = {
        ...unit,
        household: { ...unit.household, debitAccount: input.debitAgreement },
        updatedAt: ctx.now.toISOString(),
        version: unit.version + 1,
      };
      writes.push(unitItemWrite(store, nextUnit, unit.version));
    }
    if (input.parking) {
      const parking = input.parking;
      const versions = (await readFeeVersions(store, c.estateId)).get(parking.itemCode);
      if (!versions) throw feeItemUnknown(parking.itemCode);
      const charges = chargesOrThrow(
        planCharges(
          versions,
          unit,
          { signUpDate: parking.signUpDate, months: 1, fromMonthIndex: 0, quantity: 1 },
          today(ctx.now),
        ),
        parking.itemCode,
      );
      const { account, exists } = await readAccount(store, c.estateId, c.unitCode);
      ledger.entries = charges.map((charge) => chargeEntry(ctx, charge, { caseId: c.caseId }));
      const applied = applyCharges(account, ledger.entries.map(openChargeOf));
      ledger.before = account;
      ledger.after = applied.account;
      if (applied.creditApplied.length > 0)
        ledger.entries.push(creditAppliedEntry(ctx, applied.creditApplied, { caseId: c.caseId }));
      writes.push(
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.parkingAgreement(c.estateId, c.unitCode, parking.bayNo),
                type: 'parkingAgreement',
                estateId: c.estateId,
                unitCode: c.unitCode,
                ...parking,
                agreementLabel: parking.agreement === 'rent' ? '《车位租用协议书》' : '《车位服务协议书》',
                signedAt: ctx.now.toISOString(),
              },
            },
          },
        },
        ...ledger.entries.map((entry) => entryWrite(store, c.estateId, c.unitCode, entry)),
        accountWrite(store, applied.account, account.version, exists, ctx.now),
      );
    }
    const services = {
      ...(input.debitAgreement && unit.household
        ? { debitAgreement: maskHousehold({ ...unit.household, debitAccount: input.debitAgreement }).debitAccount }
        : {}),
      utilities: input.utilities,
      ...(input.parking ? { parking: input.parking } : {}),
      contactsGiven: input.contactsGiven,
    };
    return {
      next: { ...withStep(c, 'services', ctx, input.notes), services },
      writes,
      ...(ledger.before && ledger.after
        ? {
            audit: [ledgerAudit(ledger.after, 'parkingCharge', ledger.before, ledger.after, { bayNo: input.parking?.bayNo })],
            outbox: [ledgerOutbox(ledger.after, ledger.entries)],
          }
        : {}),
    };
  });
