import { fenToCapitals, formatFen } from '../core/money';

/**
 * Receipts (公司正式收据) and invoices (发票): numbered books issued to staff, numbers without gaps,
 * never edited. A void keeps the number; a corrected voucher is a new one pointing at the voided one.
 */
export const VOUCHER_KINDS = { receipt: '公司正式收据', invoice: '发票' } as const;
export type VoucherKind = keyof typeof VOUCHER_KINDS;

export const PAYMENT_METHODS = {
  cash: '现金',
  transfer: '转账',
  bank_debit: '银行托收',
  wechat: '微信',
  alipay: '支付宝',
  card: '刷卡',
} as const;
export type PaymentMethod = keyof typeof PAYMENT_METHODS;

export interface VoucherBook {
  bookId: string;
  estateId: string;
  kind: VoucherKind;
  /** The staff member the book is issued to. */
  holder: { id: string; name: string };
  firstNumber: number;
  lastNumber: number;
  nextNumber: number;
  /** Invoices: the date of the last invoice issued from the book (dates never go backwards). */
  lastDate?: string | undefined;
  status: 'open' | 'closed';
  issuedAt: string;
}

export type NumberProblem =
  | { problem: 'book_closed' }
  | { problem: 'book_exhausted'; lastNumber: number }
  | { problem: 'invoice_date_backwards'; lastDate: string; date: string }
  | { problem: 'not_holder'; holder: string };

/** The next number of a book for a voucher dated `date`, or why it cannot be issued. */
export const nextNumber = (
  book: VoucherBook,
  date: string,
  issuer: { id: string },
  options: { allowOtherIssuer: boolean },
): { number: number } | NumberProblem => {
  if (book.status !== 'open') return { problem: 'book_closed' };
  if (book.nextNumber > book.lastNumber) return { problem: 'book_exhausted', lastNumber: book.lastNumber };
  if (!options.allowOtherIssuer && book.holder.id !== issuer.id) return { problem: 'not_holder', holder: book.holder.id };
  if (book.kind === 'invoice' && book.lastDate && date < book.lastDate) {
    return { problem: 'invoice_date_backwards', lastDate: book.lastDate, date };
  }
  return { number: book.nextNumber };
};

export const formatVoucherNo = (bookId: string, number: number) => `${bookId}-${String(number).padStart(6, '0')}`;

export interface VoucherLine {
  name: string;
  period?: string | undefined;
  quantity?: number | undefined;
  amountFen: number;
  /** Housekeeping service-slip numbers, card numbers… printed on the voucher. */
  note?: string | undefined;
}

export interface Voucher {
  voucherNo: string;
  bookId: string;
  number: number;
  kind: VoucherKind;
  kindLabel: string;
  date: string;
  payer: string;
  estateId: string;
  unitCode?: string | undefined;
  lines: VoucherLine[];
  method: PaymentMethod;
  methodLabel: string;
  amountFen: number;
  amountText: string;
  amountCapitals: string;
  remark: string;
  issuer: { id: string; name: string };
  issuedAt: string;
  paymentEntryId?: string | undefined;
  /** Invoice exchanged for this receipt (换开发票). */
  exchangeOf?: string | undefined;
  /** The voided voucher this one corrects. */
  corrects?: string | undefined;
}

/** The invoice remark names the payment method; an exchanged invoice also says 换开发票 and cites the receipt. */
export const remarkFor = (method: PaymentMethod, exchangeOf?: string, corrects?: string): string =>
  [
    exchangeOf ? `换开发票（原收据 ${exchangeOf}）` : undefined,
    corrects ? `更正作废凭证 ${corrects}` : undefined,
    PAYMENT_METHODS[method],
  ]
    .filter(Boolean)
    .join('；');

export const buildVoucher = (
  input: Omit<Voucher, 'voucherNo' | 'kindLabel' | 'methodLabel' | 'amountFen' | 'amountText' | 'amountCapitals' | 'remark'>,
): Voucher => {
  const amountFen = input.lines.reduce((sum, line) => sum + line.amountFen, 0);
  return {
    ...input,
    voucherNo: formatVoucherNo(input.bookId, input.number),
    kindLabel: VOUCHER_KINDS[input.kind],
    methodLabel: PAYMENT_METHODS[input.method],
    amountFen,
    amountText: formatFen(amountFen),
    amountCapitals: fenToCapitals(amountFen),
    remark: remarkFor(input.method, input.exchangeOf, input.corrects),
  };
};
