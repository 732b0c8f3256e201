import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal } from '../cdk/local/dynamo-local';
import { idNumberCheckChar } from '../functions/core/personal-data.domain';
import type { Role } from '../functions/core/roles';
import { createStore, type Store } from '../functions/store/client';
import type { CommandContext } from '../functions/store/commit';
import { ensureTable } from '../functions/store/ensure-table';
import { createBuilding, createEstate, createUnit, readUnit, updateUnit } from '../functions/units/units.commands';
import { CreateUnitBody, UpdateUnitBody } from '../functions/units/units.schema';
import { createGoogleBackend } from '../sheets/backends/google.backend';
import { EXCEPTIONS_TAB, SHEET_BINDINGS } from '../sheets/bindings';
import type { SheetBackend } from '../sheets/sync/backend';
import { type CycleReport, type SyncOptions, syncCycle } from '../sheets/sync/engine';
import { UNITS_TAB } from '../sheets/tabs/units.tab';
import {
  createServiceAccount,
  type RecordedRequest,
  type SheetsServer,
  type SheetValue,
  startSheetsServer,
} from '../tests/support/sheets-v4-server';
import { runClients } from './support';

/**
 * Sheet sync at an estate's scale: a 房号 tab of 10,000 units kept by the engine against DynamoDB Local and the
 * local Sheets v4 server (real HTTP, the real `@googleapis/sheets` client). After a first cycle fills the tab,
 * 1,000 units change in the store and staff type 100 new owner phones in the sheet; ONE cycle takes both ways.
 * Reported per cycle: requests by kind (counted at the server), bytes each way, wall time, CPU time of this
 * process, and where the wall time went (sheet I/O, DynamoDB calls by purpose, the rest: diff and rendering).
 *
 * The Sheets server runs in a child process so that this process's CPU is the engine's own (diff, rendering,
 * JSON, HTTP and DynamoDB clients); DynamoDB Local is a Java process of its own.
 *
 * Time line (outbox ids carry the command's `now`): the units are imported "yesterday", the first cycle fills the
 * tab, one more unit changes ten minutes later and a cycle takes it; today's changes follow. The extra cycle is
 * there because the engine re-reads the outbox from 2 minutes before its cursor: the cycle right after an import
 * re-reads the whole import (reported as its own line); a day later only today's changes are read.
 */
const UNITS = 10_000;
const CHANGES = 1_000;
const EDITS = 100;
const SEED_CLIENTS = 16;
const CHANGE_CLIENTS = 8;
const ESTATE = 'bench';
/**
 * Above the number of outbox entries one cycle meets. With the default (5,000), 10,000 `unit.changed` entries
 * written within the 2-minute re-read window stall the cursor: every cycle re-reads the same first 5,000 and
 * never reaches the rest (reported as an engine bug, not worked around in the engine here).
 */
const OUTBOX_LIMIT = 50_000;
const GOOGLE_WRITES_PER_MINUTE = 60;
const TAB = UNITS_TAB.tab;
const PHONE_AT = UNITS_TAB.columns.findIndex((c) => c.key === 'household.owner.phone');
const FLOOR_AT = UNITS_TAB.columns.findIndex((c) => c.key === 'floor');
const STATUS_AT = UNITS_TAB.columns.findIndex((c) => c.key === '_status');
const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);

// ---------------------------------------------------------------------------------------------------------------
// The Sheets server in a child process: the same module, started with SHEETS_BENCH_SERVER=1, answering over IPC.

type ServerOp =
  | { op: 'register'; email: string; publicKey: string }
  | { op: 'typeIn'; edits: [tab: string, row: number, col: number, text: string][] }
  | { op: 'rows'; tab: string }
  | { op: 'requests' }
  | { op: 'reset' }
  | { op: 'cpu' };

interface ServerReplies {
  register: null;
  typeIn: null;
  rows: SheetValue[][];
  requests: RecordedRequest[];
  reset: null;
  cpu: NodeJS.CpuUsage;
}

