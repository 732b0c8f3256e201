import { z } from 'zod';
import { ROLES } from '../core/roles';
import type { RouteSpec } from '../core/route';

/** Builds the OpenAPI 3 document from the same zod schemas the handlers validate with. */
const schemaOf = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: '稳定的错误代码，如 VALIDATION_FAILED、UNIT_NOT_FOUND' },
        message: { type: 'string', description: '中文错误说明' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

const parametersOf = (route: RouteSpec) => {
  const parameters: Array<Record<string, unknown>> = [];
  const add = (object: z.ZodObject | undefined, where: 'path' | 'query') => {
    if (!object) return;
    const json = schemaOf(object, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema });
    }
  };
  add(route.params, 'path');
  add(route.query, 'query');
  if (route.idempotent) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: '幂等键：同一键重试只执行一次，返回首次结果',
      schema: { type: 'string', minLength: 8, maxLength: 128 },
    });
  }
  return parameters;
};

export const buildOpenApi = (routes: RouteSpec[], info: { title: string; version: string }) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      parameters: parametersOf(route),
      responses: {
        [String(route.successStatus)]: {
          description: '成功',
          content: { 'application/json': { schema: schemaOf(route.response, 'output') } },
        },
        ...(route.auth === 'staff'
          ? {
              '401': { description: '未登录', content: { 'application/json': { schema: ERROR_SCHEMA } } },
              '403': { description: '岗位无权限', content: { 'application/json': { schema: ERROR_SCHEMA } } },
            }
          : {}),
        '400': { description: '输入格式错误', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        '404': { description: '不存在', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        '409': { description: '冲突（已存在或已被他人修改）', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        '422': { description: '业务规则不允许', content: { 'application/json': { schema: ERROR_SCHEMA } } },
      },
      ...(route.auth === 'staff'
        ? { security: [{ staffJwt: [] }], 'x-roles': [...(route.roles ?? [])].map((role) => `${role}（${ROLES[role]}）`) }
        : {}),
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } };
    } else if (route.rawBodyContentTypes) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          route.rawBodyContentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    }
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.3',
    info: { ...info, description: '物业服务中心客服前台后台接口。金额一律以“分”为单位的整数。' },
    components: {
      securitySchemes: {
        staffJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito（或本地）签发的员工令牌，cognito:groups 为岗位',
        },
      },
    },
    paths,
  };
};
