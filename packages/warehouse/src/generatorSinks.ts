/**
 * Sinks for the generator: into a warehouse (each batch one `load`, so memory holds one batch per table), or a
 * checksum sink that keeps only counts and an order-sensitive hash per table (determinism tests, benches).
 */
import type { TableDefinition } from '@aether/contracts/warehouse';
import type { GeneratorSink } from './generator.ts';
import type { Row, Warehouse } from './warehouse.ts';

/**
 * Each batch is one `load`. A table's load is awaited only when its next batch arrives (or at `close`), so the
 * engine commits one batch while the generator builds the next; at most two batches per table are alive.
 */
export function warehouseSink(warehouse: Warehouse): GeneratorSink {
  const inFlight = new Map<string, Promise<number>>();
  return {
    async write(table, rows) {
      await inFlight.get(table.name);
      const loading = warehouse.load(table, [rows]);
      // Surfaced by the next write or by close; never left unhandled in between.
      loading.catch(() => undefined);
      inFlight.set(table.name, loading);
    },
    async close() {
      const pending = [...inFlight.values()];
      inFlight.clear();
      await Promise.all(pending);
    },
    async abort() {
      const pending = [...inFlight.values()];
      inFlight.clear();
      await Promise.allSettled(pending);
    },
  };
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
