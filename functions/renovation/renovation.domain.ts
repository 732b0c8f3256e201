import { addDays, type IsoDate } from '../core/dates';
import { daysInMonth } from '../fees/periods.domain';

/**
 * Renovation permits (装修备案) as data: the declared scope of works, the rules that turn it into the
 * document checklist, the permit's status machine, the deposit plan, the term limit and the refund guards.
 * Pure: no I/O, no clock — `today` and the working-day result are passed in.
 */

// ---- scope of works (装修项目) ----

export const WORK_SCOPES = {
  simple_surface: '简单装修（只铺地板、墙面粉刷、贴墙纸）',
  general: '一般装修（不改结构）',
  wiring_plumbing: '更改原有水电线路',
  structural: '改变建筑主体或承重结构、增加楼面荷载',
  additions_facade_openings: '搭建建筑物/构筑物、改变外立面、在外墙开门窗',
  hot_work: '烧、焊等动火作业',
  outdoor_sign: '户外广告（灯箱、霓虹灯、电子显示屏、招牌、橱窗）',
  waterproofing: '破坏原防水结构',
} as const;
export type WorkScope = keyof typeof WORK_SCOPES;

// ---- documents (装修资料) ----

/** Who brings a document: the contractor's documents may be replaced by the owner's 装修声明. */
export type DocumentParty = 'contractor' | 'owner';

export const DOCUMENTS = {
  contractor_licence: { label: '装修单位营业执照复印件（加盖公章）', party: 'contractor' },
  contractor_qualification: { label: '承建资格证书复印件（加盖公章）', party: 'contractor' },
  drawings: { label: '装修施工图和施工方案', party: 'contractor' },
  wiring_drawings: { label: '水电线路图（更改原有水电线路）', party: 'contractor' },
  lead_id: { label: '装修负责人身份证复印件、照片、联系电话', party: 'contractor' },
  worker_ids: { label: '施工人员身份证复印件一张、照片两张', party: 'contractor' },
  structural_design: { label: '原设计单位或具相应资质的设计单位出具的设计方案', party: 'owner' },
  construction_permit: { label: '政府部门施工许可证（非住宅用途房屋）', party: 'owner' },
  planning_approval: { label: '城市规划行政主管部门批准意见', party: 'owner' },
  owners_committee_consent: { label: '业主大会/业主委员会同意意见', party: 'owner' },
  fire_approval: { label: '消防主管部门动火作业审批', party: 'contractor' },
  advertising_certificate: { label: '工商部门户外广告登记证（复印件存档）', party: 'owner' },
  owner_consent: { label: '业主同意装修的书面证明（非业主使用人装修）', party: 'owner' },
  waterproofing_pledge: { label: '业主承诺（破坏原防水结构）', party: 'owner' },
  renovation_contract: { label: '业主与装修单位签订的装修合同复印件（代收装修税）', party: 'owner' },
} as const satisfies Record<string, { label: string; party: DocumentParty }>;
export type DocumentCode = keyof typeof DOCUMENTS;

/** The facts the checklist depends on, all from the application (装修备案表) and the estate. */
export interface ChecklistFacts {
  works: readonly WorkScope[];
  applicantIsOwner: boolean;
  selfRenovation: boolean;
  nonResidential: boolean;
  /** The estate collects renovation tax on behalf of the tax bureau. */
  taxCollected: boolean;
}

export interface ChecklistRule {
  id: string;
  label: string;
  applies: (facts: ChecklistFacts) => boolean;
  adds?: readonly DocumentCode[];
  /** Documents this rule takes off the list again (simple works). */
  removes?: readonly DocumentCode[];
}

const has = (facts: ChecklistFacts, scope: WorkScope) => facts.works.includes(scope);

