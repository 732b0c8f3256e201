import { AlreadyExistsError, BusinessRuleError, ForbiddenError, NotFoundError } from '../core/errors';
import { ROLES } from '../core/roles';
import {
  TICKET_ACTIONS,
  TICKET_KINDS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketKind,
  type TicketStatus,
} from './tickets.domain';

export const ticketNotFound = (ticketId: string) =>
  new NotFoundError('TICKET_NOT_FOUND', `工单 ${ticketId} 不存在`, { ticketId });
export const teamNotFound = (teamCode: string) =>
  new NotFoundError('TEAM_NOT_FOUND', `班组 ${teamCode} 不存在，请先登记班组`, { teamCode });

export const transitionNotAllowed = (status: TicketStatus, action: TicketAction) =>
  new BusinessRuleError(
    'TICKET_TRANSITION_NOT_ALLOWED',
    `工单当前状态为「${TICKET_STATUSES[status]}」，不能执行「${TICKET_ACTIONS[action]}」`,
    { status, action },
  );
export const transitionWrongKind = (kind: TicketKind, action: TicketAction) =>
  new BusinessRuleError('TICKET_ACTION_NOT_FOR_KIND', `「${TICKET_KINDS[kind]}」类工单不能执行「${TICKET_ACTIONS[action]}」`, {
    kind,
    action,
  });
export const transitionRoleRefused = (role: string, action: TicketAction, status: TicketStatus) =>
  new ForbiddenError(
    `岗位「${ROLES[role as keyof typeof ROLES] ?? role}」不能对「${TICKET_STATUSES[status]}」的工单执行「${TICKET_ACTIONS[action]}」`,
    { role, action, status },
  );
const REQUIREMENT_LABELS = { note: '说明（处理结果、原因等）', assignee: '处理人', appointmentAt: '约定上门时间' } as const;
export const transitionInputMissing = (what: keyof typeof REQUIREMENT_LABELS) =>
  new BusinessRuleError('TICKET_INPUT_MISSING', `请填写${REQUIREMENT_LABELS[what]}`, { missing: what });

export const ticketNotOpen = (ticketNo: string) =>
  new BusinessRuleError('TICKET_NOT_OPEN', `工单 ${ticketNo} 已关闭或已撤销`, { ticketNo });
export const notTicketOwner = (ticketNo: string) =>
  new ForbiddenError(`工单 ${ticketNo} 的首问责任人不是您；只有责任人本人或客服负责人可以办理交接`, { ticketNo });
export const notShiftOwner = () => new ForbiddenError('只能移交本人的工单；代他人交接须由客服负责人或服务中心负责人办理');
export const handoverSameOwner = () => new BusinessRuleError('HANDOVER_SAME_OWNER', '接班人与交班人相同，无需交接');
export const handoverTooMany = (count: number, max: number) =>
  new BusinessRuleError('HANDOVER_TOO_MANY', `一次交接最多 ${max} 张工单，本次有 ${count} 张，请用 ticketIds 分批交接`, {
    count,
    max,
  });
export const followUpNotDue = (status: TicketStatus) =>
  new BusinessRuleError('FOLLOW_UP_NOT_DUE', `工单状态为「${TICKET_STATUSES[status]}」，处理完成后才能回访`, { status });
export const notAComplaint = (ticketNo: string) =>
  new BusinessRuleError('NOT_A_COMPLAINT', `工单 ${ticketNo} 不是投诉，无需填写顾客投诉处理记录表`, { ticketNo });
export const complaintRecordExists = (ticketNo: string) =>
  new AlreadyExistsError('COMPLAINT_RECORD_EXISTS', `工单 ${ticketNo} 已有顾客投诉处理记录`, { ticketNo });
export const slaAlreadyEscalated = (breachKey: string) =>
  new AlreadyExistsError('SLA_ALREADY_ESCALATED', '该超时已上报，不再重复上报', { breachKey });
export const ticketLinkedToOrder = (ticketNo: string, orderNo: string) =>
  new AlreadyExistsError('TICKET_HAS_ORDER', `工单 ${ticketNo} 已开具有偿服务单 ${orderNo}`, { ticketNo, orderNo });

export const orderNotFound = (number: number) =>
  new NotFoundError('PAID_ORDER_NOT_FOUND', `有偿服务单 ${number} 不存在`, { number });
export const orderAlreadyPaid = (orderNo: string) =>
  new BusinessRuleError('PAID_ORDER_ALREADY_PAID', `有偿服务单 ${orderNo} 已收费，不能再次收费或改价`, { orderNo });
export const orderNotPriced = (orderNo: string) =>
  new BusinessRuleError('PAID_ORDER_NOT_PRICED', `有偿服务单 ${orderNo} 尚未议定价格，不能收费`, { orderNo });
export const feeItemNotForService = (itemCode: string) =>
  new BusinessRuleError(
    'PAID_SERVICE_FEE_ITEM',
    `收费项目 ${itemCode} 须为“按实际金额录入”的项目（如 家政服务费/其他），才能按议定价格收费`,
    { itemCode },
  );
export const useFollowUp = () =>
  new BusinessRuleError('TICKET_USE_FOLLOW_UP', '回访请通过“回访登记”办理（需填写回访结果和满意度）');
export const receivedInFuture = () => new BusinessRuleError('TICKET_RECEIVED_IN_FUTURE', '接报时间不能晚于现在');
export const notHeldByOwner = (ticketId: string) =>
  new BusinessRuleError('HANDOVER_TICKET_NOT_HELD', `工单 ${ticketId} 不是交班人名下的未关闭工单`, { ticketId });
