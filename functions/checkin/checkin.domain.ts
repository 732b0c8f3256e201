import type { HouseholdType } from '../units/units.domain';

/**
 * Check-in / handover (入伙办理) as data: the ordered steps of each kind of case, what each step needs
 * first, and the documents each household type must bring. Pure: no I/O, no clock.
 */
export const CASE_KINDS = { handover: '新房入伙', transfer: '转让房新业主入住' } as const;
export type CaseKind = keyof typeof CASE_KINDS;

export const STEP_LABELS = {
  settlement: '原业主费用结清（转让）',
  reception: '接待中心 · 确认业主身份',
  finance: '财务中心 · 结算款项',
  fees: '服务中心 · 收取物业费用',
  keys: '领取钥匙（收房）',
  inspection: '验房中心 · 陪同验房',
  services: '办理相关服务开通',
  transfer: '变更业主',
  archive: '文件归档',
} as const;
export type StepName = keyof typeof STEP_LABELS;

/** Each kind's steps, in order, with the steps each one needs done first. */
export const STEP_TABLE: Record<CaseKind, ReadonlyArray<{ step: StepName; requires: readonly StepName[] }>> = {
  handover: [
    { step: 'reception', requires: [] },
    { step: 'finance', requires: ['reception'] },
    { step: 'fees', requires: ['finance'] },
    { step: 'keys', requires: ['fees'] },
    { step: 'inspection', requires: ['keys'] },
    { step: 'services', requires: ['keys'] },
    { step: 'archive', requires: ['inspection', 'services'] },
  ],
  // Transfer: the previous owner's fees first; no inspection.
  transfer: [
    { step: 'settlement', requires: [] },
    { step: 'reception', requires: ['settlement'] },
    { step: 'transfer', requires: ['reception'] },
    { step: 'services', requires: ['transfer'] },
    { step: 'archive', requires: ['services'] },
  ],
};

export interface StepRecord {
  by: { id: string; name: string };
  at: string;
  notes?: string | undefined;
}

export type StepProblem =
  | { problem: 'not_in_case'; step: StepName }
  | { problem: 'already_done'; step: StepName }
  | { problem: 'out_of_order'; step: StepName; missing: StepName[] };

/** May `step` be completed now, given the steps already done? */
export const checkStep = (
  kind: CaseKind,
  done: Partial<Record<StepName, StepRecord>>,
  step: StepName,
): StepProblem | undefined => {
  const entry = STEP_TABLE[kind].find((s) => s.step === step);
  if (!entry) return { problem: 'not_in_case', step };
  if (done[step]) return { problem: 'already_done', step };
  const missing = entry.requires.filter((required) => !done[required]);
  return missing.length > 0 ? { problem: 'out_of_order', step, missing } : undefined;
};

export const nextSteps = (kind: CaseKind, done: Partial<Record<StepName, StepRecord>>): StepName[] =>
  STEP_TABLE[kind].filter((s) => !done[s.step] && s.requires.every((r) => done[r])).map((s) => s.step);

// ---- documents ----

export const DOCUMENTS = {
  handover_notice: '《交房通知书》原件',
  owner_id: '业主身份证原件及复印件',
  family_ids: '家庭成员身份证复印件',
  info_card: '《业主资料卡》',
  photos: '照片',
  bank_card: '本地银行存折或银行卡（办理托收）',
  legal_rep_id: '法定代表人身份证复印件',
  authorisation_letter: '授权委托书',
  occupant_ids: '入住人员身份证及照片',
  business_licence: '营业执照复印件（加盖公章）',
  power_of_attorney: '业主委托书',
  delegate_id: '委托人身份证原件及复印件',
  title_document: '购房合同或房屋所有权证',
  late_handover_agreement: '《延期交房费用补偿协议》',
} as const;
export type DocumentCode = keyof typeof DOCUMENTS;

const FAMILY: DocumentCode[] = ['handover_notice', 'owner_id', 'family_ids', 'info_card', 'photos', 'bank_card'];
const COMPANY: DocumentCode[] = [
  'handover_notice',
  'legal_rep_id',
  'authorisation_letter',
  'occupant_ids',
  'info_card',
  'business_licence',
];

/** The documents reception must have (received, copied, or waived with a reason) before it completes. */
export const requiredDocuments = (kind: CaseKind, household: HouseholdType, lateHandover: boolean): DocumentCode[] => {
  const base = household === 'company' ? COMPANY : FAMILY;
  const withDelegate: DocumentCode[] = household === 'delegate' ? [...base, 'power_of_attorney', 'delegate_id'] : [...base];
  // A transferred unit has no developer handover notice; the new owner shows the contract or title instead.
  const forKind: DocumentCode[] =
    kind === 'transfer' ? [...withDelegate.filter((d) => d !== 'handover_notice'), 'title_document'] : withDelegate;
  return lateHandover ? [...forKind, 'late_handover_agreement'] : forKind;
};

export type DocumentState = 'received' | 'copied' | 'waived';
export interface DocumentRecord {
  state: DocumentState;
  reason?: string | undefined;
  by: { id: string; name: string };
  at: string;
}

export const missingDocuments = (required: DocumentCode[], have: Partial<Record<DocumentCode, DocumentRecord>>): DocumentCode[] =>
  required.filter((code) => !have[code]);

// ---- the first fees, offset by compensation ----

export interface FirstFeesPlan {
  propertyFeeFen: number;
  prepaymentFen: number;
  discountFen: number;
  compensationFen: number;
  /** What the owner pays now (0 when compensation covers everything). */
  payNowFen: number;
  /** Compensation beyond the fees: credit on the unit's ledger, never cash. */
  creditFen: number;
}

/**
 * Late-handover compensation is first offset against the first fees (3 months' property fee, plus the
 * utility prepayment unless meters are read per household), after any discount agreement; a shortfall is
 * paid now, an excess becomes credit.
 */
export const planFirstFees = (input: {
  propertyFeeFen: number;
  prepaymentFen: number;
  discountFen: number;
  compensationFen: number;
}): FirstFeesPlan => {
  const discountFen = Math.min(input.discountFen, input.propertyFeeFen);
  const due = input.propertyFeeFen - discountFen + input.prepaymentFen;
  const offset = Math.min(due, input.compensationFen);
  return {
    propertyFeeFen: input.propertyFeeFen,
    prepaymentFen: input.prepaymentFen,
    discountFen,
    compensationFen: input.compensationFen,
    payNowFen: due - offset,
    creditFen: input.compensationFen - offset,
  };
};
