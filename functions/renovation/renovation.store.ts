import { VersionConflictError } from '../core/errors';
import { formatFen } from '../core/money';
import { maskIdNumber } from '../core/personal-data.domain';
import type { Store } from '../store/client';
import type { PlannedWrite } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import type { PartyRecord } from '../units/units.domain';
import {
  type ChecklistFacts,
  DEPOSIT_PAYERS,
  type DepositPayer,
  type DocumentCode,
  type DocumentRecord,
  depositPlan,
  missingDocuments,
  type PassRecord,
  PERMIT_STATUSES,
  type PermitStatus,
  requiredDocuments,
  WORK_SCOPES,
  type WorkScope,
} from './renovation.domain';
import { permitNotFound } from './renovation.errors';

/**
 * The renovation record (装修备案表 + 装修备案登记证 + 临时出入卡), its reads and writes. One item per permit,
 * versioned; the passes live on it so an extension stamps the permit and every open pass in one write.
 * ID numbers are kept in clear only here; `permitView` (every way out) masks them.
 */
export type Actor = { id: string; name: string };

export interface DepositRecord {
  payer: DepositPayer;
  payerName: string;
  amountFen: number;
  chargeId: string;
  paymentEntryId: string;
  voucherNo: string;
  bookId: string;
  voucherNumber: number;
  paidOn: string;
}

export interface Permit {
  permitId: string;
  estateId: string;
  unitCode: string;
  status: PermitStatus;
  applicationDate: string;
  ownerName: string;
  applicant: PartyRecord;
  applicantIsOwner: boolean;
  selfRenovation: boolean;
  contractor: { company?: string | undefined; lead: PartyRecord };
  works: WorkScope[];
  mainWorks: string;
  nonResidential: boolean;
  plannedFrom: string;
  plannedTo: string;
  /** The estate collects renovation tax on behalf (fixed at application from the fee schedule). */
  taxCollected: boolean;
  documents: Partial<Record<DocumentCode, DocumentRecord>>;
  documentsToFollow: DocumentCode[];
  reviews: Array<{ decision: 'approve' | 'return'; reasons: string[]; by: Actor; at: string; notes?: string | undefined }>;
  permitNo?: string | undefined;
  term?: { from: string; to: string } | undefined;
  issuedAt?: string | undefined;
  agreementSigned?: boolean | undefined;
  unitStatusBefore?: string | undefined;
  extensions: Array<{ from: string; to: string; grantedOn: string; by: Actor; notes?: string | undefined }>;
  deposits: DepositRecord[];
  tax?: { amountFen: number; taxVoucherNo: string; chargeId: string; paidOn: string } | undefined;
  passes: PassRecord[];
  inspections: Array<{ result: 'pass' | 'fail'; findings: string[]; date: string; by: Actor }>;
  inspectionRequestedOn?: string | undefined;
  refundDueDate?: string | undefined;
  refund?:
    | {
        requestedAt: string;
        requestedBy: Actor;
        method: 'cash' | 'transfer';
        passesCounted: number;
        deductions: Array<{ payer: DepositPayer; amountFen: number; reason: string }>;
        lines: Array<{ payer: DepositPayer; depositFen: number; deductedFen: number; refundFen: number }>;
        decision?:
          | {
              decision: 'approved' | 'rejected';
              note?: string | undefined;
              signedBy?: string | undefined;
              decidedAt: string;
              decidedBy: Actor;
              entryIds?: string[] | undefined;
            }
          | undefined;
      }
    | undefined;
  closedAt?: string | undefined;
  notes: Array<{ at: string; by: string; text: string }>;
  createdAt: string;
  createdBy: Actor;
  version: number;
}

export const factsOf = (
  p: Pick<Permit, 'works' | 'applicantIsOwner' | 'selfRenovation' | 'nonResidential' | 'taxCollected'>,
): ChecklistFacts => ({
  works: p.works,
  applicantIsOwner: p.applicantIsOwner,
  selfRenovation: p.selfRenovation,
  nonResidential: p.nonResidential,
  taxCollected: p.taxCollected,
});

export const readRenovation = async (store: Store, estateId: string, unitCode: string) => {
  const items = (await access.listRenovation(store, estateId, unitCode)).map((item) => stripKeys(item));
  const permits = items
    .filter((item) => item.type === 'renovationPermit')
    .map(({ type: _type, ...rest }) => rest as unknown as Permit);
  const active = items.find((item) => item.type === 'renovationActive');
  return { permits, active };
};

