import { completeStep } from '../../functions/checkin/checkin.commands';
import { STEP_LABELS, type StepName } from '../../functions/checkin/checkin.domain';
import { type CheckinCase, caseView, readCase } from '../../functions/checkin/checkin.store';
import { BusinessRuleError } from '../../functions/core/errors';
import { access, keys } from '../../functions/store/keys';
import type { TabBinding } from '../sync/binding';
import { CHECKIN_TAB, SHEET_TICKABLE_STEPS } from '../tabs/checkin.tab';
import { loadByPairIds, pairId, splitPairId, unitCodesOf } from './load';

const view = (item: Record<string, unknown>) => {
  const c = caseView(item as unknown as CheckinCase, []);
  return {
    ...c,
    done: Object.fromEntries(c.stepList.map((s) => [s.step, s.done])),
    missing: c.missingDocuments.map((code) => c.requiredDocuments.find((d) => d.code === code)?.label ?? code).join('、'),
    nextSteps: c.nextSteps.map((step) => STEP_LABELS[step as StepName]).join('、'),
  };
};

/**
 * 入伙办理 ⇄ check-in cases. Ticking a step column is the step's own command (`completeStep`, as
 * `POST …/steps/{step}`), with its rules: order, documents, the previous owner's arrears for a transfer.
 * A tick cannot be taken back (a done step is a fact in the case's history).
 */
export const checkinBinding: TabBinding = {
  layout: CHECKIN_TAB,
  role: 'front_desk',
  idsOf: (message, estateId) => {
    const payload = message.payload as { estateId?: string; unitCode?: string };
    return payload.estateId === estateId && payload.unitCode ? [pairId(payload.unitCode, message.entityId)] : [];
  },
  load: (store, estateId, ids) =>
    loadByPairIds(store, ids, (unitCode, caseId) => keys.checkinCase(estateId, unitCode, caseId), view),
  loadAll: async (store, estateId) => {
    const rows = new Map<string, Record<string, unknown>>();
    for (const unitCode of await unitCodesOf(store, estateId)) {
      for (const item of await access.listCheckin(store, estateId, unitCode)) {
        if (item.type === 'checkinCase') rows.set(pairId(unitCode, String(item.caseId)), view(item));
      }
    }
    return rows;
  },
  update: async ({ store, ctx, estateId, id, changed, values }) => {
    const pair = splitPairId(id);
    if (!pair) throw new BusinessRuleError('SHEET_ROW_ID_INVALID', '行编号格式不正确');
    const parts = { unitCode: pair[0], caseId: pair[1] };
    const ticked = (values.done ?? {}) as Partial<Record<StepName, boolean>>;
    const { checkinCase } = await readCase(store, estateId, parts.unitCode, parts.caseId);
    for (const key of changed) {
      const step = key.slice('done.'.length) as StepName;
      if (!SHEET_TICKABLE_STEPS.includes(step)) continue;
      if (!ticked[step]) throw new BusinessRuleError('STEP_CANNOT_UNDO', `「${STEP_LABELS[step]}」已办理，不能撤销`);
      if (checkinCase.steps[step]) continue;
      // One command per step: each gets its own idempotency key.
      const stepCtx = { ...ctx, idempotencyKey: `${ctx.idempotencyKey}:${step}` };
      await completeStep(store, stepCtx, { estateId, ...parts }, step, {});
    }
  },
};
