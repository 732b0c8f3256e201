import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { issueToken, loadOrCreateLocalKeys, type TokenRequest } from '../../cdk/local/local-auth';
import { type LocalTarget, startLocalTarget } from '../../cdk/local/local-target';
import type { Role } from '../../functions/core/roles';

export interface RunningTarget {
  target: LocalTarget;
  url: string;
  dataDir: string;
  token(role: Role | Role[], name?: string, extra?: Partial<TokenRequest>): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { token?: string; json?: unknown; body?: Buffer | string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  /** A call that must succeed (2xx); answers the body, or fails the test naming the route and the answer. */
  ok(method: string, path: string, token: string, json?: unknown, headers?: Record<string, string>): Promise<any>;
}

/** The local target in this test process, on a free port, with a table of its own in the shared DynamoDB Local. */
export const startTarget = async (label: string): Promise<RunningTarget> => {
  const dataDir = mkdtempSync(join(tmpdir(), `desk-${label}-`));
  const target = await startLocalTarget({
    port: 0,
    dataDir,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `e2e-${label}-${process.pid}-${Date.now().toString(36)}`,
    runSchedules: false,
  });
  const keys = await loadOrCreateLocalKeys(dataDir);
  const running: RunningTarget = {
    target,
    url: target.url,
    dataDir,
    token: (role, name = '测试员', extra = {}) =>
      issueToken(keys, { roles: Array.isArray(role) ? role : [role], name, ...extra }),
    async ok(method, path, token, json, headers) {
      const response = await running.call(method, path, {
        token,
        ...(json !== undefined ? { json } : {}),
        ...(headers ? { headers } : {}),
      });
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response.body;
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | Buffer | undefined = options.body;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.json);
      }
      const response = await fetch(`${target.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: parsed };
    },
  };
  return running;
};
