/**
 * How a sheet tab is declared, once, for the sheet sync: column order, Chinese headers, value type, who owns each
 * column (staff columns flow in as commands; system columns flow out and are protected), dropdown values.
 * Every row carries the protected `_id` column; the row number is never an identity.
 */
export type ColumnType =
  | 'id'
  | 'text'
  | 'longtext'
  | 'datetime'
  | 'date'
  | 'enum'
  | 'number'
  | 'money'
  | 'phone'
  | 'status'
  /** A tick: 是 or empty (a dropdown of 是; a Google checkbox or `TRUE` reads as 是 too). */
  | 'check';

export interface TabColumn {
  /** Field of the record (dotted for nested fields). */
  key: string;
  header: string;
  type: ColumnType;
  owner: 'staff' | 'system';
  /** For `enum`: code → label; the sheet shows the labels in a dropdown. */
  values?: Readonly<Record<string, string>>;
  required?: boolean;
  width?: number;
  note?: string;
}

export interface TabLayout {
  tab: string;
  /** The record type the rows map to. */
  entity: string;
  /** Outbox topic the sync follows for this tab. */
  topic: string;
  /** Default sort of a rebuilt tab. */
  sortBy: string;
  columns: readonly TabColumn[];
  /**
   * Rows to highlight by conditional formatting besides the status column (冲突 red, 错误 amber, which every
   * tab gets): e.g. overdue arrears. The rule matches when the column's cell contains the text.
   */
  highlights?: readonly { column: string; contains: string; colour: 'red' | 'amber' | 'yellow' }[];
}
