import { monotonicFactory } from 'ulid';

/** ULIDs: sortable by time, unique, URL-safe. Monotonic within one process. */
const next = monotonicFactory();
export const newId = (now: Date = new Date()): string => next(now.getTime());
export type IdFactory = (now?: Date) => string;
