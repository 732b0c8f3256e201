import { mkdirSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Watches the local workbook so a cycle runs a moment after staff save, not only on the minute. Office apps save
 * by writing a temp file and renaming it over the workbook, so the FOLDER is watched (a watch on the file itself
 * would follow the old, replaced file). Lock files and temp files are ignored; a burst of events is one run.
 */
export const watchWorkbook = (file: string, onSaved: () => void, debounceMs = 2000) => {
  const dir = dirname(file);
  const name = basename(file);
  mkdirSync(dir, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, (_event, changed) => {
    if (changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onSaved, debounceMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
};
