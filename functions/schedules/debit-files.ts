import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Where the debit-day run leaves the bank batch file besides the store (the file route serves it in any case).
 * Locally (`npm start`, `DATA_DIR` set) a folder the cashier opens: `<DATA_DIR>/debit/<estate>-<yyyymm>.csv`, the same
 * bytes as `GET /estates/{estateId}/debit-batches/{month}/file` (UTF-8 with BOM, CRLF). In Lambda there is no sink:
 * nothing is written to disk there.
 */
export interface DebitBatchFile {
  estateId: string;
  month: string;
  content: string;
}

export interface DebitFileSink {
  /** Writes the file (replacing an earlier copy of the same batch) and says where it is. */
  write(file: DebitBatchFile): Promise<{ location: string }>;
}

/** `<estate>-<yyyymm>.csv`: one file per estate and month, as the cashier looks for it. */
export const debitFileName = (estateId: string, month: string) => `${estateId}-${month.replace('-', '')}.csv`;

/**
 * A folder on this machine. The file holds full account numbers: it is readable by the owner only, and written
 * to a temporary name first so a cashier never opens half a file.
 */
export const folderSink = (dataDir: string): DebitFileSink => ({
  async write(file) {
    const dir = join(resolve(dataDir), 'debit');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const location = join(dir, debitFileName(file.estateId, file.month));
    const temporary = `${location}.${process.pid}.tmp`;
    await writeFile(temporary, file.content, { encoding: 'utf8', mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, location);
    return { location };
  },
});

/** The local target sets DATA_DIR; a Lambda (AWS_LAMBDA_FUNCTION_NAME) never writes the file, whatever its env says. */
export const debitFileSinkFromEnv = (env: NodeJS.ProcessEnv = process.env): DebitFileSink | undefined =>
  env.DATA_DIR && !env.AWS_LAMBDA_FUNCTION_NAME ? folderSink(env.DATA_DIR) : undefined;
