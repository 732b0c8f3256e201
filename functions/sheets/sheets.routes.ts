import { z } from 'zod';
import { defineRoutes } from '../core/route';

/** The sheet's own way in: the installable Apps Script trigger pings after staff edits (signed, no data). */
export const sheetRoutes = defineRoutes({
  sheetPing: {
    operationId: 'sheetPing',
    method: 'POST',
    path: '/sheets/ping',
    summary: '表格变更通知（Apps Script onChange 触发，HMAC 签名）：立即同步一次',
    tags: ['表格同步'],
    auth: 'webhook',
    body: z.object({ spreadsheetId: z.string().max(128).optional(), changeType: z.string().max(32).optional() }).strict(),
    response: z.object({ status: z.enum(['synced', 'busy']), rowsWritten: z.number().int() }),
    successStatus: 200,
  },
});
