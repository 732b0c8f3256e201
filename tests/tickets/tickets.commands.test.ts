import { describe, expect, it } from 'vitest';
import { access } from '../../functions/store/keys';
import {
  createTicket,
  followUpTicket,
  handOverTicket,
  shiftHandover,
  ticketDetail,
  ticketStockTake,
  transitionTicket,
} from '../../functions/tickets/tickets.commands';
import { CreateTicketBody, FollowUpBody, ShiftHandoverBody, TransitionBody } from '../../functions/tickets/tickets.schema';
import { allItems } from '../support/store';
import {
  as,
  CS_LEAD,
  CS_STAFF,
  DAY_TECH,
  ENGINEERING_LEAD,
  HOUSEKEEPING_LEAD,
  NIGHT_TECH,
  seedTickets,
  sh,
} from './tickets-seed';

const matter = (body: Record<string, unknown>) =>
  CreateTicketBody.parse({ channel: 'phone', unitCode: '3-2-1501', contact: { name: '李四', phone: '13812345678' }, ...body });
const step = (body: Record<string, unknown>) => TransitionBody.parse(body);
const notices = async (store: Awaited<ReturnType<typeof seedTickets>>, kind: string) =>
  (await allItems(store)).filter((item) => item.topic === 'notice.staff' && (item.payload as { kind: string }).kind === kind);

const ZHANG = { id: 'desk-zhang', name: '张三' };
const WANG = { id: 'desk-wang', name: '王五' };

