/** The Ids port: where new identifiers come from. Tests use a deterministic sequence; production uses UUIDs. */
import { randomUUID } from 'node:crypto';

export type Ids = { next(): string };

export const randomIds: Ids = { next: () => randomUUID() };

/** `<prefix>-1`, `<prefix>-2`, … : deterministic ids for tests. */
export function sequentialIds(prefix = 'id'): Ids {
  let counter = 0;
  return {
    next: () => {
      counter += 1;
      return `${prefix}-${counter}`;
    },
  };
}