export const readPermit = async (store: Store, estateId: string, unitCode: string, permitId: string): Promise<Permit> => {
  const { permits } = await readRenovation(store, estateId, unitCode);
  const found = permits.find((p) => p.permitId === permitId);
  if (!found) throw permitNotFound(permitId);
  return found;
};

export const permitWrite = (store: Store, permit: Permit, readVersion: number | undefined): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.renovationPermit(permit.estateId, permit.unitCode, permit.permitId),
        ...keys.renovationIndex(permit.estateId, permit.permitId),
        type: 'renovationPermit',
        ...permit,
      },
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }),
    },
  },
  onConditionFailed: () => new VersionConflictError('装修备案已被他人同时办理，请刷新后重试', { permitId: permit.permitId }),
});

/** The active-permit mark: claimed when a permit is issued, released when it is closed. */
export const activeMarkWrite = (
  store: Store,
  permit: Permit,
  status: 'active' | 'closed',
  onConditionFailed?: PlannedWrite['onConditionFailed'],
): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.renovationActive(permit.estateId, permit.unitCode),
        type: 'renovationActive',
        permitId: permit.permitId,
        permitNo: permit.permitNo,
        status,
      },
      ...(status === 'active'
        ? {
            ConditionExpression: 'attribute_not_exists(pk) OR #s = :closed',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':closed': 'closed' },
          }
        : {
            ConditionExpression: 'permitId = :id',
            ExpressionAttributeValues: { ':id': permit.permitId },
          }),
    },
  },
  ...(onConditionFailed ? { onConditionFailed } : {}),
});

export { counterWrite, readCounter } from '../store/counter';

// ---- the view (every way out: ID numbers masked) ----

const maskPerson = (p: { name: string; idNumber?: string | undefined; phone?: string | undefined }) => ({
  name: p.name,
  ...(p.idNumber ? { idNumberMasked: maskIdNumber(p.idNumber) } : {}),
  ...(p.phone ? { phone: p.phone } : {}),
});

export const permitView = (p: Permit) => {
  const required = requiredDocuments(factsOf(p));
  const plan = depositPlan(p.selfRenovation);
  return {
    permitId: p.permitId,
    estateId: p.estateId,
    unitCode: p.unitCode,
    status: p.status,
    statusLabel: PERMIT_STATUSES[p.status],
    applicationDate: p.applicationDate,
    ownerName: p.ownerName,
    applicant: maskPerson(p.applicant),
    applicantIsOwner: p.applicantIsOwner,
    selfRenovation: p.selfRenovation,
    contractor: { ...(p.contractor.company ? { company: p.contractor.company } : {}), lead: maskPerson(p.contractor.lead) },
    works: p.works.map((w) => ({ code: w, label: WORK_SCOPES[w] })),
    mainWorks: p.mainWorks,
    nonResidential: p.nonResidential,
    plannedFrom: p.plannedFrom,
    plannedTo: p.plannedTo,
    taxCollected: p.taxCollected,
    requiredDocuments: required.map((line) => ({
      ...line,
      ...(p.documents[line.code] ? { record: p.documents[line.code] } : {}),
    })),
    missingDocuments: missingDocuments(required, p.documents),
    documentsToFollow: p.documentsToFollow,
    reviews: p.reviews,
    ...(p.permitNo ? { permitNo: p.permitNo } : {}),
    ...(p.term ? { term: p.term } : {}),
    ...(p.issuedAt ? { issuedAt: p.issuedAt } : {}),
    extensions: p.extensions,
    depositsDue: plan.map((d) => ({ ...d, payerLabel: DEPOSIT_PAYERS[d.payer], amountText: formatFen(d.amountFen) })),
    deposits: p.deposits,
    depositHeldFen: p.deposits.reduce((s, d) => s + d.amountFen, 0),
    ...(p.tax ? { tax: p.tax } : {}),
    passes: p.passes.map((pass) => ({
      ...pass,
      worker: maskPerson(pass.worker),
      status: pass.returnedOn ? 'returned' : 'out',
    })),
    passesOut: p.passes.filter((x) => !x.returnedOn).length,
    passesReturned: p.passes.filter((x) => x.returnedOn).length,
    inspections: p.inspections,
    ...(p.inspectionRequestedOn ? { inspectionRequestedOn: p.inspectionRequestedOn } : {}),
    ...(p.refundDueDate ? { refundDueDate: p.refundDueDate } : {}),
    ...(p.refund ? { refund: p.refund } : {}),
    ...(p.closedAt ? { closedAt: p.closedAt } : {}),
    notes: p.notes,
    createdAt: p.createdAt,
    createdBy: p.createdBy,
    version: p.version,
  };
};
export type PermitView = ReturnType<typeof permitView>;