/** The rules, in order; DOMAIN.md §3 and seed 004 (一、装修备案办理流程). */
export const CHECKLIST_RULES: readonly ChecklistRule[] = [
  {
    id: 'always',
    label: '所有装修',
    applies: () => true,
    adds: ['contractor_licence', 'contractor_qualification', 'drawings', 'lead_id', 'worker_ids'],
  },
  {
    id: 'simple_surface',
    // Seed 004 item 8 (which wins over DOMAIN.md's shorter summary): only the qualification certificate and the
    // drawings may be left out; the contractor's business licence is still required.
    label: '简单装修：可不提供装修单位《承建资格证书》及施工图纸',
    applies: (f) => f.works.length > 0 && f.works.every((w) => w === 'simple_surface'),
    removes: ['contractor_qualification', 'drawings'],
  },
  { id: 'wiring_plumbing', label: '更改水电线路', applies: (f) => has(f, 'wiring_plumbing'), adds: ['wiring_drawings'] },
  {
    id: 'structural',
    label: '改变结构或承重、增加荷载',
    applies: (f) => has(f, 'structural'),
    adds: ['structural_design'],
  },
  {
    id: 'structural_non_residential',
    label: '非住宅用途房屋改变结构',
    applies: (f) => has(f, 'structural') && f.nonResidential,
    adds: ['construction_permit'],
  },
  {
    id: 'additions_facade_openings',
    label: '搭建、改变外立面、外墙开门窗',
    applies: (f) => has(f, 'additions_facade_openings'),
    adds: ['planning_approval', 'owners_committee_consent'],
  },
  { id: 'hot_work', label: '动火作业', applies: (f) => has(f, 'hot_work'), adds: ['fire_approval'] },
  { id: 'outdoor_sign', label: '户外广告', applies: (f) => has(f, 'outdoor_sign'), adds: ['advertising_certificate'] },
  { id: 'waterproofing', label: '破坏原防水结构', applies: (f) => has(f, 'waterproofing'), adds: ['waterproofing_pledge'] },
  { id: 'not_owner', label: '非业主使用人装修', applies: (f) => !f.applicantIsOwner, adds: ['owner_consent'] },
  {
    id: 'tax_collected',
    label: '代收装修税（委托装修单位）',
    applies: (f) => f.taxCollected && !f.selfRenovation,
    adds: ['renovation_contract'],
  },
];

export interface ChecklistLine {
  code: DocumentCode;
  label: string;
  party: DocumentParty;
  /** The rules that put the document on the list. */
  rules: string[];
  /** May the owner's signed declaration (装修声明) stand in for it? */
  declarable: boolean;
}

/** The required documents for the declared works, in table order, each with the rules that require it. */
export const requiredDocuments = (facts: ChecklistFacts): ChecklistLine[] => {
  const lines = new Map<DocumentCode, string[]>();
  for (const rule of CHECKLIST_RULES) {
    if (!rule.applies(facts)) continue;
    for (const code of rule.adds ?? []) lines.set(code, [...(lines.get(code) ?? []), rule.id]);
    for (const code of rule.removes ?? []) lines.delete(code);
  }
  return [...lines.entries()].map(([code, rules]) => ({
    code,
    label: DOCUMENTS[code].label,
    party: DOCUMENTS[code].party,
    rules,
    declarable: DOCUMENTS[code].party === 'contractor',
  }));
};

/** received = 已收; declared = the contractor cannot provide it, the owner signed the 装修声明 instead. */
export type DocumentState = 'received' | 'declared';
export interface DocumentRecord {
  state: DocumentState;
  note?: string | undefined;
  by: { id: string; name: string };
  at: string;
}

export const missingDocuments = (required: ChecklistLine[], have: Partial<Record<DocumentCode, DocumentRecord>>) =>
  required.filter((line) => !have[line.code]).map((line) => line.code);

// ---- the permit's status machine ----

export const PERMIT_STATUSES = {
  applied: '待审核',
  returned: '已退回补正',
  active: '装修中（已发登记证）',
  inspection_requested: '已申请验收',
  inspected: '验收合格（待退保证金）',
  refund_pending: '退保证金待审批',
  closed: '已退保证金（办结）',
} as const;
export type PermitStatus = keyof typeof PERMIT_STATUSES;

