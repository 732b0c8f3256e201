import { z } from 'zod';
import { defineRoutes } from '../core/route';

export const systemRoutes = defineRoutes({
  health: {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    summary: '健康检查（含数据存储连通性）',
    tags: ['系统'],
    auth: 'public',
    response: z.object({ status: z.enum(['ok']), store: z.enum(['ok']), time: z.string() }),
    successStatus: 200,
  },
  openapi: {
    operationId: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'OpenAPI 3 接口文档（由同一套 zod 校验规则生成）',
    tags: ['系统'],
    auth: 'public',
    response: z.record(z.string(), z.unknown()),
    successStatus: 200,
  },
});