const serveSheets = async () => {
  const server: SheetsServer = await startSheetsServer();
  const answer = (call: ServerOp): unknown => {
    switch (call.op) {
      case 'register':
        server.registerServiceAccount(call.email, call.publicKey);
        return null;
      case 'typeIn':
        for (const [tab, row, col, text] of call.edits) server.typeIn(tab, row, col, text);
        return null;
      case 'rows':
        return server.rows(call.tab);
      case 'requests':
        return [...server.requests];
      case 'reset':
        server.resetCounts();
        return null;
      case 'cpu':
        return process.cpuUsage();
    }
  };
  process.on('message', (message: { id: number; call: ServerOp }) => {
    try {
      process.send?.({ id: message.id, result: answer(message.call) });
    } catch (error) {
      process.send?.({ id: message.id, error: String(error) });
    }
  });
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  process.send?.({ ready: { rootUrl: server.rootUrl, tokenUrl: server.tokenUrl, spreadsheetId: server.spreadsheetId } });
};

if (process.env.SHEETS_BENCH_SERVER === '1') await serveSheets();

interface ServerProcess {
  rootUrl: string;
  tokenUrl: string;
  spreadsheetId: string;
  call<K extends ServerOp['op']>(call: Extract<ServerOp, { op: K }>): Promise<ServerReplies[K]>;
  stop(): Promise<void>;
}

const startServerProcess = (): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    // The tsx loader flags of this process are inherited (fork's default execArgv).
    const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, SHEETS_BENCH_SERVER: '1' },
      serialization: 'advanced',
    });
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
    let next = 0;
    child.once('error', reject);
    child.on(
      'message',
      (message: { ready?: Omit<ServerProcess, 'call' | 'stop'>; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) {
          resolve({
            ...message.ready,
            call: (call) =>
              new Promise((done, fail) => {
                next += 1;
                pending.set(next, { resolve: done as (value: unknown) => void, reject: fail });
                child.send({ id: next, call });
              }),
            stop: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null) return done();
                child.once('exit', () => done());
                child.disconnect();
              }),
          });
          return;
        }
        const waiting = pending.get(message.id ?? -1);
        if (!waiting) return;
        pending.delete(message.id ?? -1);
        if (message.error) waiting.reject(new Error(message.error));
        else waiting.resolve(message.result);
      },
    );
  });

// ---------------------------------------------------------------------------------------------------------------
// Instruments: DynamoDB calls by purpose, sheet I/O, CPU.

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** What a cycle spent on one purpose of DynamoDB calls: wall and CPU while at least one such call was in flight. */
interface Timing {
  calls: number;
  /** Items returned (Query, BatchGet), and their size as JSON. */
  items: number;
  bytes: number;
  wallMs: number;
  cpuMs: number;
}

const PURPOSES = ['outbox', 'baselines read', 'record loads', 'staff commands', 'baselines save', 'sync state'] as const;
type Purpose = (typeof PURPOSES)[number];

type Command = { constructor: { name: string }; input?: Record<string, unknown> };

const purposeOf = (command: Command): Purpose => {
  const name = command.constructor.name.replace(/Command$/, '');
  const input = command.input ?? {};
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const pk = String(values[':pk'] ?? (input.Key as { pk?: unknown } | undefined)?.pk ?? '');
  const itemType = String((input.Item as { type?: unknown } | undefined)?.type ?? '');
  if (name === 'Query' && pk.startsWith('OUTBOX#')) return 'outbox';
  if (name === 'Query' && values[':sk'] === 'BASE#') return 'baselines read';
  if (name === 'BatchGet') return 'record loads';
  if (name === 'Put' && itemType === 'sheetBaseline') return 'baselines save';
  if (pk.startsWith('SHEETSYNC#') || itemType.startsWith('sheet')) return 'sync state';
  return 'staff commands';
};