export const PERMIT_TRANSITIONS: ReadonlyArray<{ from: PermitStatus; to: PermitStatus; by: string }> = [
  { from: 'applied', to: 'active', by: 'approve' },
  { from: 'applied', to: 'returned', by: 'return' },
  { from: 'returned', to: 'applied', by: 'resubmit' },
  { from: 'active', to: 'inspection_requested', by: 'requestInspection' },
  { from: 'inspection_requested', to: 'inspected', by: 'passInspection' },
  { from: 'inspection_requested', to: 'active', by: 'failInspection' },
  { from: 'inspected', to: 'refund_pending', by: 'requestRefund' },
  { from: 'refund_pending', to: 'closed', by: 'approveRefund' },
  { from: 'refund_pending', to: 'inspected', by: 'rejectRefund' },
];

export const permitTransition = (from: PermitStatus, action: string): PermitStatus | undefined =>
  PERMIT_TRANSITIONS.find((t) => t.from === from && t.by === action)?.to;

/** While a permit is in one of these, the unit has an active permit. */
export const isActiveStatus = (status: PermitStatus) => status !== 'closed';

// ---- term (装修期限) ----

export const MAX_TERM_MONTHS = 3;

/** The last day of a term of `months` months starting on `from`: the day before the same day `months` later. */
export const termEnd = (from: IsoDate, months: number): IsoDate => {
  const year = Number(from.slice(0, 4));
  const month = Number(from.slice(5, 7)) - 1 + months;
  const y = year + Math.floor(month / 12);
  const m = (month % 12) + 1;
  const day = Math.min(Number(from.slice(8, 10)), daysInMonth(y, m));
  return addDays(`${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`, -1);
};

export type TermProblem =
  | { problem: 'ends_before_start' }
  | { problem: 'too_long'; latest: IsoDate }
  | { problem: 'not_after_current'; current: IsoDate };

/** A term (or a permit's first term) runs at most 3 months. */
export const checkTerm = (from: IsoDate, to: IsoDate): TermProblem | undefined => {
  if (to < from) return { problem: 'ends_before_start' };
  const latest = termEnd(from, MAX_TERM_MONTHS);
  return to > latest ? { problem: 'too_long', latest } : undefined;
};

/** An extension starts the day after the current end and is granted for at most 3 months at a time. */
export const checkExtension = (currentEnd: IsoDate, newEnd: IsoDate): TermProblem | undefined => {
  if (newEnd <= currentEnd) return { problem: 'not_after_current', current: currentEnd };
  const latest = termEnd(addDays(currentEnd, 1), MAX_TERM_MONTHS);
  return newEnd > latest ? { problem: 'too_long', latest } : undefined;
};

// ---- deposits (装修保证金) ----

export const DEPOSIT_FEN = 100_000;
export type DepositPayer = 'owner' | 'contractor';
export const DEPOSIT_PAYERS: Record<DepositPayer, string> = { owner: '业主', contractor: '装修单位' };

/** 1,000 from the owner + 1,000 from the contractor, or 2,000 from the owner when self-renovating. */
export const depositPlan = (selfRenovation: boolean): Array<{ payer: DepositPayer; amountFen: number }> =>
  selfRenovation
    ? [{ payer: 'owner', amountFen: 2 * DEPOSIT_FEN }]
    : [
        { payer: 'owner', amountFen: DEPOSIT_FEN },
        { payer: 'contractor', amountFen: DEPOSIT_FEN },
      ];

// ---- refund (退装修保证金) ----

export const REFUND_WAIT_WORKING_DAYS = 7;

export interface PassRecord {
  passNo: string;
  worker: { name: string; idNumber: string; phone?: string | undefined };
  photoRefs: string[];
  issuedOn: IsoDate;
  validUntil: IsoDate;
  returnedOn?: IsoDate | undefined;
  returnedTo?: { id: string; name: string } | undefined;
  extensions: Array<{ to: IsoDate; on: IsoDate }>;
}

