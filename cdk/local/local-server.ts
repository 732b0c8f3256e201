import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiEvent, ApiResult } from '../../functions/core/api-handler';
import type { RouteSpec } from '../../functions/core/route';
import type { ScheduleEvent } from '../../functions/core/schedule-handler';
import { allRoutes, type FunctionDefinition, manifest } from '../../functions/manifest';
import type { Verifier } from './local-auth';

/**
 * The local target's HTTP server: serves every manifest route by turning the request into the
 * API Gateway HTTP API (payload 2.0) event the Lambda would get — JWT claims placed where the
 * JWT authorizer puts them — and calling the same handler.
 */
type ApiLambda = (event: ApiEvent) => Promise<ApiResult>;
type ScheduleLambda = (event: ScheduleEvent) => Promise<unknown>;

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway HTTP API payload limit

const TEXT_TYPES = [/^text\//, /^application\/(json|xml|x-www-form-urlencoded|javascript)/, /\+json$/, /\+xml$/];

interface CompiledRoute {
  route: RouteSpec;
  fn: FunctionDefinition;
  segments: string[];
  literalCount: number;
}

const compile = (): CompiledRoute[] =>
  allRoutes()
    .map(({ fn, route }) => {
      const segments = route.path.split('/').filter(Boolean);
      return { route, fn, segments, literalCount: segments.filter((s) => !s.startsWith('{')).length };
    })
    // API Gateway prefers the most specific route: more literal segments first.
    .sort((a, b) => b.literalCount - a.literalCount);

const match = (compiled: CompiledRoute[], method: string, path: string) => {
  const parts = path.split('/').filter(Boolean);
  let pathMatched = false;
  for (const candidate of compiled) {
    if (candidate.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = candidate.segments.every((segment, i) => {
      const part = parts[i] ?? '';
      if (segment.startsWith('{')) {
        try {
          params[segment.slice(1, -1)] = decodeURIComponent(part);
        } catch {
          return false;
        }
        return true;
      }
      return segment === part;
    });
    if (!ok) continue;
    pathMatched = true;
    if (candidate.route.method === method) return { candidate, params };
  }
  return pathMatched ? 'method' : undefined;
};

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });

/** API Gateway HTTP API hands claims over as strings; lists become "[a b]". */
export const claimsAsApiGateway = (payload: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]),
  );

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

export interface LocalServerOptions {
  verifier: Verifier;
  /** Loads a manifest entry's module; defaults to importing the entry file. */
  load?: (fn: FunctionDefinition) => Promise<{ handler: unknown }>;
  /** Runs a schedule by hand (POST /_local/schedules/{id}); given by the local target. */
  runSchedule?: (scheduleId: string, action?: string) => Promise<unknown>;
  log?: (line: string) => void;
}

export const defaultLoad = (fn: FunctionDefinition) =>
  import(pathToFileURL(resolve(process.cwd(), fn.entry)).href) as Promise<{ handler: unknown }>;

export const loadScheduleHandler = async (
  fn: FunctionDefinition,
  load: LocalServerOptions['load'] = defaultLoad,
): Promise<ScheduleLambda> => (await load(fn)).handler as ScheduleLambda;

export const createLocalServer = (options: LocalServerOptions): Server => {
  const compiled = compile();
  const load = options.load ?? defaultLoad;
  const handlers = new Map<string, Promise<ApiLambda>>();
  const handlerFor = (fn: FunctionDefinition) => {
    let found = handlers.get(fn.name);
    if (!found) {
      found = load(fn).then((mod) => mod.handler as ApiLambda);
      handlers.set(fn.name, found);
    }
    return found;
  };

  return createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (url.pathname.startsWith('/_local/schedules/') && method === 'POST') {
        await runScheduleByHand(req, res, url, options);
        return;
      }
      const found = match(compiled, method, url.pathname);
      if (found === undefined) return send(res, 404, { message: 'Not Found' });
      if (found === 'method') return send(res, 405, { message: 'Method Not Allowed' });
      const { candidate, params } = found;

      let claims: Record<string, string> | undefined;
      if (candidate.route.auth === 'staff') {
        const authorization = req.headers.authorization ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
        if (!token) {
          return send(res, 401, {
            message: 'Unauthorized',
            error: { code: 'UNAUTHORIZED', message: '缺少登录令牌（Authorization: Bearer …）' },
          });
        }
        try {
          claims = claimsAsApiGateway((await options.verifier(token)) as Record<string, unknown>);
        } catch {
          return send(res, 401, {
            message: 'Unauthorized',
            error: { code: 'UNAUTHORIZED', message: '登录令牌无效或已过期，请重新登录' },
          });
        }
      }

      let raw: Buffer;
      try {
        raw = await readBody(req);
      } catch {
        return send(res, 413, { message: 'Request Entity Too Large' });
      }
      const contentType = String(req.headers['content-type'] ?? '');
      const isText = raw.length === 0 || TEXT_TYPES.some((pattern) => pattern.test(contentType.toLowerCase()));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      }
      const query: Record<string, string> = {};
      for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
      const now = new Date();
      const routeKey = `${candidate.route.method} ${candidate.route.path}`;
      const requestId = randomUUID();
      const event = {
        version: '2.0',
        routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(Object.keys(params).length ? { pathParameters: params } : {}),
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'localhost',
          http: {
            method,
            path: url.pathname,
            protocol: `HTTP/${req.httpVersion}`,
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId,
          routeKey,
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
        ...(raw.length ? { body: isText ? raw.toString('utf8') : raw.toString('base64') } : {}),
        isBase64Encoded: raw.length > 0 && !isText,
      } as unknown as ApiEvent;

      const handler = await handlerFor(candidate.fn);
      const result = await handler(event);
      const body = result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? '');
      res.writeHead(result.statusCode ?? 200, {
        ...Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
        'x-request-id': requestId,
      });
      res.end(body);
      options.log?.(`${method} ${url.pathname} → ${result.statusCode} ${Date.now() - started}ms`);
    } catch (error) {
      console.error(error);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      else res.end();
    }
  });
};

const runScheduleByHand = async (req: IncomingMessage, res: ServerResponse, url: URL, options: LocalServerOptions) => {
  // Loopback only, and only with a token carrying the admin role.
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return send(res, 401, { message: 'Unauthorized' });
  try {
    const payload = await options.verifier(token);
    const groups = payload['cognito:groups'];
    if (!Array.isArray(groups) || !groups.includes('admin')) return send(res, 403, { message: 'Forbidden' });
  } catch {
    return send(res, 401, { message: 'Unauthorized' });
  }
  const id = decodeURIComponent(url.pathname.slice('/_local/schedules/'.length));
  const known = manifest.some((fn) => (fn.schedules ?? []).some((s) => s.id === id));
  if (!known || !options.runSchedule) return send(res, 404, { message: `unknown schedule: ${id}` });
  const result = await options.runSchedule(id, url.searchParams.get('action') ?? undefined);
  send(res, 200, { scheduleId: id, result });
};
