import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../cdk/local/dynamo-local';
import { issueToken, loadOrCreateLocalKeys } from '../../cdk/local/local-auth';

/** `npm start` as a newcomer runs it: its own DynamoDB Local on disk, real HTTP, clean stop, data kept. */
const start = (port: number, dataDir: string) =>
  new Promise<{ child: ChildProcess; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cdk/local/main.ts'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('本地服务已启动')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('npm start', () => {
  it('answers /health, keeps data across a restart and stops cleanly on SIGTERM', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'desk-start-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Act: first run creates an estate
    const first = await start(port, dataDir);
    const token = await issueToken(await loadOrCreateLocalKeys(dataDir), { roles: ['centre_head'], name: '王主任' });
    const health = await fetch(`${url}/health`);
    const created = await fetch(`${url}/estates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'keep', name: '留存苑' }),
    });
    const firstExit = await stop(first.child);
    // Act: second run reads it back
    const second = await start(port, dataDir);
    const read = await fetch(`${url}/estates/keep`, { headers: { authorization: `Bearer ${token}` } });
    const readBody = await read.json();
    const secondExit = await stop(second.child);
    // Assess
    expect(health.status).toBe(200);
    expect(created.status).toBe(201);
    expect(firstExit).toBe(0);
    expect(first.output()).toContain('stopped cleanly');
    expect(read.status).toBe(200);
    expect(readBody).toMatchObject({ id: 'keep', name: '留存苑' });
    expect(secondExit).toBe(0);
  });
});
