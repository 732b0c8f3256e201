import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTarget, startTarget } from '../support/local-target';

/** Tickets over real HTTP: set-up, an emergency dispatched at once, a refused step, follow-up, stock-take, a paid order. */
let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('tickets');
});
afterAll(async () => {
  await t.target.stop();
});

describe('tickets over HTTP', () => {
  it('routes, refuses a disallowed step, follows up, takes stock and posts a paid-service order with a receipt', async () => {
    // Prepare
    const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
    const lead = await t.token('cs_lead', '陈主管', { sub: 'cs-lead-1' });
    const desk = await t.token('front_desk', '张三', { sub: 'desk-1' });
    const cashier = await t.token('cashier', '赵出纳', { sub: 'cashier-1' });
    await t.call('POST', '/estates', { token: head, json: { id: 'lhy', name: '绿湖苑' } });
    await t.call('POST', '/estates/lhy/buildings', { token: head, json: { code: '3' } });
    await t.call('POST', '/estates/lhy/units', {
      token: desk,
      json: { code: '3-2-1501', buildingCode: '3', area: '89.50', household: { type: 'family', owner: { name: '李四' } } },
    });
    const settings = await t.call('PUT', '/estates/lhy/ticket-settings', {
      token: lead,
      json: { csLead: { id: 'cs-lead-1', name: '陈主管' }, departmentHead: { id: 'head-1', name: '王主任' } },
    });
    const team = await t.call('PUT', '/estates/lhy/teams/engineering', {
      token: lead,
      json: { name: '工程维修', lead: { id: 'eng-lead', name: '李工长' }, members: [{ id: 'tech', name: '张师傅' }] },
    });
    // Act
    const emergency = await t.call('POST', '/estates/lhy/tickets', {
      token: desk,
      headers: { 'idempotency-key': 'ticket-emergency-0001' },
      json: { channel: 'phone', kind: 'emergency', unitCode: '3-2-1501', description: '电梯困人', contact: { name: '李四' } },
    });
    const retried = await t.call('POST', '/estates/lhy/tickets', {
      token: desk,
      headers: { 'idempotency-key': 'ticket-emergency-0001' },
      json: { channel: 'phone', kind: 'emergency', unitCode: '3-2-1501', description: '电梯困人', contact: { name: '李四' } },
    });
    const id = emergency.body.ticketId;
    const refused = await t.call('POST', `/estates/lhy/tickets/${id}/transitions`, { token: desk, json: { action: 'close' } });
    const byCashier = await t.call('POST', `/estates/lhy/tickets/${id}/transitions`, {
      token: cashier,
      json: { action: 'accept' },
    });
    const noPlace = await t.call('POST', '/estates/lhy/tickets', {
      token: desk,
      json: { channel: 'phone', kind: 'repair', description: '缺房号' },
    });
    const tech = await t.token('engineering', '张师傅', { sub: 'tech' });
    for (const step of [
      { action: 'accept' },
      { action: 'start' },
      { action: 'complete', note: '已放出被困人员，电梯恢复运行' },
    ]) {
      const moved = await t.call('POST', `/estates/lhy/tickets/${id}/transitions`, { token: tech, json: step });
      expect(moved.status, step.action).toBe(200);
    }
    const visit = await t.call('POST', `/estates/lhy/tickets/${id}/follow-ups`, {
      token: desk,
      json: { satisfaction: 'satisfied', result: '业主满意' },
    });
    await t.call('POST', '/estates/lhy/tickets', {
      token: desk,
      json: { channel: 'walk_in', kind: 'complaint', publicArea: '3栋大堂', description: '大堂地面湿滑无提示' },
    });
    const stock = await t.call('GET', '/estates/lhy/ticket-stock-take', { token: desk });
    const detail = await t.call('GET', `/estates/lhy/tickets/${id}`, { token: desk });
    await t.call('POST', '/estates/lhy/fee-schedule/paid_service', {
      token: head,
      json: { name: '有偿服务费', category: 'other', basis: 'entered', rateFen: 0, unitLabel: '次', effectiveFrom: '2026-01-01' },
    });
    await t.call('POST', '/estates/lhy/voucher-books', {
      token: cashier,
      json: { bookId: 'R2026-01', kind: 'receipt', holder: { id: 'desk-1', name: '张三' }, firstNumber: 1, lastNumber: 50 },
    });
    const opened = await t.call('POST', '/estates/lhy/paid-service-orders', {
      token: desk,
      json: { unitCode: '3-2-1501', serviceType: 'special_cleaning', content: '油烟机深度清洗' },
    });
    const priced = await t.call('POST', '/estates/lhy/paid-service-orders/1/price', {
      token: desk,
      json: { amountFen: 15000, agreedWith: '李四' },
    });
    const paid = await t.call('POST', '/estates/lhy/paid-service-orders/1/payment', {
      token: desk,
      json: { method: 'wechat', voucher: { kind: 'receipt', bookId: 'R2026-01' } },
    });
    const statement = await t.call('GET', '/estates/lhy/units/3-2-1501/statement', { token: desk });
    // Assess
    expect(settings.status).toBe(200);
    expect(team.status).toBe(200);
    expect(emergency.status).toBe(201);
    expect(emergency.body).toMatchObject({
      status: 'dispatched',
      owner: { id: 'desk-1', name: '张三' },
      assignee: { name: '李工长' },
    });
    expect(retried.body.ticketId).toBe(id);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'TICKET_TRANSITION_NOT_ALLOWED' });
    expect(byCashier.status).toBe(403);
    expect(noPlace.status).toBe(400);
    expect(noPlace.body.error.message).toContain('请填写房号或公共区域');
    expect(visit.status).toBe(201);
    expect(visit.body.ticket.status).toBe('closed');
    expect(stock.body.total).toBe(1);
    expect(stock.body.items[0]).toMatchObject({ kind: 'complaint', owner: { name: '张三' } });
    expect(detail.body.log.map((line: { action: string }) => line.action)).toEqual([
      'create',
      'dispatch',
      'accept',
      'start',
      'complete',
      'visit',
      'close',
    ]);
    expect(opened.status).toBe(201);
    expect(opened.body.orderNo).toBe('YC000001');
    expect(priced.status).toBe(200);
    expect(paid.status).toBe(201);
    expect(paid.body.voucher).toMatchObject({
      voucherNo: 'R2026-01-000001',
      amountCapitals: '人民币壹佰伍拾元整',
      methodLabel: '微信',
    });
    expect(statement.body.account.balanceFen).toBe(0);
  });
});
