/**
 * Caches provider answers by normalised text, as-of date, model and catalogue version: the same objective asked
 * twice costs one model call, and a catalogue change invalidates every entry. `asOf` is part of the key because
 * relative dates ("this quarter") resolve against it. Bounded, least recently used out first.
 */
import { createHash } from 'node:crypto';
import type { InterpretationResult } from './interpreterPort.ts';

export type CacheKeyParts = { text: string; asOf: string; model: string; catalogueVersion: string };

export type InterpretationCache = {
  get(key: CacheKeyParts): InterpretationResult | undefined;
  set(key: CacheKeyParts, value: InterpretationResult): void;
  readonly size: number;
};

export function normaliseObjectiveText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(JSON.stringify([normaliseObjectiveText(parts.text), parts.asOf, parts.model, parts.catalogueVersion]))
    .digest('hex');
}

export function createInterpretationCache(maxEntries = 1000): InterpretationCache {
  const entries = new Map<string, InterpretationResult>();
  return {
    get(parts) {
      const key = cacheKey(parts);
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value === undefined ? undefined : structuredClone(value);
    },
    set(parts, value) {
      const key = cacheKey(parts);
      entries.delete(key);
      entries.set(key, structuredClone(value));
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
