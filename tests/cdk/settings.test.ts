import { describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest';
import { functionProperties, synthesise } from './support';

describe('deployment settings', () => {
  it('passes the spreadsheet and estate to the functions that list them, and to no other', () => {
    // Prepare + Act
    const dev = synthesise('dev', { settings: { GOOGLE_SHEETS_ID: 'sheet-123', SHEETS_ESTATE_ID: 'lhy' } });
    // Assess
    for (const definition of manifest) {
      const env = (functionProperties(dev.template, 'dev', definition.name).Environment as { Variables: Record<string, unknown> })
        .Variables;
      const listed = definition.settings ?? [];
      expect(env.GOOGLE_SHEETS_ID, definition.name).toBe(listed.includes('GOOGLE_SHEETS_ID') ? 'sheet-123' : undefined);
      expect(env.SHEETS_ESTATE_ID, definition.name).toBe(listed.includes('SHEETS_ESTATE_ID') ? 'lhy' : undefined);
    }
  });

  it('sets nothing when the deployment gives no settings', () => {
    // Prepare + Act
    const dev = synthesise('dev');
    // Assess
    const env = (functionProperties(dev.template, 'dev', 'sheet-sync').Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.GOOGLE_SHEETS_ID).toBeUndefined();
  });
});
