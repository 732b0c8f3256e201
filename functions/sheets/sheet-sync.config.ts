import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHEET_BINDINGS } from '../../sheets/bindings';
import type { SheetBackend } from '../../sheets/sync/backend';
import { readSecretString } from '../core/secrets';
import type { Store } from '../store/client';
import { access } from '../store/keys';

/**
 * Which spreadsheet the sync works on, from the environment:
 * - `GOOGLE_SHEETS_ID` set → the Google spreadsheet, as the service account whose key is the `google` secret
 *   (`GOOGLE_SECRET_ID`, in AWS) or the JSON key file `GOOGLE_CREDENTIALS_FILE` (locally);
 * - otherwise the local workbook `SHEETS_XLSX` (default `<DATA_DIR>/台账.xlsx`): the embedded default of `npm start`.
 * `SHEETS_ESTATE_ID` names the estate the spreadsheet belongs to (one spreadsheet per estate).
 */
export interface SheetSyncTarget {
  estateId: string;
  backend: SheetBackend;
  describe: string;
}

export const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
}

const googleKey = async (): Promise<ServiceAccountKey> => {
  const secretId = process.env.GOOGLE_SECRET_ID;
  const text = secretId
    ? await readSecretString(secretId)
    : await readFile(
        process.env.GOOGLE_CREDENTIALS_FILE ?? join(process.env.DATA_DIR ?? '.data', 'google-service-account.json'),
        'utf8',
      );
  const key = JSON.parse(text) as Partial<ServiceAccountKey>;
  if (!key.client_email || !key.private_key) throw new Error('Google 服务账号密钥缺少 client_email 或 private_key');
  return { client_email: key.client_email, private_key: key.private_key };
};

let cached: SheetSyncTarget | undefined;

/**
 * The estate: `SHEETS_ESTATE_ID`, or — locally, when the store has exactly one estate — that one, so a fresh
 * `npm start` needs no setting. Undefined while there is no estate yet (nothing to sync).
 */
const estateOf = async (store: Store) => {
  if (process.env.SHEETS_ESTATE_ID) return process.env.SHEETS_ESTATE_ID;
  const estates = await access.listEstates(store);
  if (estates.length > 1) throw new Error('有多个小区，请设置 SHEETS_ESTATE_ID（每个小区一个表格）');
  return estates[0] ? String(estates[0].id) : undefined;
};

export const sheetSyncTargetFromEnv = async (store: Store): Promise<SheetSyncTarget | undefined> => {
  if (cached) return cached;
  // In Lambda there is no local workbook: without a Google sheet configured there is nothing to sync.
  if (process.env.AWS_LAMBDA_FUNCTION_NAME && !process.env.GOOGLE_SHEETS_ID) return undefined;
  const estateId = await estateOf(store);
  if (!estateId) return undefined;
  const spreadsheetId = process.env.GOOGLE_SHEETS_ID;
  if (spreadsheetId) {
    const credentials = await googleKey();
    // Each backend is loaded only where it is used: Lambda never loads exceljs, a local office never googleapis.
    const { createGoogleBackend } = await import('../../sheets/backends/google.backend');
    cached = {
      estateId,
      describe: `Google 表格 ${spreadsheetId}`,
      backend: createGoogleBackend({
        spreadsheetId,
        credentials,
        layouts: LAYOUTS,
        ...(process.env.GOOGLE_SHEETS_ROOT_URL ? { rootUrl: process.env.GOOGLE_SHEETS_ROOT_URL } : {}),
        ...(process.env.GOOGLE_TOKEN_URL ? { tokenUrl: process.env.GOOGLE_TOKEN_URL } : {}),
      }),
    };
  } else {
    const file = process.env.SHEETS_XLSX ?? join(process.env.DATA_DIR ?? '.data', '台账.xlsx');
    const { createXlsxBackend } = await import('../../sheets/backends/xlsx.backend');
    cached = { estateId, describe: `本地工作簿 ${file}`, backend: createXlsxBackend({ file, layouts: LAYOUTS }) };
  }
  return cached;
};
