import { VersionConflictError } from '../core/errors';
import type { Store } from '../store/client';
import type { PlannedWrite } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import type { HouseholdType } from '../units/units.domain';
import type { FirstFeesPlan } from './checkin.domain';
import {
  type CaseKind,
  DOCUMENTS,
  type DocumentCode,
  type DocumentRecord,
  missingDocuments,
  nextSteps,
  requiredDocuments,
  STEP_LABELS,
  STEP_TABLE,
  type StepName,
  type StepRecord,
} from './checkin.domain';
import { caseNotFound } from './checkin.errors';

/** The check-in case record and its reads/writes. Cases are workflow records: versioned, audited. */
export interface CheckinCase {
  caseId: string;
  estateId: string;
  unitCode: string;
  kind: CaseKind;
  householdType: HouseholdType;
  status: 'open' | 'archived';
  steps: Partial<Record<StepName, StepRecord>>;
  documents: Partial<Record<DocumentCode, DocumentRecord>>;
  lateHandover?: { agreementNo: string; signedOn: string; approvedCompensationFen?: number | undefined } | undefined;
  discount?: { agreementNo: string; amountFen: number } | undefined;
  fees?: { chargeIds: string[]; plan: FirstFeesPlan; voucherNo?: string | undefined } | undefined;
  keyLog: Array<{
    what: string;
    count: number;
    numbers?: string[] | undefined;
    receivedBy: string;
    date: string;
    by: { id: string; name: string };
  }>;
  receivedOn?: string | undefined;
  inspection?: { date: string; readings: Record<string, number>; defectIds: string[] } | undefined;
  services?: Record<string, unknown> | undefined;
  transfer?: Record<string, unknown> | undefined;
  notes: Array<{ at: string; by: string; step?: string | undefined; text: string }>;
  openedAt: string;
  openedBy: { id: string; name: string };
  version: number;
}

export interface Defect {
  defectId: string;
  caseId: string;
  location: string;
  description: string;
  responsibility: 'developer' | 'owner';
  photos: string[];
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string | undefined;
  resolution?: string | undefined;
  closedBy?: { id: string; name: string } | undefined;
}

export const readCheckin = async (store: Store, estateId: string, unitCode: string) => {
  const items = (await access.listCheckin(store, estateId, unitCode)).map((item) => stripKeys(item));
  const cases = items.filter((item) => item.type === 'checkinCase') as unknown as CheckinCase[];
  const defects = items.filter((item) => item.type === 'defect') as unknown as Defect[];
  const active = items.find((item) => item.type === 'checkinActive');
  return { cases, defects, active };
};

export const readCase = async (store: Store, estateId: string, unitCode: string, caseId: string) => {
  const { cases, defects } = await readCheckin(store, estateId, unitCode);
  const found = cases.find((c) => c.caseId === caseId);
  if (!found) throw caseNotFound(caseId);
  const { type: _type, ...checkinCase } = found as CheckinCase & { type?: string };
  return { checkinCase: checkinCase as CheckinCase, defects: defects.filter((d) => d.caseId === caseId) };
};

export const caseWrite = (store: Store, checkinCase: CheckinCase, readVersion: number | undefined): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.checkinCase(checkinCase.estateId, checkinCase.unitCode, checkinCase.caseId),
        ...(checkinCase.status === 'open' ? keys.openCaseIndex(checkinCase.estateId, checkinCase.caseId) : {}),
        type: 'checkinCase',
        ...checkinCase,
      },
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }),
    },
  },
  onConditionFailed: () => new VersionConflictError('入伙办理单已被他人同时办理，请刷新后重试', { caseId: checkinCase.caseId }),
});

/** The case as staff see it: each step with its label and who did it, documents still missing, open defects. */
export const caseView = (checkinCase: CheckinCase, defects: Defect[]) => {
  const required = requiredDocuments(checkinCase.kind, checkinCase.householdType, Boolean(checkinCase.lateHandover));
  return {
    ...checkinCase,
    stepList: STEP_TABLE[checkinCase.kind].map(({ step, requires }) => ({
      step,
      label: STEP_LABELS[step],
      requires,
      done: Boolean(checkinCase.steps[step]),
      ...(checkinCase.steps[step] ? { record: checkinCase.steps[step] } : {}),
    })),
    nextSteps: checkinCase.status === 'open' ? nextSteps(checkinCase.kind, checkinCase.steps) : [],
    requiredDocuments: required.map((code) => ({
      code,
      label: DOCUMENTS[code],
      ...(checkinCase.documents[code] ? { record: checkinCase.documents[code] } : {}),
    })),
    missingDocuments: missingDocuments(required, checkinCase.documents),
    defects,
    openDefects: defects.filter((d) => d.status === 'open').length,
  };
};
