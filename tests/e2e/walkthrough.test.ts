import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTarget, startTarget } from '../support/local-target';

/** The README walk-through, over real HTTP against the local target. */
let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('walk');
});
afterAll(async () => {
  await t.target.stop();
});

describe('walkthrough', () => {
  it('creates an estate, a building and units, imports a list and reads a unit back masked', async () => {
    // Prepare
    const head = await t.token('centre_head', '王主任');
    const desk = await t.token('front_desk', '张三');
    // Act
    const health = await t.call('GET', '/health');
    const estate = await t.call('POST', '/estates', {
      token: head,
      json: { id: 'lhy', name: '绿湖苑', complaintPhone: '010-88886666' },
    });
    const building = await t.call('POST', '/estates/lhy/buildings', { token: head, json: { code: '3', floors: 18 } });
    const unit = await t.call('POST', '/estates/lhy/units', {
      token: desk,
      json: {
        code: '3-2-1501',
        buildingCode: '3',
        floor: 15,
        area: '89.50',
        household: { type: 'family', owner: { name: '李四', idNumber: '11010519491231002X', phone: '13812345678' } },
      },
    });
    const csv = '楼栋,房号,建筑面积,业主姓名,身份证号\n3,3-2-1502,92.10,周五,110105199001011232\n3,3-2-1503,abc,吴六,\n';
    const imported = await t.call('POST', '/estates/lhy/units/import', {
      token: desk,
      body: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    const read = await t.call('GET', '/estates/lhy/units/3-2-1501', { token: desk });
    const list = await t.call('GET', '/estates/lhy/units?building=3&limit=2', { token: desk });
    const history = await t.call('GET', '/estates/lhy/units/3-2-1501/history', { token: desk });
    // Assess
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(estate.status).toBe(201);
    expect(building.status).toBe(201);
    expect(unit.status).toBe(201);
    expect(imported.body).toMatchObject({ created: 1, rejected: 1 });
    expect(imported.body.rows[1]).toMatchObject({ row: 3, outcome: 'rejected' });
    expect(read.body.household.owner).toEqual({
      name: '李四',
      idType: 'resident_id',
      idNumberMasked: '110***********002X',
      phone: '13812345678',
    });
    expect(JSON.stringify(read.body)).not.toContain('11010519491231002X');
    expect(list.body.items.map((u: { code: string }) => u.code)).toEqual(['3-2-1501', '3-2-1502']);
    expect(list.body.cursor).toBeTypeOf('string');
    expect(history.body.items[0]).toMatchObject({ action: 'create', actor: { name: '张三', role: 'front_desk' }, source: 'api' });
  });

  it('replays a retried create with the same Idempotency-Key instead of failing or duplicating', async () => {
    // Prepare
    const head = await t.token('centre_head');
    await t.call('POST', '/estates', { token: head, json: { id: 'idem', name: '幂等苑' } });
    await t.call('POST', '/estates/idem/buildings', { token: head, json: { code: '1' } });
    const request = { code: '1-1-101', buildingCode: '1', area: 100 };
    const headers = { 'idempotency-key': 'create-1-1-101-attempt' };
    // Act
    const first = await t.call('POST', '/estates/idem/units', { token: head, json: request, headers });
    const retry = await t.call('POST', '/estates/idem/units', { token: head, json: request, headers });
    const withoutKey = await t.call('POST', '/estates/idem/units', { token: head, json: request });
    const reused = await t.call('POST', '/estates/idem/units', { token: head, json: { ...request, area: 101 }, headers });
    // Assess
    expect(first.status).toBe(201);
    expect(retry).toEqual(first);
    expect(withoutKey.status).toBe(409);
    expect(withoutKey.body.error.code).toBe('UNIT_EXISTS');
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a direct status change and a stale version with clear errors', async () => {
    const head = await t.token('centre_head');
    await t.call('POST', '/estates', { token: head, json: { id: 'stat', name: '状态苑' } });
    await t.call('POST', '/estates/stat/buildings', { token: head, json: { code: '1' } });
    await t.call('POST', '/estates/stat/units', { token: head, json: { code: '1-1-101', buildingCode: '1', area: '80' } });
    const status = await t.call('PATCH', '/estates/stat/units/1-1-101', {
      token: head,
      json: { expectedVersion: 1, status: 'occupied' },
    });
    const ok = await t.call('PATCH', '/estates/stat/units/1-1-101', { token: head, json: { expectedVersion: 1, area: '81.5' } });
    const stale = await t.call('PATCH', '/estates/stat/units/1-1-101', { token: head, json: { expectedVersion: 1, area: '82' } });
    const missing = await t.call('GET', '/estates/stat/units/9-9-999', { token: head });
    expect(status.status).toBe(400);
    expect(status.body.error.message).toContain('房屋状态只能由入伙、装修等业务办理变更');
    expect(ok.body).toMatchObject({ area: '81.50', version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'UNIT_NOT_FOUND', message: '房号 9-9-999 不存在' });
  });

  it('runs a schedule by hand for an admin token only', async () => {
    const admin = await t.token('admin');
    const desk = await t.token('front_desk');
    const ran = await t.call('POST', '/_local/schedules/calendar-coverage', { token: admin });
    const refused = await t.call('POST', '/_local/schedules/calendar-coverage', { token: desk });
    const unknown = await t.call('POST', '/_local/schedules/nope', { token: admin });
    expect(ran.status).toBe(200);
    expect(ran.body.result.runId).toMatch(/^calendar-coverage:\d{4}-\d{2}-\d{2}$/);
    expect(refused.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});
