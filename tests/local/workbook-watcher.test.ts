import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchWorkbook } from '../../cdk/local/workbook-watcher';

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

describe('workbook watcher', () => {
  it('runs once after an office app saves by renaming a temp file over the workbook, ignoring lock files', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'watch-'));
    const file = join(dir, '台账.xlsx');
    let runs = 0;
    const watcher = watchWorkbook(file, () => (runs += 1), 100);
    // Act
    writeFileSync(join(dir, '.~lock.台账.xlsx#'), 'lock');
    writeFileSync(join(dir, 'lu12345.tmp'), 'new content');
    renameSync(join(dir, 'lu12345.tmp'), file);
    writeFileSync(join(dir, 'lu12346.tmp'), 'again');
    renameSync(join(dir, 'lu12346.tmp'), file);
    await until(() => runs > 0);
    await new Promise((r) => setTimeout(r, 300));
    watcher.close();
    // Assess
    expect(runs).toBe(1);
  });
});
