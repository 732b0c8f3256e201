import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_NAMES } from '../../functions/core/roles';
import { allRoutes } from '../../functions/manifest';
import { type RunningTarget, startTarget } from '../support/local-target';

/** Every manifest route, checked over real HTTP against the local target: auth and bad input. */
const CHINESE = /[\u4e00-\u9fa5]/;
const SAMPLE_PARAMS: Record<string, string> = { estateId: 'lhy', unitCode: '1-1-101', date: '2026-12-01' };
const fill = (path: string, value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_, name: string) => value(name));

let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('guard');
});
afterAll(async () => {
  await t.target.stop();
});

const staffRoutes = allRoutes().filter(({ route }) => route.auth === 'staff');

describe('routes-guard', () => {
  it.each(staffRoutes.map(({ route }) => [`${route.method} ${route.path}`, route] as const))(
    'answers 401 without a token on %s',
    async (_, route) => {
      const response = await t.call(
        route.method,
        fill(route.path, (name) => SAMPLE_PARAMS[name] ?? 'x'),
      );
      expect(response.status).toBe(401);
    },
  );

  it('answers 401 for an expired token, a token for another audience and a token signed by another key', async () => {
    // Prepare
    const expired = await t.token('admin', '过期', { ttlSeconds: -60 });
    const otherAudience = await t.token('admin', '他人', { audience: 'someone-else' });
    const other = await startTarget('guard-other-key');
    const foreign = await other.token('admin', '外部');
    await other.target.stop();
    // Act / Assess
    for (const token of [expired, otherAudience, foreign, 'not.a.jwt']) {
      expect((await t.call('GET', '/estates', { token })).status).toBe(401);
    }
  });

  const restricted = staffRoutes.filter(({ route }) => ROLE_NAMES.some((role) => !(route.roles ?? []).includes(role)));
  it.each(restricted.map(({ route }) => [`${route.method} ${route.path}`, route] as const))(
    'answers 403 with a Chinese message for a role the route does not allow on %s',
    async (_, route) => {
      const role = ROLE_NAMES.find((r) => !(route.roles ?? []).includes(r));
      const response = await t.call(
        route.method,
        fill(route.path, (name) => SAMPLE_PARAMS[name] ?? 'x'),
        {
          token: await t.token(role ?? 'front_desk'),
          ...(route.body ? { json: {} } : {}),
        },
      );
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
      expect(response.body.error.message).toMatch(CHINESE);
    },
  );

  const withInput = allRoutes().filter(({ route }) => route.params || route.body || route.query);
  it.each(withInput.map(({ route }) => [`${route.method} ${route.path}`, route] as const))(
    'answers 400 with VALIDATION_FAILED and a Chinese message for bad input on %s',
    async (_, route) => {
      const token = await t.token(route.roles?.[0] ?? 'admin');
      const attempts: Array<{ path: string; json?: unknown }> = [];
      if (route.params) attempts.push({ path: fill(route.path, () => '%21%21'), ...(route.body ? { json: {} } : {}) });
      if (route.body) attempts.push({ path: fill(route.path, (name) => SAMPLE_PARAMS[name] ?? 'x'), json: { bogus: true } });
      if (route.query) attempts.push({ path: `${fill(route.path, (name) => SAMPLE_PARAMS[name] ?? 'x')}?limit=abc&from=x` });
      for (const attempt of attempts) {
        const response = await t.call(route.method, attempt.path, { token, ...(attempt.json ? { json: attempt.json } : {}) });
        expect(response.status, attempt.path).toBe(400);
        expect(response.body.error.code).toBe('VALIDATION_FAILED');
        expect(response.body.error.message).toMatch(CHINESE);
      }
    },
  );

  it('answers 400 for a body that is not JSON', async () => {
    const response = await t.call('POST', '/estates', {
      token: await t.token('admin'),
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '请求体不是有效的 JSON' });
  });

  it('serves every manifest route in the OpenAPI document', async () => {
    const response = await t.call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.0.3');
    for (const { route } of allRoutes()) {
      expect(response.body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.path).toBe(route.operationId);
    }
    const createUnit = response.body.paths['/estates/{estateId}/units'].post;
    expect(createUnit.requestBody.content['application/json'].schema.properties.area).toBeDefined();
    expect(createUnit.security).toEqual([{ staffJwt: [] }]);
  });
});