export type RefundProblem =
  | { problem: 'not_inspected' }
  | { problem: 'before_due'; dueDate: IsoDate }
  | { problem: 'tax_unpaid' }
  | { problem: 'documents_missing'; missing: DocumentCode[] }
  | { problem: 'passes_outstanding'; passNos: string[] }
  | { problem: 'pass_count_mismatch'; issued: number; counted: number }
  | { problem: 'originals_missing'; what: Array<'receipt' | 'permit'> }
  | { problem: 'no_deposit' }
  | { problem: 'deduction_too_large'; payer: DepositPayer; heldFen: number };

/** Why a deposit refund may not be requested yet; an empty list means it may. The order is the desk's check order. */
export const refundProblems = (input: {
  status: PermitStatus;
  today: IsoDate;
  refundDueDate?: IsoDate | undefined;
  taxRequired: boolean;
  taxPaid: boolean;
  missing: DocumentCode[];
  passes: PassRecord[];
  passesCounted: number;
  receiptPresented: boolean;
  permitPresented: boolean;
  deposits: Array<{ payer: DepositPayer; amountFen: number }>;
  deductions: Array<{ payer: DepositPayer; amountFen: number }>;
}): RefundProblem[] => {
  const problems: RefundProblem[] = [];
  if (input.status !== 'inspected' || !input.refundDueDate) return [{ problem: 'not_inspected' }];
  if (input.today < input.refundDueDate) problems.push({ problem: 'before_due', dueDate: input.refundDueDate });
  if (input.taxRequired && !input.taxPaid) problems.push({ problem: 'tax_unpaid' });
  if (input.missing.length > 0) problems.push({ problem: 'documents_missing', missing: input.missing });
  const outstanding = input.passes.filter((p) => !p.returnedOn).map((p) => p.passNo);
  if (outstanding.length > 0) problems.push({ problem: 'passes_outstanding', passNos: outstanding });
  else if (input.passesCounted !== input.passes.length)
    problems.push({ problem: 'pass_count_mismatch', issued: input.passes.length, counted: input.passesCounted });
  const originals: Array<'receipt' | 'permit'> = [
    ...(input.receiptPresented ? [] : ['receipt' as const]),
    ...(input.permitPresented ? [] : ['permit' as const]),
  ];
  if (originals.length > 0) problems.push({ problem: 'originals_missing', what: originals });
  if (input.deposits.length === 0) problems.push({ problem: 'no_deposit' });
  for (const payer of ['owner', 'contractor'] as const) {
    const heldFen = input.deposits.filter((d) => d.payer === payer).reduce((s, d) => s + d.amountFen, 0);
    const deducted = input.deductions.filter((d) => d.payer === payer).reduce((s, d) => s + d.amountFen, 0);
    if (deducted > heldFen) problems.push({ problem: 'deduction_too_large', payer, heldFen });
  }
  return problems;
};

/** What each payer gets back: their deposit less the deductions recorded against it. */
export const refundPlan = (
  deposits: Array<{ payer: DepositPayer; amountFen: number }>,
  deductions: Array<{ payer: DepositPayer; amountFen: number; reason: string }>,
) =>
  deposits.map((d) => {
    const deductedFen = deductions.filter((x) => x.payer === d.payer).reduce((s, x) => s + x.amountFen, 0);
    return { payer: d.payer, depositFen: d.amountFen, deductedFen, refundFen: d.amountFen - deductedFen };
  });

/** The unit goes back to the status it had before the works (the status table allows handed_over or occupied). */
export const statusAfterRenovation = (before: string): 'occupied' | 'handed_over' =>
  before === 'occupied' ? 'occupied' : 'handed_over';

export const formatPermitNo = (n: number) => `ZX-${String(n).padStart(6, '0')}`;
export const formatPassNo = (n: number) => `LS-${String(n).padStart(6, '0')}`;