/** Wraps the store's client: calls, items, wall and CPU per purpose, and for all calls together. */
const instrumentStore = (store: Store) => {
  const byPurpose = new Map<Purpose | 'all', Timing & { inFlight: number; since: number; cpuSince: NodeJS.CpuUsage }>();
  const slot = (key: Purpose | 'all') => {
    let timing = byPurpose.get(key);
    if (!timing) {
      timing = { calls: 0, items: 0, bytes: 0, wallMs: 0, cpuMs: 0, inFlight: 0, since: 0, cpuSince: process.cpuUsage() };
      byPurpose.set(key, timing);
    }
    return timing;
  };
  const send = store.doc.send.bind(store.doc) as (...args: unknown[]) => Promise<unknown>;
  store.doc.send = (async (command: Command, ...rest: unknown[]) => {
    const slots = [slot(purposeOf(command)), slot('all')];
    for (const timing of slots) {
      if (timing.inFlight === 0) {
        timing.since = performance.now();
        timing.cpuSince = process.cpuUsage();
      }
      timing.inFlight += 1;
    }
    const [own] = slots;
    try {
      const out = (await send(command, ...rest)) as { Items?: unknown[]; Responses?: Record<string, unknown[]> };
      const items = [...(out.Items ?? []), ...Object.values(out.Responses ?? {}).flat()];
      if (own && items.length) {
        own.items += items.length;
        own.bytes += Buffer.byteLength(JSON.stringify(items));
      }
      return out;
    } finally {
      for (const timing of slots) {
        timing.calls += 1;
        timing.inFlight -= 1;
        if (timing.inFlight === 0) {
          timing.wallMs += performance.now() - timing.since;
          timing.cpuMs += cpuMs(process.cpuUsage(timing.cpuSince));
        }
      }
    }
  }) as typeof store.doc.send;
  const empty = (): Timing => ({ calls: 0, items: 0, bytes: 0, wallMs: 0, cpuMs: 0 });
  return {
    /** A copy of what was measured since the last reset. */
    snapshot: (): Record<Purpose | 'all', Timing> =>
      Object.fromEntries(
        (['all', ...PURPOSES] as const).map((key) => {
          const { calls, items, bytes, wallMs, cpuMs: cpu } = byPurpose.get(key) ?? empty();
          return [key, { calls, items, bytes, wallMs, cpuMs: cpu }];
        }),
      ) as Record<Purpose | 'all', Timing>,
    reset: () => byPurpose.clear(),
  };
};

