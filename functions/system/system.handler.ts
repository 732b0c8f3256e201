import { apiHandler } from '../core/api-handler';
import { allRoutes } from '../manifest';
import { access } from '../store/keys';
import { buildOpenApi } from './openapi';
import { systemRoutes } from './system.routes';

let document: ReturnType<typeof buildOpenApi> | undefined;

export const handler = apiHandler(systemRoutes, {
  health: async ({ store, ctx }) => {
    await access.getIdempotency(store, 'health-probe'); // proves the table answers
    return { body: { status: 'ok' as const, store: 'ok' as const, time: ctx.now.toISOString() } };
  },
  openapi: async () => {
    document ??= buildOpenApi(
      allRoutes().map(({ route }) => route),
      { title: '物业服务中心客服前台 API', version: '0.1.0' },
    );
    return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
  },
});
