import type { z } from 'zod';
import type { Role } from './roles';

/**
 * A route, declared once: the handler dispatches on it, the AWS stack and the local target
 * serve it, the OpenAPI document describes it. Schemas are zod; nothing here does I/O.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  /** API Gateway path syntax: /estates/{estateId}/units */
  path: string;
  summary: string;
  tags: string[];
  /** staff: JWT authorizer + role check; public: no auth (health, openapi); webhook: provider signature in code. */
  auth: 'staff' | 'public' | 'webhook';
  roles?: readonly Role[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Non-JSON request bodies (e.g. a CSV or XLSX upload), described in OpenAPI as binary. */
  rawBodyContentTypes?: readonly string[];
  response: z.ZodType;
  successStatus: 200 | 201;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
}

export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>) => `${route.method} ${route.path}`;

export const defineRoutes = <const T extends Record<string, RouteSpec>>(routes: T): T => routes;