/** The backend with its read and write timed (wall and this process's CPU). */
const instrumentBackend = (backend: SheetBackend) => {
  const io = { read: { ms: 0, cpuMs: 0 }, write: { ms: 0, cpuMs: 0 } };
  const timed = async <T>(slot: keyof typeof io, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      return await work();
    } finally {
      io[slot].ms += performance.now() - t0;
      io[slot].cpuMs += cpuMs(process.cpuUsage(cpu0));
    }
  };
  const wrapped: SheetBackend = {
    kind: backend.kind,
    read: (tabs) => timed('read', () => backend.read(tabs)),
    write: (changes) => timed('write', () => backend.write(changes)),
    replaceRows: (tab, rows) => backend.replaceRows(tab, rows),
    setup: (layouts) => backend.setup(layouts),
    busy: () => backend.busy(),
  };
  return {
    backend: wrapped,
    io,
    reset: () => {
      for (const slot of Object.values(io)) {
        slot.ms = 0;
        slot.cpuMs = 0;
      }
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// The estate: 20 buildings × 2 entrances × 25 floors × 10 rooms; owners with phones, ID numbers, some debit accounts.

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰';

const unitCode = (i: number) => {
  const room = (i % 10) + 1;
  const floor = Math.floor(i / 10) % 25;
  const entrance = Math.floor(i / 250) % 2;
  const building = Math.floor(i / 500) + 1;
  return { code: `${building}-${entrance + 1}-${floor + 1}${String(room).padStart(2, '0')}`, building, floor: floor + 1 };
};

const idNumber = (i: number) => {
  const first17 = `330106${1950 + (i % 50)}${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return `${first17}${idNumberCheckChar(first17)}`;
};

const name = (i: number) =>
  `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${i % 3 === 0 ? '' : GIVEN[(i * 13) % GIVEN.length]}`;
const phone = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}`;

const unitInput = (i: number) => {
  const { code, building, floor } = unitCode(i);
  const owner = name(i);
  return CreateUnitBody.parse({
    code,
    buildingCode: String(building),
    floor,
    area: `${80 + (i % 60)}.${String(i % 100).padStart(2, '0')}`,
    status: i % 10 === 9 ? 'vacant' : 'occupied',
    household: {
      type: 'family',
      owner: { name: owner, idNumber: idNumber(i), phone: phone('139', i) },
      ...(i % 2 === 0
        ? { debitAccount: { bank: '中国工商银行', accountName: owner, accountNumber: `6222${String(i).padStart(15, '0')}` } }
        : {}),
    },
  });
};

const ctx = (id: string, role: Role, now: Date): CommandContext => ({ actor: { id, name: id, role }, source: 'api', now });

// ---------------------------------------------------------------------------------------------------------------

const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const f1 = (n: number) => n.toFixed(1);
const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;

interface Measured {
  label: string;
  report: CycleReport;
  requests: RecordedRequest[];
  wallMs: number;
  cpuMs: number;
  serverCpuMs: number;
  dynamo: Record<Purpose | 'all', Timing>;
  io: { read: { ms: number; cpuMs: number }; write: { ms: number; cpuMs: number } };
}

export const run = async () => {
  const dynamo = await startDynamoLocal();
  const sheetsServer = await startServerProcess();
  try {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await ensureTable(client, 'bench-sheets');
    const store = createStore({ tableName: 'bench-sheets', endpoint: dynamo.endpoint });
    const ddb = instrumentStore(store);

    // Prepare: the estate, imported "yesterday" through the real commands from SEED_CLIENTS concurrent clients.
    const yesterday = new Date(Date.now() - 86_400_000);
    const head = ctx('head', 'centre_head', yesterday);
    await createEstate(store, head, { id: ESTATE, name: '基准花园' });
    for (let b = 1; b <= UNITS / 500; b += 1) await createBuilding(store, head, ESTATE, { code: String(b), floors: 25 });
    console.log(`sheets benchmark — 房号 tab of ${f0(UNITS)} units; seeding by createUnit from ${SEED_CLIENTS} clients…`);
    const seeding = await runClients(
      (_, i) => createUnit(store, head, ESTATE, unitInput(i)).then(() => undefined),
      UNITS,
      SEED_CLIENTS,
    );
    console.log(`  seeded ${f0(UNITS)} units in ${f1(seeding.seconds)} s (${f1(seeding.perSecond)} units/s)`);

    const account = createServiceAccount();
    await sheetsServer.call({ op: 'register', email: account.client_email, publicKey: account.publicKey });
    const sheets = instrumentBackend(
      createGoogleBackend({
        spreadsheetId: sheetsServer.spreadsheetId,
        credentials: account,
        layouts: LAYOUTS,
        rootUrl: sheetsServer.rootUrl,
        tokenUrl: sheetsServer.tokenUrl,
      }),
    );
    await sheets.backend.setup(LAYOUTS); // also teaches the backend the sheet ids: no `get` before the first write
    const options: SyncOptions = {
      store,
      backend: sheets.backend,
      estateId: ESTATE,
      bindings: SHEET_BINDINGS,
      exceptionsTab: EXCEPTIONS_TAB,
      outboxLimit: OUTBOX_LIMIT,
    };

    const measure = async (label: string): Promise<Measured> => {
      await sheetsServer.call({ op: 'reset' });
      const serverCpu0 = await sheetsServer.call({ op: 'cpu' });
      ddb.reset();
      sheets.reset();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const report = await syncCycle(options);
      const wallMs = performance.now() - t0;
      const cpu = cpuMs(process.cpuUsage(cpu0));
      const serverCpuAfter = await sheetsServer.call({ op: 'cpu' });
      return {
        label,
        report,
        requests: await sheetsServer.call({ op: 'requests' }),
        wallMs,
        cpuMs: cpu,
        serverCpuMs: cpuMs(serverCpuAfter) - cpuMs(serverCpu0),
        dynamo: ddb.snapshot(),
        io: structuredClone(sheets.io),
      };
    };

    // The first cycle: every unit is new to the sheet → 10,000 appended rows (the backend splits past ~2 MB).
    const first = await measure('first fill');
    let grid = await sheetsServer.call({ op: 'rows', tab: TAB });
    const rowsAfterFirst = grid.length - 1;

    // One more change ten minutes after the import, and its cycle (re-reads the import's outbox: see above).
    const later = new Date(yesterday.getTime() + 10 * 60_000);
    const lone = unitCode(UNITS - 1).code;
    const loneUnit = await readUnit(store, ESTATE, lone);
    await updateUnit(
      store,
      ctx('desk', 'front_desk', later),
      ESTATE,
      lone,
      UpdateUnitBody.parse({ expectedVersion: loneUnit.version, floor: 26 }),
    );
    const afterImport = await measure('after import');

    // Act: today, 1,000 units change in the store (owner phone or floor) and staff type 100 new phones in the sheet.
    const changed = Array.from({ length: CHANGES }, (_, k) => k * Math.floor(UNITS / CHANGES)); // every 10th unit
    const edited = Array.from({ length: EDITS }, (_, k) => k * Math.floor(UNITS / EDITS) + 5); // 100 others
    const expectedPhone = new Map<string, string>();
    const expectedFloor = new Map<string, number>();
    const changing = await runClients(
      async (_, k) => {
        const i = changed[k] ?? 0;
        const code = unitCode(i).code;
        const unit = await readUnit(store, ESTATE, code);
        const now = ctx('desk', 'front_desk', new Date());
        if (k % 2 === 0 && unit.household) {
          const newPhone = phone('137', i);
          const household = { ...unit.household, owner: { ...unit.household.owner, phone: newPhone } };
          await updateUnit(store, now, ESTATE, code, UpdateUnitBody.parse({ expectedVersion: unit.version, household }));
          expectedPhone.set(code, newPhone);
        } else {
          const floor = (unit.floor ?? 0) + 100;
          await updateUnit(store, now, ESTATE, code, UpdateUnitBody.parse({ expectedVersion: unit.version, floor }));
          expectedFloor.set(code, floor);
        }
      },
      CHANGES,
      CHANGE_CLIENTS,
    );
    const rowOf = new Map(grid.map((row, at) => [String(row[0] ?? ''), at]));
    const typed = new Map(edited.map((i) => [unitCode(i).code, phone('150', i)]));
    await sheetsServer.call({
      op: 'typeIn',
      edits: [...typed].map(([code, text]) => [TAB, rowOf.get(code) ?? -1, PHONE_AT, text]),
    });
    console.log(
      `  ${f0(CHANGES)} updateUnit commands in ${f1(changing.seconds)} s; ${EDITS} phones typed in the sheet; the cycle…`,
    );

    const main = await measure(`${f0(CHANGES)} + ${EDITS}`);

    // Assess: the staff phones reached the store, the store's changes reached the sheet, each row once.
    let phonesInStore = 0;
    for (const [code, text] of typed)
      if ((await readUnit(store, ESTATE, code)).household?.owner.phone === text) phonesInStore += 1;
    grid = await sheetsServer.call({ op: 'rows', tab: TAB });
    const byCode = new Map(grid.slice(1).map((row) => [String(row[0] ?? ''), row]));
    let changesInSheet = 0;
    for (const [code, text] of expectedPhone) if (String(byCode.get(code)?.[PHONE_AT] ?? '') === text) changesInSheet += 1;
    for (const [code, floor] of expectedFloor) if (Number(byCode.get(code)?.[FLOOR_AT]) === floor) changesInSheet += 1;
    let editsSettled = 0;
    for (const [code, text] of typed) {
      const row = byCode.get(code);
      if (String(row?.[PHONE_AT] ?? '') === text && String(row?.[STATUS_AT] ?? '').startsWith('已同步')) editsSettled += 1;
    }
    const dataRows = grid.slice(1).filter((row) => row.some((cell) => cell !== '')).length;

    // And a cycle with nothing new: re-reads the window, writes nothing.
    const idle = await measure('idle after');

    // Report.
    const cycles = [first, afterImport, main, idle];
    const count = (m: Measured, kind: RecordedRequest['kind']) => m.requests.filter((r) => r.kind === kind).length;
    const apiRequests = (m: Measured) => m.requests.filter((r) => r.kind !== 'token');
    const bytes = (m: Measured, key: 'bytesIn' | 'bytesOut') => apiRequests(m).reduce((sum, r) => sum + r[key], 0);
    const print = (header: string[], rows: string[][]) => {
      const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
      const line = (row: string[]) =>
        `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')}`;
      for (const row of [header, ...rows]) console.log(line(row));
    };
    console.log('');
    print(
      [
        'cycle',
        'rows written',
        'read in',
        'requests',
        'get',
        'batchGet',
        'batchUpdate',
        'sent',
        'received',
        'wall',
        'CPU here',
        'CPU server',
      ],
      cycles.map((m) => [
        m.label,
        f0(m.report.rowsWritten),
        f0(m.report.tabs[TAB]?.updated ?? 0),
        String(apiRequests(m).length),
        String(count(m, 'get')),
        String(count(m, 'batchGet')),
        String(count(m, 'batchUpdate')),
        kb(bytes(m, 'bytesIn')),
        kb(bytes(m, 'bytesOut')),
        `${f0(m.wallMs)} ms`,
        `${f0(m.cpuMs)} ms`,
        `${f0(m.serverCpuMs)} ms`,
      ]),
    );

    // Where the time went: sheet I/O, DynamoDB calls by purpose (while in flight), and the rest (diff, rendering).
    const split = (m: Measured, of: 'wall' | 'cpu') => {
      const pick = (t: { ms?: number; wallMs?: number; cpuMs: number }) => (of === 'wall' ? (t.ms ?? t.wallMs ?? 0) : t.cpuMs);
      const total = of === 'wall' ? m.wallMs : m.cpuMs;
      const rest = total - pick(m.io.read) - pick(m.io.write) - pick(m.dynamo.all);
      return [
        `${m.label} (${of})`,
        ...[pick(m.io.read), pick(m.io.write), ...PURPOSES.map((p) => pick(m.dynamo[p])), rest].map((ms) => f0(ms)),
      ];
    };
    console.log('');
    console.log('  where the time went, ms (DynamoDB by purpose, while in flight; "rest" = diff, rendering, JSON of rows):');
    print(
      ['cycle', 'sheet read', 'sheet write', ...PURPOSES, 'rest'],
      cycles.flatMap((m) => [split(m, 'wall'), split(m, 'cpu')]),
    );
    const d = main.dynamo;
    console.log(
      `  DynamoDB in the ${main.label} cycle: outbox ${d.outbox.calls} queries (${f0(d.outbox.items)} entries); ` +
        `baselines ${d['baselines read'].calls} pages (${d['baselines read'].items} buckets, ${kb(d['baselines read'].bytes)}); ` +
        `record loads ${d['record loads'].calls} BatchGet (${f0(d['record loads'].items)} items); ` +
        `staff commands ${d['staff commands'].calls} calls; baselines save ${d['baselines save'].calls} puts`,
    );
    const outboxRead = (m: Measured) => f0(m.dynamo.outbox.items);
    console.log(
      `  outbox entries read per cycle: ${cycles.map((m) => `${m.label} ${outboxRead(m)}`).join(', ')} ` +
        '(the engine re-reads from 2 min before its cursor)',
    );

    console.log('');
    console.log(
      `  checks: ${phonesInStore}/${EDITS} staff phones in the store, ${editsSettled}/${EDITS} of their rows 已同步; ` +
        `${f0(changesInSheet)}/${f0(CHANGES)} store changes in the sheet; ${f0(dataRows)} data rows ` +
        `(${f0(rowsAfterFirst)} after the first cycle); conflicts ${main.report.tabs[TAB]?.conflicts ?? 0}, ` +
        `errors ${main.report.tabs[TAB]?.errors ?? 0}; the idle cycle wrote ${idle.report.rowsWritten} rows`,
    );

    // The per-row approach: one write per changed row, one read per edited row and one write-back of its status.
    const perRowWrites = CHANGES + EDITS;
    const perRowReads = EDITS;
    const minutes = (requests: number) => f1(requests / GOOGLE_WRITES_PER_MINUTE);
    console.log(
      `  per-row approach, ${main.label}: ${f0(CHANGES)} row writes + ${EDITS} reads + ${EDITS} status write-backs = ` +
        `${f0(perRowWrites + perRowReads)} requests → ${minutes(perRowWrites)} min of write quota at ` +
        `${GOOGLE_WRITES_PER_MINUTE}/min per user (reads, their own quota: ${minutes(perRowReads)} min); ` +
        `first fill: ${f0(UNITS)} row writes → ${minutes(UNITS)} min`,
    );
    console.log(
      `  this engine, ${main.label}: ${apiRequests(main).length} requests (${count(main, 'batchGet')} batchGet + ` +
        `${count(main, 'batchUpdate')} batchUpdate) → ${count(main, 'batchUpdate')} of a minute's ${GOOGLE_WRITES_PER_MINUTE} writes, ` +
        `done in ${f1(main.wallMs / 1000)} s; first fill: ${apiRequests(first).length} requests ` +
        `(${count(first, 'batchUpdate')} batchUpdate, split past ~2 MB), ${f1(first.wallMs / 1000)} s`,
    );
    client.destroy();
  } finally {
    await sheetsServer.stop();
    await dynamo.stop();
  }
};
