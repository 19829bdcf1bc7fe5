/**
 * Sinks for the generator: into a warehouse (one `load` per table fed batch by batch, so memory holds one batch
 * per table), or a checksum sink that keeps only counts and an order-sensitive hash per table (determinism tests,
 * benches).
 */
import type { TableDefinition } from '@aether/contracts/warehouse';
import type { GeneratorSink } from './generator.ts';
import type { Row, Warehouse } from './warehouse.ts';

/**
 * Each table is one `load` (one transaction or load job), started with its first batch and fed the following
 * ones as they come; `write` returns once the load has taken the batch in, so a table's rows reach the warehouse
 * all or not at all. `close` ends every load and waits for them; `abort` fails them, so none commits.
 */
export function warehouseSink(warehouse: Warehouse): GeneratorSink {
  const loads = new Map<string, { feed: BatchFeed; done: Promise<number> }>();
  const end = async (error?: Error) => {
    const pending = [...loads.values()];
    loads.clear();
    for (const { feed } of pending) feed.end(error);
    return Promise.allSettled(pending.map(({ done }) => done));
  };
  return {
    async write(table, rows) {
      let load = loads.get(table.name);
      if (!load) {
        const feed = new BatchFeed();
        const done = warehouse.load(table, feed);
        // Surfaced by the next write or by close; never left unhandled in between.
        done.catch(() => undefined);
        load = { feed, done };
        loads.set(table.name, load);
      }
      // A load that fails stops taking batches: its rejection ends the wait instead.
      await Promise.race([load.feed.push(rows), load.done]);
    },
    async close() {
      for (const result of await end()) if (result.status === 'rejected') throw result.reason;
    },
    async abort() {
      await end(new Error('generation aborted'));
    },
  };
}

/** Batches handed from the generator to one `load`: one at a time, each push resolving once the load takes it. */
class BatchFeed implements AsyncIterable<readonly Row[]> {
  #next: { batch: readonly Row[]; taken: () => void } | null = null;
  #ended: { error?: Error } | null = null;
  #wake: (() => void) | null = null;

  push(batch: readonly Row[]): Promise<void> {
    return new Promise((taken) => {
      this.#next = { batch, taken };
      this.#wake?.();
    });
  }

  end(error?: Error): void {
    this.#ended = error ? { error } : {};
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<readonly Row[]> {
    for (;;) {
      while (!this.#next && !this.#ended) await new Promise<void>((wake) => (this.#wake = wake));
      this.#wake = null;
      const next = this.#next;
      if (!next) {
        if (this.#ended?.error) throw this.#ended.error;
        return;
      }
      this.#next = null;
      yield next.batch;
      next.taken(); // runs when the load asks for the following batch, i.e. when it is done with this one
    }
  }
}

export type ChecksumSink = GeneratorSink & {
  readonly counts: Map<string, number>;
  /** FNV-1a (32-bit) over each table's rows as JSON, in write order. */
  readonly checksums: Map<string, number>;
};

export function checksumSink(onRows?: (table: TableDefinition, rows: Row[]) => void): ChecksumSink {
  const counts = new Map<string, number>();
  const checksums = new Map<string, number>();
  return {
    counts,
    checksums,
    async write(table, rows) {
      onRows?.(table, rows);
      counts.set(table.name, (counts.get(table.name) ?? 0) + rows.length);
      let hash = checksums.get(table.name) ?? 0x811c9dc5;
      for (const row of rows) {
        const text = JSON.stringify(row);
        for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      }
      checksums.set(table.name, hash >>> 0);
    },
  };
}

/** Counts rows and nothing else: measures the generator alone. */
export function countingSink(): GeneratorSink & { readonly counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    async write(table, rows) {
      counts.set(table.name, (counts.get(table.name) ?? 0) + rows.length);
    },
  };
}
