import type { Role } from '../core/roles';
import { defineRoutes } from '../core/route';
import { DebitBatchFileView, DebitBatchParams, DebitBatchView, DebitImportQuery, DebitImportReportView } from './debit.schema';

/** Cashiers and the centre head handle the bank batch: it carries full account numbers. */
const BANK_FILE: readonly Role[] = ['cashier', 'centre_head', 'admin'];
const TAG = ['银行托收'];

export const debitRoutes = defineRoutes({
  getDebitBatch: {
    operationId: 'getDebitBatch',
    method: 'GET',
    path: '/estates/{estateId}/debit-batches/{month}',
    summary: '查看某月银行托收批次（账号已遮蔽）及回盘导入记录',
    tags: TAG,
    auth: 'staff',
    roles: BANK_FILE,
    params: DebitBatchParams,
    response: DebitBatchView,
    successStatus: 200,
  },
  getDebitBatchFile: {
    operationId: 'getDebitBatchFile',
    method: 'GET',
    path: '/estates/{estateId}/debit-batches/{month}/file',
    summary: '下载某月银行托收文件（CSV，含完整账号，仅供提交银行）',
    tags: TAG,
    auth: 'staff',
    roles: BANK_FILE,
    params: DebitBatchParams,
    response: DebitBatchFileView,
    successStatus: 200,
  },
  importDebitResults: {
    operationId: 'importDebitResults',
    method: 'POST',
    path: '/estates/{estateId}/debit-batches/{month}/results',
    summary: '导入银行托收回盘文件（CSV）：成功的逐笔入账为银行托收缴费并开票（每笔只入账一次），列出失败明细',
    tags: TAG,
    auth: 'staff',
    roles: BANK_FILE,
    params: DebitBatchParams,
    query: DebitImportQuery,
    rawBodyContentTypes: ['text/csv'],
    response: DebitImportReportView,
    successStatus: 200,
  },
});
