import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { type Store, storeFromEnv } from '../store/client';
import type { CommandContext } from '../store/commit';
import { ForbiddenError, isDeskError, toErrorBody, UnauthorizedError, ValidationError } from './errors';
import { type Actor, isRole, type Role } from './roles';
import { type RouteSpec, routeKey } from './route';
import { parseOrThrow } from './validation';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a route implementation gets: parsed input, who is calling, the store. */
export interface RouteInput<R extends RouteSpec> {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  /** The raw request bytes, for uploads (CSV/XLSX) and signature checks. */
  rawBody: Buffer;
  contentType: string;
  /** Request headers, names in lower case (webhook signature headers). */
  headers: Record<string, string>;
  ctx: CommandContext;
  store: Store;
}

export type RouteImplementation<R extends RouteSpec> = (input: RouteInput<R>) => Promise<{
  body: Infer<R['response']>;
  status?: number;
  headers?: Record<string, string>;
  /** A plain-text answer instead of JSON (providers that expect an exact reply, e.g. Alipay's `success`). */
  rawResponse?: string;
}>;

export type Implementations<T extends Record<string, RouteSpec>> = { [K in keyof T]: RouteImplementation<T[K]> };

export interface HandlerOptions {
  store?: () => Store;
  clock?: () => Date;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/**
 * API Gateway HTTP API passes JWT claims as strings; a list claim such as `cognito:groups`
 * arrives as "[a b]". Accept both that form and a real array.
 */
export const claimList = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        return (JSON.parse(trimmed) as unknown[]).map(String);
      } catch {
        /* fall through to the space-separated form */
      }
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
};

/** The staff member behind a request, from the claims the JWT authorizer verified. */
export const actorFromClaims = (claims: Record<string, unknown> | undefined, allowed: readonly Role[]): Actor => {
  if (!claims || typeof claims.sub !== 'string') throw new UnauthorizedError();
  const roles = claimList(claims['cognito:groups']).filter(isRole);
  if (roles.length === 0) throw new ForbiddenError('账号未分配岗位，请联系管理员');
  const role = roles.find((r) => allowed.includes(r));
  if (!role) {
    throw new ForbiddenError('当前岗位无权执行此操作', { required: [...allowed], have: roles });
  }
  const name =
    (typeof claims.name === 'string' && claims.name) ||
    (typeof claims.username === 'string' && claims.username) ||
    (typeof claims['cognito:username'] === 'string' && (claims['cognito:username'] as string)) ||
    claims.sub;
  return { id: claims.sub, name, role };
};

const header = (event: ApiEvent, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found ? headers[found] : undefined;
};

const lowerCaseHeaders = (event: ApiEvent): Record<string, string> =>
  Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value ?? '')]));

const rawBodyOf = (event: ApiEvent): Buffer =>
  event.body === undefined || event.body === null
    ? Buffer.alloc(0)
    : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');

const IDEMPOTENCY_KEY = /^[A-Za-z0-9:_\-.#]{8,128}$/;

/**
 * A Lambda handler for a set of routes: it only parses (auth, params, query, body),
 * calls the route's implementation, and maps the outcome (errors included) to HTTP.
 */
export const apiHandler = <T extends Record<string, RouteSpec>>(
  routes: T,
  implementations: Implementations<T>,
  options: HandlerOptions = {},
) => {
  const byKey = new Map<string, { route: RouteSpec; impl: RouteImplementation<RouteSpec> }>();
  for (const [name, route] of Object.entries(routes)) {
    byKey.set(routeKey(route), { route, impl: implementations[name] as unknown as RouteImplementation<RouteSpec> });
  }
  const getStore = options.store ?? storeFromEnv;
  const clock = options.clock ?? (() => new Date());

  return async (event: ApiEvent): Promise<ApiResult> => {
    const requestId = event.requestContext?.requestId;
    try {
      const entry = byKey.get(event.routeKey);
      if (!entry) return json(404, { error: { code: 'ROUTE_NOT_FOUND', message: '接口不存在' } });
      const { route, impl } = entry;

      const actor: Actor =
        route.auth === 'staff'
          ? actorFromClaims(event.requestContext?.authorizer?.jwt?.claims, route.roles ?? [])
          : { id: route.auth, name: route.auth === 'webhook' ? '支付通知' : '匿名', role: 'system' };

      const params = route.params ? parseOrThrow(route.params, event.pathParameters ?? {}, '路径参数') : undefined;
      const query = route.query ? parseOrThrow(route.query, event.queryStringParameters ?? {}, '查询参数') : undefined;
      const rawBody = rawBodyOf(event);
      const contentType = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      let body: unknown;
      if (route.body) {
        let parsedJson: unknown;
        try {
          parsedJson = rawBody.length === 0 ? undefined : JSON.parse(rawBody.toString('utf8'));
        } catch {
          throw new ValidationError('请求体不是有效的 JSON');
        }
        body = parseOrThrow(route.body, parsedJson, '请求体');
      }

      const idempotencyKey = header(event, 'idempotency-key');
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new ValidationError('Idempotency-Key 请求头应为 8–128 位字母、数字或 :_-.#');
      }
      const ctx: CommandContext = {
        actor,
        source: route.auth === 'webhook' ? 'webhook' : 'api',
        now: clock(),
        idempotencyKey: route.idempotent ? idempotencyKey : undefined,
        requestId,
      };

      const outcome = await impl({
        params: params as never,
        query: query as never,
        body: body as never,
        rawBody,
        contentType,
        headers: lowerCaseHeaders(event),
        ctx,
        store: getStore(),
      });
      if (outcome.rawResponse !== undefined) {
        return {
          statusCode: outcome.status ?? route.successStatus,
          headers: { 'content-type': 'text/plain; charset=utf-8', ...outcome.headers },
          body: outcome.rawResponse,
        };
      }
      return json(outcome.status ?? route.successStatus, outcome.body, outcome.headers);
    } catch (error) {
      if (isDeskError(error)) return json(error.status, toErrorBody(error));
      console.error(JSON.stringify({ level: 'error', requestId, routeKey: event.routeKey, error: serialise(error) }));
      return json(500, { error: { code: 'INTERNAL', message: '系统内部错误，请稍后重试', requestId } });
    }
  };
};

const serialise = (error: unknown) =>
  error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
