import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const aether = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

describe('aether interpret', () => {
  it('prints the COO as JSON for scripts', () => {
    const run = aether('interpret', 'Win back lapsed customers this quarter, no SMS', '--as-of', '2026-11-25', '--json');
    assert.equal(run.status, 0, run.stderr);
    const interpretation = JSON.parse(run.stdout) as { objective: { goal: string; kpi: { windowDays: number } }; interpretedBy: string };
    assert.equal(interpretation.objective.goal, 'reactivation');
    assert.equal(interpretation.objective.kpi.windowDays, 36);
    assert.equal(interpretation.interpretedBy, 'rules');
  });
  it('prints a summary for people', () => {
    const run = aether('interpret', 'Recover carts abandoned in the last 48 hours with free shipping', '--as-of', '2026-11-25');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Goal: +cart_recovery/);
    assert.match(run.stdout, /abandoned_carts ≥ 1 \(last 2 days\)/);
    assert.match(run.stdout, /Triggers: +free_shipping/);
  });
  it('exits non-zero with the reasons when the text is not an objective', () => {
    const run = aether('interpret', 'purple monkey dishwasher');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no campaign goal, audience, KPI or trigger was recognised/);
  });
  it('refuses a malformed --as-of with usage', () => {
    const run = aether('interpret', 'win back lapsed customers', '--as-of', 'next tuesday');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--as-of must be a date YYYY-MM-DD/);
  });
});
