import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importUnits } from '../../functions/units/unit-import.command';
import { createBuilding, createEstate } from '../../functions/units/units.commands';
import { allItems, context, freshStore } from '../support/store';

const seed = async () => {
  const store = await freshStore('import');
  await createEstate(store, context('centre_head'), { id: 'lhy', name: '绿湖苑' });
  await createBuilding(store, context('centre_head'), 'lhy', { code: '1' });
  await createBuilding(store, context('centre_head'), 'lhy', { code: '2' });
  return store;
};

const CSV = [
  '楼栋,房号,楼层,建筑面积(㎡),业主姓名,身份证号,联系电话,户别',
  '1,1-1-101,1,89.50,张三,110105199001011232,13812345678,家庭户', // row 2: good
  '1,1-1-102,1,120.00,,,,', // row 3: good, no owner yet
  '2,2-1-201,2,75.3,某某科技有限公司,,01088886666,公司户', // row 4: company without company name → rejected
  '1,1-1-101,1,89.50,张三,110105199001011232,13812345678,家庭户', // row 5: duplicate of row 2
  '1,1-1-103,1,八十九,李四,,13900000000,家庭户', // row 6: bad area
  '1,1-1-104,1,-5,李四,,13900000000,家庭户', // row 7: bad area (negative)
  '9,9-1-101,1,60,王五,,13700000000,家庭户', // row 8: unknown building
  '2,2-1-202,2,66.6,赵六,110105199001011231,13600000000,家庭户', // row 9: malformed ID (check digit)
  '2,2-1-203,2,66.6,孙七,11010519900101123,13600000000,家庭户', // row 10: malformed ID (17 chars)
  '2,2-1-204,2,70,周八,,13500000000,家庭户', // row 11: good
].join('\n');

describe('unit-import', () => {
  it('reports every row: created, or rejected with its reason', async () => {
    // Prepare
    const store = await seed();
    // Act
    const report = await importUnits(store, context(), 'lhy', { bytes: Buffer.from(CSV), contentType: 'text/csv' });
    // Assess
    expect(report).toMatchObject({ total: 10, created: 3, updated: 0, unchanged: 0, rejected: 7 });
    const byRow = new Map(report.rows.map((row) => [row.row, row]));
    expect(byRow.get(2)).toMatchObject({ unitCode: '1-1-101', outcome: 'created', outcomeLabel: '新增' });
    expect(byRow.get(3)).toMatchObject({ unitCode: '1-1-102', outcome: 'created' });
    expect(byRow.get(4)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('公司户须填写公司名称') });
    expect(byRow.get(5)).toMatchObject({ outcome: 'rejected', reason: '与第2行房号重复' });
    expect(byRow.get(6)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('建筑面积') });
    expect(byRow.get(7)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('建筑面积') });
    expect(byRow.get(8)).toMatchObject({ outcome: 'rejected', reason: '楼栋 9 不存在，请先登记该楼栋' });
    expect(byRow.get(9)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('校验位') });
    expect(byRow.get(10)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('18位') });
    expect(byRow.get(11)).toMatchObject({ unitCode: '2-1-204', outcome: 'created' });
  });

  it('creates nothing new when the same file is imported again', async () => {
    // Prepare
    const store = await seed();
    await importUnits(store, context(), 'lhy', { bytes: Buffer.from(CSV), contentType: 'text/csv' });
    const before = await allItems(store);
    // Act
    const again = await importUnits(store, context(), 'lhy', { bytes: Buffer.from(CSV), contentType: 'text/csv' });
    // Assess
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 7 });
    expect(await allItems(store)).toHaveLength(before.length);
  });

  it('updates a unit whose values changed in the file, with an audit entry', async () => {
    const store = await seed();
    await importUnits(store, context(), 'lhy', { bytes: Buffer.from(CSV), contentType: 'text/csv' });
    const changed = CSV.replace('1,1-1-102,1,120.00,,,,', '1,1-1-102,1,121.00,,,,');
    const report = await importUnits(store, context(), 'lhy', { bytes: Buffer.from(changed), contentType: 'text/csv' });
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const audits = (await allItems(store)).filter((item) => item.type === 'audit' && item.entityId === 'lhy/1-1-102');
    expect(audits.map((a) => a.action).sort()).toEqual(['create', 'update']);
  });

  it('reads an XLSX file and refuses an ID number Excel stored as a number', async () => {
    // Prepare
    const store = await seed();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('房号清单');
    sheet.addRow(['楼栋', '房号', '建筑面积', '业主姓名', '身份证号']);
    sheet.addRow(['1', '1-2-101', 88.88, '钱九', '11010519491231002X']);
    sheet.addRow(['1', '1-2-102', 90, '吴十', Number('110105199001011232')]); // as Excel stores a number-typed ID
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    // Act
    const report = await importUnits(store, context(), 'lhy', {
      bytes,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    // Assess
    expect(report.rows[0]).toMatchObject({ row: 2, unitCode: '1-2-101', outcome: 'created' });
    expect(report.rows[1]).toMatchObject({ row: 3, outcome: 'rejected', reason: expect.stringContaining('文本') });
  });

  it('refuses a file without the required columns, naming them', async () => {
    const store = await seed();
    await expect(
      importUnits(store, context(), 'lhy', { bytes: Buffer.from('楼栋,业主\n1,张三\n'), contentType: 'text/csv' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: '缺少必需的列：房号、建筑面积' });
  });
});
