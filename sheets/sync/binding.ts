import type { Role } from '../../functions/core/roles';
import type { Store } from '../../functions/store/client';
import type { CommandContext } from '../../functions/store/commit';
import type { TabLayout } from '../tab-layout';

/**
 * How one tab's rows map to the store: which records a row shows, and which command a staff edit becomes.
 * The layout says what the columns are; the binding says where their values come from and go to.
 *
 * Row ids (`_id`) locate their record on their own (a ticket id, `<unit>/<entry id>`…), so the engine never
 * needs the row number or the sheet's other cells to find a record.
 */

/** A record as the tab shows it: values by column key (dotted keys read nested fields), in domain types. */
export type RowView = Record<string, unknown>;

export interface OutboxRef {
  topic: string;
  entityType: string;
  entityId: string;
  payload: unknown;
}

export interface CommandInput {
  store: Store;
  ctx: CommandContext;
  estateId: string;
  /** The staff-owned cells of the row, parsed (fen, ISO dates, enum codes, booleans); empty cells absent. */
  values: Record<string, unknown>;
}

export interface TabBinding {
  layout: TabLayout;
  /** The role the sheet acts with for this tab's commands (the tab's usual keeper at the desk). */
  role: Role;
  /** Column whose text names the staff member who typed the row (经办人…): becomes the actor's name. */
  actorColumn?: string;
  /** The row ids an outbox message of `layout.topic` touches, for this estate (others' messages → []). */
  idsOf(message: OutboxRef, estateId: string): string[];
  /** Current records for these ids; ids without a record are absent. */
  load(store: Store, estateId: string, ids: readonly string[]): Promise<Map<string, RowView>>;
  /** Every record of the estate, for `sheets:rebuild`. */
  loadAll(store: Store, estateId: string): Promise<Map<string, RowView>>;
  /** A new row (empty `_id`) → the create command; returns the new row id. Absent: the tab takes no new rows. */
  create?(input: CommandInput): Promise<string>;
  /**
   * A change to staff columns of an existing row → the command. `changed` lists the edited keys; `current` is
   * the record as the store has it. Absent: staff columns are editable only on new rows (edits are reverted
   * and kept in 同步异常).
   */
  update?(input: CommandInput & { id: string; changed: readonly string[]; current: RowView }): Promise<void>;
}
