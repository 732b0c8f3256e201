import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { putFeeItemVersion } from '../../functions/fees/fee-schedule.commands';
import { apply, recordDocument, review } from '../../functions/renovation/renovation.commands';
import { requiredDocuments } from '../../functions/renovation/renovation.domain';
import { ApplyBody, ReviewBody } from '../../functions/renovation/renovation.schema';
import { factsOf, readPermit } from '../../functions/renovation/renovation.store';
import type { Store } from '../../functions/store/client';
import { keys } from '../../functions/store/keys';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';

/** The fees seed, its unit 3-2-1501 handed over, and the renovation fee items (deposit; optionally the tax on behalf). */
export const seedRenovation = async (options: { tax?: boolean } = {}): Promise<Store> => {
  const store = await seedFees('renovation');
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: keys.unit('lhy', '3-2-1501'),
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'handed_over' },
    }),
  );
  const head = context('centre_head');
  await putFeeItemVersion(store, head, 'lhy', 'renovation_deposit', {
    name: '装修保证金',
    category: 'deposit',
    basis: 'entered',
    rateFen: 0,
    unitLabel: '笔',
    effectiveFrom: '2026-01-01',
  });
  if (options.tax) {
    await putFeeItemVersion(store, head, 'lhy', 'renovation_tax', {
      name: '代收装修税',
      category: 'on_behalf',
      basis: 'entered',
      rateFen: 0,
      unitLabel: '笔',
      effectiveFrom: '2026-01-01',
    });
  }
  return store;
};

export const APPLICANT_ID = '11010519491231002X';
export const LEAD_ID = '110101199003078515';
export const WORKER_ID = '440301198001010018';
export const WORKER_ID_2 = '440301198505051235';

export const application = (over: Record<string, unknown> = {}) =>
  ApplyBody.parse({
    applicant: { name: '李四', idNumber: APPLICANT_ID, phone: '13812345678' },
    contractor: { company: '美家装饰工程有限公司', lead: { name: '张工', idNumber: LEAD_ID, phone: '13900001111' } },
    works: ['general'],
    mainWorks: '厨卫翻新、墙面粉刷',
    plannedFrom: '2026-07-01',
    plannedTo: '2026-09-30',
    ...over,
  });

export const where = (permitId: string) => ({ estateId: 'lhy', unitCode: '3-2-1501', permitId });

/** Applies, records every required document and approves: the permit is issued. */
export const issuedPermit = async (store: Store, over: Record<string, unknown> = {}) => {
  const desk = context('front_desk');
  const applied = await apply(store, desk, 'lhy', '3-2-1501', application(over));
  const permitId = applied.result.permitId;
  const permit = await readPermit(store, 'lhy', '3-2-1501', permitId);
  for (const line of requiredDocuments(factsOf(permit))) {
    await recordDocument(store, desk, where(permitId), line.code, { state: 'received' });
  }
  const approved = await review(
    store,
    context('renovation_manager'),
    where(permitId),
    ReviewBody.parse({ decision: 'approve', agreementSigned: true }),
  );
  return { permitId, permit: approved.result };
};