describe('tickets.commands', () => {
  it('dispatches an emergency at once to the on-duty person of the responsible team, without waiting for anyone', async () => {
    // Prepare
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-09-30T22:10:00'));
    // Act
    const { result } = await createTicket(
      store,
      desk,
      'lhy',
      matter({ kind: 'emergency', description: '楼上跑水，水从天花板漏下' }),
    );
    // Assess
    expect(result).toMatchObject({
      ticketNo: 'GD000001',
      status: 'dispatched',
      statusLabel: '已派单',
      owner: ZHANG,
      assignee: NIGHT_TECH,
      teamCode: 'engineering',
      routing: { mode: 'dispatch_now', via: 'roster' },
      sla: { onSiteBy: sh('2026-09-30T22:40:00').toISOString() },
    });
    const dispatched = await notices(store, 'ticket.dispatched');
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]?.payload).toMatchObject({ recipient: { name: '刘师傅' }, urgent: true, ticketNo: 'GD000001' });
    const detail = await ticketDetail(store, 'lhy', result.ticketId, desk.now);
    expect(detail.log.map((line) => [line.action, line.from, line.to])).toEqual([
      ['create', null, 'new'],
      ['dispatch', 'new', 'dispatched'],
    ]);
  });

  it('asks the team lead to confirm a repair or housekeeping job first, then gives the resident an appointment time', async () => {
    // Prepare
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T10:00:00'));
    // Act
    const repair = await createTicket(store, desk, 'lhy', matter({ kind: 'repair', description: '厨房水龙头滴水' }));
    const cleaning = await createTicket(store, desk, 'lhy', matter({ kind: 'housekeeping', description: '周六上午家庭保洁' }));
    const appointed = await transitionTicket(
      store,
      { ...desk, now: sh('2026-11-16T10:20:00') },
      'lhy',
      repair.result.ticketId,
      step({
        action: 'confirm_appointment',
        assignee: DAY_TECH,
        appointmentAt: '2026-11-17T14:00:00+08:00',
        note: '李工长确认张师傅明天下午上门',
      }),
    );
    // Assess
    expect(repair.result).toMatchObject({ status: 'new', routing: { mode: 'confirm_with_lead', teamCode: 'engineering' } });
    expect(cleaning.result).toMatchObject({ status: 'new', routing: { mode: 'confirm_with_lead', teamCode: 'housekeeping' } });
    const asks = await notices(store, 'ticket.confirm_availability');
    expect(asks.map((n) => (n.payload as { recipient: { name: string } }).recipient.name).sort()).toEqual(
      [ENGINEERING_LEAD.name, HOUSEKEEPING_LEAD.name].sort(),
    );
    expect(appointed.result).toMatchObject({
      status: 'appointed',
      assignee: DAY_TECH,
      appointmentAt: '2026-11-17T14:00:00+08:00',
      contactedAt: sh('2026-11-16T10:20:00').toISOString(),
    });
  });

  it('dispatches a complaint to customer-service staff and notifies the CS lead through the outbox', async () => {
    // Prepare
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T10:00:00'));
    // Act
    const { result } = await createTicket(
      store,
      desk,
      'lhy',
      matter({ kind: 'complaint', channel: 'walk_in', description: '夜间装修噪音扰民' }),
    );
    // Assess
    expect(result).toMatchObject({ status: 'dispatched', assignee: CS_STAFF, routing: { mode: 'dispatch_cs' } });
    const told = await notices(store, 'ticket.complaint');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      topic: 'notice.staff',
      entityId: result.ticketId,
      payload: { recipientRole: 'cs_lead', recipient: CS_LEAD, ticketNo: 'GD000001' },
    });
  });

  it('logs an inquiry, answers it and closes it without a follow-up visit', async () => {
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T10:00:00'));
    const { result } = await createTicket(store, desk, 'lhy', matter({ kind: 'inquiry', description: '询问车位月租标准' }));
    await transitionTicket(store, desk, 'lhy', result.ticketId, step({ action: 'answer', note: '已告知：车位月租每月300元' }));
    const closed = await transitionTicket(store, desk, 'lhy', result.ticketId, step({ action: 'close' }));
    expect(result).toMatchObject({ status: 'new', routing: { mode: 'log_and_answer' } });
    expect(closed.result).toMatchObject({ status: 'closed', result: '已告知：车位月租每月300元' });
    expect(await notices(store, 'ticket.dispatched')).toHaveLength(0);
  });

  it('refuses a disallowed transition with its code and writes nothing', async () => {
    // Prepare
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T10:00:00'));
    const emergency = await createTicket(store, desk, 'lhy', matter({ kind: 'emergency', description: '电梯困人' }));
    const repair = await createTicket(store, desk, 'lhy', matter({ kind: 'repair', description: '门锁坏了' }));
    const before = (await allItems(store)).length;
    // Act / Assess
    await expect(transitionTicket(store, desk, 'lhy', repair.result.ticketId, step({ action: 'close' }))).rejects.toMatchObject({
      code: 'TICKET_TRANSITION_NOT_ALLOWED',
      status: 422,
      message: '工单当前状态为「新登记」，不能执行「关闭」',
    });
    await expect(
      transitionTicket(store, desk, 'lhy', repair.result.ticketId, step({ action: 'answer', note: '答复' })),
    ).rejects.toMatchObject({ code: 'TICKET_ACTION_NOT_FOR_KIND' });
    await expect(
      transitionTicket(store, desk, 'lhy', emergency.result.ticketId, step({ action: 'cancel', note: '业主说不用了' })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(
      transitionTicket(store, desk, 'lhy', emergency.result.ticketId, step({ action: 'complete' })),
    ).rejects.toMatchObject({ code: 'TICKET_TRANSITION_NOT_ALLOWED' });
    await expect(
      transitionTicket(store, desk, 'lhy', emergency.result.ticketId, step({ action: 'visit', note: 'x' })),
    ).rejects.toMatchObject({ code: 'TICKET_TRANSITION_NOT_ALLOWED' });
    expect((await allItems(store)).length).toBe(before);
    const lead = as('cs_lead', CS_LEAD.id, CS_LEAD.name, sh('2026-11-16T10:05:00'));
    await expect(
      transitionTicket(store, lead, 'lhy', emergency.result.ticketId, step({ action: 'cancel', note: '误报' })),
    ).resolves.toMatchObject({ result: { status: 'cancelled' } });
  });

  it('keeps a complete transition log: who, when, from, to and note for every step to closure', async () => {
    // Prepare
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T10:00:00'));
    const tech = as('engineering', DAY_TECH.id, DAY_TECH.name, sh('2026-11-17T14:05:00'));
    const { result } = await createTicket(store, desk, 'lhy', matter({ kind: 'repair', description: '卫生间地漏堵塞' }));
    const id = result.ticketId;
    // Act
    await transitionTicket(
      store,
      { ...desk, now: sh('2026-11-16T10:30:00') },
      'lhy',
      id,
      step({ action: 'confirm_appointment', assignee: DAY_TECH, appointmentAt: '2026-11-17T14:00:00+08:00' }),
    );
    await transitionTicket(store, tech, 'lhy', id, step({ action: 'start' }));
    await transitionTicket(
      store,
      { ...tech, now: sh('2026-11-17T15:00:00') },
      'lhy',
      id,
      step({ action: 'complete', note: '已疏通' }),
    );
    await followUpTicket(
      store,
      { ...desk, now: sh('2026-11-18T09:00:00') },
      'lhy',
      id,
      FollowUpBody.parse({ satisfaction: 'satisfied', result: '业主表示已正常使用' }),
    );
    // Assess
    const detail = await ticketDetail(store, 'lhy', id, sh('2026-11-18T09:00:00'));
    expect(detail.status).toBe('closed');
    expect(detail.log.map((line) => [line.action, line.from, line.to, (line.actor as { name: string }).name, line.at])).toEqual([
      ['create', null, 'new', '张三', sh('2026-11-16T10:00:00').toISOString()],
      ['confirm_appointment', 'new', 'appointed', '张三', sh('2026-11-16T10:30:00').toISOString()],
      ['start', 'appointed', 'in_progress', '张师傅', sh('2026-11-17T14:05:00').toISOString()],
      ['complete', 'in_progress', 'done', '张师傅', sh('2026-11-17T15:00:00').toISOString()],
      ['visit', 'done', 'visited', '张三', sh('2026-11-18T09:00:00').toISOString()],
      ['close', 'visited', 'closed', '张三', sh('2026-11-18T09:00:00').toISOString()],
    ]);
    expect(detail.log[3]).toMatchObject({ note: '已疏通', fromLabel: '处理中', toLabel: '已完成待回访' });
    expect(detail.clocks.map((clock) => [clock.clock, clock.state])).toEqual([
      ['contact', 'met'],
      ['on_site', 'met'],
      ['solve', 'met'],
    ]);
    expect(detail.followUps).toHaveLength(1);
  });

  it('reopens the ticket when the resident is dissatisfied at the follow-up, with a new SLA round', async () => {
    const store = await seedTickets();
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T10:00:00'));
    const lead = as('cs_lead', CS_LEAD.id, CS_LEAD.name, sh('2026-11-16T10:00:00'));
    const { result } = await createTicket(store, desk, 'lhy', matter({ kind: 'complaint', description: '保洁不到位' }));
    await transitionTicket(store, lead, 'lhy', result.ticketId, step({ action: 'accept' }));
    await transitionTicket(store, lead, 'lhy', result.ticketId, step({ action: 'complete', note: '已重新保洁' }));
    const visited = await followUpTicket(
      store,
      { ...desk, now: sh('2026-11-17T09:00:00') },
      'lhy',
      result.ticketId,
      FollowUpBody.parse({ satisfaction: 'dissatisfied', result: '楼道仍有垃圾' }),
    );
    expect(visited.result.ticket).toMatchObject({
      status: 'reopened',
      reopenCount: 1,
      sla: { round: 1, solveBy: sh('2026-11-20T09:00:00').toISOString() },
    });
    expect(visited.result.followUp).toMatchObject({ satisfactionLabel: '不满意', outcome: 'reopened' });
    expect(await notices(store, 'ticket.reopened')).toHaveLength(1);
    await expect(
      followUpTicket(store, desk, 'lhy', result.ticketId, FollowUpBody.parse({ satisfaction: 'satisfied', result: '满意' })),
    ).rejects.toMatchObject({ code: 'FOLLOW_UP_NOT_DUE' });
  });

  it('hands the outgoing person’s unclosed tickets to the next shift, moving ownership and keeping the history', async () => {
    // Prepare
    const store = await seedTickets();
    const zhang = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T09:00:00'));
    const wang = as('front_desk', WANG.id, WANG.name, sh('2026-11-16T09:00:00'));
    const a = await createTicket(store, zhang, 'lhy', matter({ kind: 'repair', description: '阳台推拉门卡住' }));
    const b = await createTicket(store, zhang, 'lhy', matter({ kind: 'complaint', description: '快递堆放占道' }));
    const c = await createTicket(store, zhang, 'lhy', matter({ kind: 'inquiry', description: '询问停水时间' }));
    await transitionTicket(store, zhang, 'lhy', c.result.ticketId, step({ action: 'answer', note: '明天9点到12点停水' }));
    await transitionTicket(store, zhang, 'lhy', c.result.ticketId, step({ action: 'close' }));
    const other = await createTicket(store, wang, 'lhy', matter({ kind: 'suggestion', description: '建议增设充电桩' }));
    // Act
    const handover = await shiftHandover(
      store,
      { ...zhang, now: sh('2026-11-16T17:30:00') },
      'lhy',
      ShiftHandoverBody.parse({ to: WANG, shift: '白班', note: '推拉门已约李工长，投诉待客服回复' }),
    );
    // Assess
    expect(handover.result.tickets.map((t) => t.ticketNo).sort()).toEqual(['GD000001', 'GD000002']);
    expect(handover.result).toMatchObject({ from: ZHANG, to: WANG, shift: '白班', date: '2026-11-16' });
    for (const id of [a.result.ticketId, b.result.ticketId]) {
      const detail = await ticketDetail(store, 'lhy', id, sh('2026-11-16T17:31:00'));
      expect(detail.owner).toEqual(WANG);
      expect(detail.receivedBy).toMatchObject({ id: ZHANG.id });
      expect(detail.log.at(-1)).toMatchObject({
        event: 'handover',
        note: '推拉门已约李工长，投诉待客服回复',
        detail: { fromOwner: ZHANG, toOwner: WANG, shift: '白班' },
      });
    }
    expect((await ticketDetail(store, 'lhy', c.result.ticketId, zhang.now)).owner).toEqual(ZHANG); // closed: stays
    expect(await access.listOwnerOpenTickets(store, 'lhy', ZHANG.id)).toHaveLength(0);
    expect((await access.listOwnerOpenTickets(store, 'lhy', WANG.id)).map((t) => t.ticketNo).sort()).toEqual([
      'GD000001',
      'GD000002',
      other.result.ticketNo,
    ]);
    expect(await access.listShiftHandovers(store, 'lhy', '2026-11-16')).toHaveLength(1);
  });

  it('moves one ticket’s ownership only by an explicit hand-over from its owner or a lead', async () => {
    const store = await seedTickets();
    const zhang = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T09:00:00'));
    const wang = as('front_desk', WANG.id, WANG.name, sh('2026-11-16T09:00:00'));
    const { result } = await createTicket(
      store,
      zhang,
      'lhy',
      matter({ kind: 'repair', description: '楼道灯不亮', unitCode: undefined, publicArea: '3栋2单元楼道' }),
    );
    await expect(handOverTicket(store, wang, 'lhy', result.ticketId, { to: WANG, note: '我来跟进' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      shiftHandover(store, wang, 'lhy', ShiftHandoverBody.parse({ from: ZHANG, to: WANG, note: '代交班' })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(transitionTicket(store, wang, 'lhy', result.ticketId, step({ action: 'dispatch' }))).resolves.toMatchObject({
      result: { owner: ZHANG, assignee: DAY_TECH },
    }); // dispatching is not a hand-over
    const moved = await handOverTicket(store, zhang, 'lhy', result.ticketId, { to: WANG, note: '本人休假，移交王五跟进' });
    expect(moved.result.owner).toEqual(WANG);
    await expect(handOverTicket(store, wang, 'lhy', result.ticketId, { to: WANG, note: '重复' })).rejects.toMatchObject({
      code: 'HANDOVER_SAME_OWNER',
    });
  });

  it('lists every unclosed ticket in the daily stock-take by age and owner, and none that is closed or cancelled', async () => {
    // Prepare
    const store = await seedTickets();
    const zhang = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-16T09:00:00'));
    const wang = as('front_desk', WANG.id, WANG.name, sh('2026-11-18T09:00:00'));
    const lead = as('cs_lead', CS_LEAD.id, CS_LEAD.name, sh('2026-11-18T09:00:00'));
    await createTicket(store, zhang, 'lhy', matter({ kind: 'repair', description: '外墙渗水' }));
    const done = await createTicket(store, zhang, 'lhy', matter({ kind: 'complaint', description: '垃圾未清运' }));
    await transitionTicket(store, lead, 'lhy', done.result.ticketId, step({ action: 'accept' }));
    await transitionTicket(store, lead, 'lhy', done.result.ticketId, step({ action: 'complete', note: '已清运' }));
    const cancelled = await createTicket(store, zhang, 'lhy', matter({ kind: 'repair', description: '重复登记' }));
    await transitionTicket(store, zhang, 'lhy', cancelled.result.ticketId, step({ action: 'cancel', note: '重复登记' }));
    await createTicket(store, wang, 'lhy', matter({ kind: 'suggestion', description: '建议延长前台服务时间' }));
    // Act
    const list = await ticketStockTake(store, 'lhy', sh('2026-11-18T18:00:00'));
    // Assess
    expect(list.total).toBe(3);
    expect(list.items.map((line) => [line.ticketNo, line.statusLabel, line.owner.name, line.ageDays])).toEqual([
      ['GD000001', '新登记', '张三', 2],
      ['GD000002', '已完成待回访', '张三', 2],
      ['GD000004', '新登记', '王五', 0],
    ]);
    expect(list.byOwner.map((owner) => [owner.owner.name, owner.count])).toEqual([
      ['张三', 2],
      ['王五', 1],
    ]);
  });
});
