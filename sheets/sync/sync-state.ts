import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../functions/store/client';
import { access, keys } from '../../functions/store/keys';

/**
 * What the sheet sync remembers between cycles, in the table:
 * - per tab, the BASELINE: the canonical cells of every row as last synced, so an edit is found by comparison
 *   (never by time). Rows are spread over buckets (one item each) so a cycle rewrites only the buckets it touched.
 * - the outbox CURSOR per topic (re-read with a safety window: commits of other functions may land a little out of
 *   ulid order; rewriting a row that is already right changes nothing).
 * - the EXCEPTIONS (同步异常): conflicts, deleted rows, reverted system cells, with both values; their ids are
 *   derived from their content, so finding the same problem again never records it twice.
 */
export const BASELINE_BUCKETS = 128;

const bucketOf = (id: string) => createHash('sha1').update(id).digest().readUInt16BE(0) % BASELINE_BUCKETS;

export class Baselines {
  private readonly touched = new Set<number>();
  private constructor(
    readonly tab: string,
    private readonly buckets: Map<number, Map<string, string[]>>,
  ) {}

  static async load(store: Store, estateId: string, tab: string): Promise<Baselines> {
    const items = await access.listSheetBaselines(store, estateId, tab);
    const buckets = new Map<number, Map<string, string[]>>();
    for (const item of items) {
      const bucket = Number(String(item.sk).slice('BASE#'.length));
      buckets.set(bucket, new Map(Object.entries((item.rows ?? {}) as Record<string, string[]>)));
    }
    return new Baselines(tab, buckets);
  }

  static empty(tab: string): Baselines {
    return new Baselines(tab, new Map());
  }

  get(id: string): string[] | undefined {
    return this.buckets.get(bucketOf(id))?.get(id);
  }

  ids(): string[] {
    return [...this.buckets.values()].flatMap((rows) => [...rows.keys()]);
  }

  set(id: string, cells: readonly string[]) {
    const bucket = bucketOf(id);
    const rows = this.buckets.get(bucket) ?? new Map<string, string[]>();
    const current = rows.get(id);
    if (current && current.length === cells.length && current.every((c, i) => c === cells[i])) return;
    rows.set(id, [...cells]);
    this.buckets.set(bucket, rows);
    this.touched.add(bucket);
  }

  /** Writes the buckets changed since load (after the sheet write: a crash before it re-derives everything). */
  async save(store: Store, estateId: string): Promise<number> {
    const writes = [...this.touched].map((bucket) =>
      store.doc.send(
        new PutCommand({
          TableName: store.tableName,
          Item: {
            ...keys.sheetBaseline(estateId, this.tab, bucket),
            type: 'sheetBaseline',
            tab: this.tab,
            rows: Object.fromEntries(this.buckets.get(bucket) ?? new Map()),
          },
        }),
      ),
    );
    await Promise.all(writes);
    const saved = this.touched.size;
    this.touched.clear();
    return saved;
  }

  /** Forget every row (rebuild): every bucket is rewritten, empty ones included. */
  clear() {
    for (const bucket of this.buckets.keys()) this.touched.add(bucket);
    for (const rows of this.buckets.values()) rows.clear();
  }
}

export interface SyncState {
  cursors: Record<string, string>;
}

export const loadSyncState = async (store: Store, estateId: string): Promise<SyncState> => {
  const item = await access.getSheetSyncState(store, estateId);
  return { cursors: (item?.cursors ?? {}) as Record<string, string> };
};

export const saveSyncState = async (store: Store, estateId: string, state: SyncState, now: Date) => {
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: { ...keys.sheetSyncState(estateId), type: 'sheetSyncState', cursors: state.cursors, lastCycleAt: now.toISOString() },
    }),
  );
};

export type ExceptionKind = 'conflict' | 'deleted' | 'system_column' | 'not_editable' | 'duplicate_id' | 'unknown_id' | 'layout';

export const EXCEPTION_KINDS: Record<ExceptionKind, string> = {
  conflict: '冲突（两边都改了）',
  deleted: '行被删除（已恢复）',
  system_column: '改了系统列（已还原）',
  not_editable: '已登记内容不能在表格中修改（已还原）',
  duplicate_id: '重复的 _id（复制的行）',
  unknown_id: '系统中无此编号',
  layout: '表头与布局不一致（此表未同步）',
};

export const RESOLUTIONS = { sheet: '采用表格值', store: '采用系统值' } as const;
export type Resolution = keyof typeof RESOLUTIONS;

export interface SyncException {
  excId: string;
  estateId: string;
  tab: string;
  rowId: string;
  kind: ExceptionKind;
  field?: string | undefined;
  header?: string | undefined;
  sheetValue?: string | undefined;
  storeValue?: string | undefined;
  detail?: string | undefined;
  foundAt: string;
  /** For a conflict: a person's decision, set in the 同步异常 tab. */
  resolution?: Resolution | undefined;
  handledNote?: string | undefined;
}

/** The same problem found again gets the same id. */
export const exceptionId = (
  e: Pick<SyncException, 'tab' | 'rowId' | 'kind' | 'field' | 'sheetValue' | 'storeValue' | 'detail'>,
) =>
  createHash('sha256')
    .update(JSON.stringify([e.tab, e.rowId, e.kind, e.field ?? '', e.sheetValue ?? '', e.storeValue ?? '', e.detail ?? '']))
    .digest('base64url')
    .slice(0, 20);

/** Records an exception once (a second put of the same id changes nothing). Returns true when new. */
export const recordException = async (store: Store, exception: SyncException): Promise<boolean> => {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...keys.sheetException(exception.estateId, exception.excId), type: 'sheetException', ...exception },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
};

export const listExceptions = async (store: Store, estateId: string): Promise<SyncException[]> =>
  (await access.listSheetExceptions(store, estateId)) as unknown as SyncException[];
