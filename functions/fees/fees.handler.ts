import { apiHandler } from '../core/api-handler';
import { access, stripKeys } from '../store/keys';
import { readEstate } from '../units/units.commands';
import { asOfOrToday, estateArrears, postLateFees, unitArrears, waiveLateFee } from './arrears.commands';
import { addDayBookEntry, closeDayBook, readDayBook } from './daybook.commands';
import { listFeeSchedule, putFeeItemVersion, putFeeSettings, readFeeSettings } from './fee-schedule.commands';
import { voucherNotFound } from './fees.errors';
import { feeRoutes } from './fees.routes';
import { postCharges, postPayment, statement } from './ledger.commands';
import { approveRefund, listUnitRefunds, rejectRefund, requestRefund } from './refunds.commands';
import { closeBook, createBook, exchangeReceipt, readVoucher, voidVoucher, voucherStateView } from './vouchers.commands';

/** HTTP edge of the fee ledger: parse → command → response. */
export const handler = apiHandler(feeRoutes, {
  getFeeSchedule: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return {
      body: {
        items: (await listFeeSchedule(store, params.estateId)) as never[],
        settings: await readFeeSettings(store, params.estateId),
      },
    };
  },
  putFeeItem: async ({ params, body, ctx, store }) => ({
    body: (await putFeeItemVersion(store, ctx, params.estateId, params.itemCode, body)).result as never,
  }),
  putFeeSettings: async ({ params, body, ctx, store }) => ({
    body: (await putFeeSettings(store, ctx, params.estateId, body)).result as never,
  }),
  createBook: async ({ params, body, ctx, store }) => ({
    body: (await createBook(store, ctx, params.estateId, body)).result as never,
  }),
  listBooks: async ({ params, store }) => ({
    body: { items: (await access.listBooks(store, params.estateId)).map((item) => stripKeys(item)) },
  }),
  closeBook: async ({ params, ctx, store }) => ({
    body: (await closeBook(store, ctx, params.estateId, params.bookId)).result as never,
  }),
  listBookVouchers: async ({ params, store }) => {
    const items = (await access.listBookVouchers(store, params.estateId, params.bookId)).map((item) => stripKeys(item));
    const vouchers = items.filter((item) => item.type === 'voucher');
    const marks = new Map(
      items
        .filter((item) => item.type !== 'voucher')
        .map((item) => [`${String(item.type)}:${String(item.voucherNo ?? item.receiptNo)}`, item]),
    );
    return {
      body: {
        items: vouchers.map((voucher) => {
          const voided = marks.get(`voucherVoid:${String(voucher.voucherNo)}`);
          const exchanged = marks.get(`voucherExchange:${String(voucher.voucherNo)}`);
          return {
            ...voucher,
            status: voided ? 'voided' : 'issued',
            ...(voided ? { void: voided } : {}),
            ...(exchanged ? { exchangedTo: exchanged.invoiceNo } : {}),
          };
        }),
      },
    };
  },
  getVoucher: async ({ params, store }) => {
    const state = await readVoucher(store, params.estateId, params.bookId, params.number);
    if (!state) throw voucherNotFound(`${params.bookId}-${String(params.number).padStart(6, '0')}`);
    return { body: voucherStateView(state) };
  },
  voidVoucher: async ({ params, body, ctx, store }) => ({
    body: (await voidVoucher(store, ctx, params.estateId, params.bookId, params.number, body.reason)).result as never,
  }),
  exchangeReceipt: async ({ params, body, ctx, store }) => ({
    body: (await exchangeReceipt(store, ctx, params.estateId, params.bookId, params.number, body)).result as never,
  }),
  postCharges: async ({ params, body, ctx, store }) => ({
    body: (await postCharges(store, ctx, params.estateId, params.unitCode, body)).result as never,
  }),
  postPayment: async ({ params, body, ctx, store }) => ({
    body: (await postPayment(store, ctx, params.estateId, params.unitCode, body)).result as never,
  }),
  getStatement: async ({ params, store }) => ({ body: (await statement(store, params.estateId, params.unitCode)) as never }),
  getUnitArrears: async ({ params, query, ctx, store }) => ({
    body: await unitArrears(store, params.estateId, params.unitCode, asOfOrToday(query.asOf, ctx.now)),
  }),
  getEstateArrears: async ({ params, query, ctx, store }) => {
    await readEstate(store, params.estateId);
    return { body: await estateArrears(store, params.estateId, asOfOrToday(query.asOf, ctx.now)) };
  },
  postLateFees: async ({ params, body, ctx, store }) => ({
    body: (await postLateFees(store, ctx, params.estateId, params.unitCode, asOfOrToday(body.asOf, ctx.now))).result as never,
  }),
  waiveLateFee: async ({ params, body, ctx, store }) => ({
    body: (await waiveLateFee(store, ctx, params.estateId, params.unitCode, params.chargeId, body.reason)).result as never,
  }),
  requestRefund: async ({ params, body, ctx, store }) => ({
    body: (await requestRefund(store, ctx, params.estateId, params.unitCode, body)).result as never,
  }),
  listRefunds: async ({ params, store }) => ({ body: { items: await listUnitRefunds(store, params.estateId, params.unitCode) } }),
  listPendingRefunds: async ({ params, store }) => ({
    body: { items: (await access.listPendingRefunds(store, params.estateId)).map((item) => stripKeys(item)) },
  }),
  approveRefund: async ({ params, body, ctx, store }) => ({
    body: (await approveRefund(store, ctx, params.estateId, params.unitCode, params.refundId, body.note)).result as never,
  }),
  rejectRefund: async ({ params, body, ctx, store }) => ({
    body: (await rejectRefund(store, ctx, params.estateId, params.unitCode, params.refundId, body.note)).result as never,
  }),
  addDayBookEntry: async ({ params, body, ctx, store }) => ({
    body: (await addDayBookEntry(store, ctx, params.estateId, params.date, body)).result as never,
  }),
  getDayBook: async ({ params, store }) => ({ body: (await readDayBook(store, params.estateId, params.date)) as never }),
  closeDayBook: async ({ params, body, ctx, store }) => ({
    body: (await closeDayBook(store, ctx, params.estateId, params.date, body.bookId)).result as never,
  }),
});
