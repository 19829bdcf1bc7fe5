import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CampaignObjective } from '@aether/contracts/objective';
import { parseObjective } from '@aether/contracts/objectiveCheck';
import { createGeminiInterpreter, type GeminiInterpreterOptions } from '../src/geminiInterpreter.ts';
import { createInterpretationCache } from '../src/interpretationCache.ts';
import type { InterpretationResult } from '../src/interpreterPort.ts';
import { createRuleBasedInterpreter } from '../src/ruleBasedInterpreter.ts';
import { type FakeReply, type FakeVertex, offlineAuthClient, startFakeVertex } from './fakeVertex.ts';

const AS_OF = '2026-11-25';
const TEXT = 'Win back lapsed customers who abandoned a cart in the last 30 days; maximise reactivation within 2 weeks';

const GEMINI_COO: CampaignObjective = {
  goal: 'reactivation',
  kpi: { metric: 'conversion', windowDays: 14 },
  audience: {
    all: [
      { attribute: 'days_since_last_purchase', op: 'gte', value: 90, valueTo: null, windowDays: null, category: null },
      { attribute: 'abandoned_carts', op: 'gte', value: 1, valueTo: null, windowDays: 30, category: null },
    ],
  },
  triggers: ['discount_20'],
  constraints: { maxAudienceSize: null, budget: null, channels: null, excludedChannels: [], excludeContactedWithinDays: null },
  confidence: 0.93,
  ambiguities: [],
};

const reply = (value: unknown, delayMs?: number): FakeReply => ({
  kind: 'text',
  text: JSON.stringify(value),
  ...(delayMs ? { delayMs } : {}),
});
const valid = (objective: unknown = GEMINI_COO, delayMs?: number): FakeReply => reply({ objective, rejectionReasons: [] }, delayMs);

const servers: FakeVertex[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function setup(script: FakeReply[], overrides: Partial<GeminiInterpreterOptions> = {}) {
  const fake = await startFakeVertex(script);
  servers.push(fake);
  const warnings: unknown[] = [];
  const interpreter = createGeminiInterpreter({
    project: 'aether-test',
    location: 'europe-west1',
    model: 'gemini-2.5-flash',
    baseUrl: fake.baseUrl,
    timeoutMs: 2_000,
    maxAttempts: 3,
    backoffMs: 10,
    googleAuthOptions: { authClient: offlineAuthClient() },
    fallback: createRuleBasedInterpreter(),
    logger: { warn: (obj: unknown) => warnings.push(obj), info: () => {} } as unknown as GeminiInterpreterOptions['logger'],
    ...overrides,
  });
  return { fake, interpreter, warnings };
}

function interpretation(result: InterpretationResult) {
  assert.ok(result.ok, `expected a COO, got ${JSON.stringify(result)}`);
  assert.ok(parseObjective(result.interpretation.objective).ok, 'the COO passes the contract gate');
  return result.interpretation;
}

describe('Gemini interpreter against a local Vertex AI server', () => {
  it('returns a valid answer marked gemini, sending the schema, catalogues and temperature 0 to the Vertex path', async () => {
    const { fake, interpreter } = await setup([valid()]);
    const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
    assert.equal(result.interpretedBy, 'gemini');
    assert.deepEqual(result.objective, GEMINI_COO);

    assert.equal(fake.requests.length, 1);
    const request = fake.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(
      request.path,
      '/v1beta1/projects/aether-test/locations/europe-west1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    assert.equal(request.headers.authorization, 'Bearer test-token');
    const body = request.body as {
      contents: Array<{ role: string; parts: Array<{ text: string }> }>;
      systemInstruction: { parts: Array<{ text: string }> };
      generationConfig: {
        temperature: number;
        responseMimeType: string;
        responseJsonSchema: Record<string, unknown>;
        candidateCount: number;
      };
    };
    assert.deepEqual(Object.keys(body).sort(), ['contents', 'generationConfig', 'systemInstruction']);
    assert.equal(body.generationConfig.temperature, 0);
    assert.equal(body.generationConfig.responseMimeType, 'application/json');
    const schema = body.generationConfig.responseJsonSchema as { additionalProperties: boolean; properties: Record<string, unknown> };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties).sort(), ['objective', 'rejectionReasons']);
    assert.ok(!JSON.stringify(schema).includes('$id'), 'dialect conversion drops $id');
    const instruction = body.systemInstruction.parts.map((part) => part.text).join('\n');
    for (const word of ['abandoned_carts', 'clv_percentile', 'loyalty_tier', 'discount_20', 'free_shipping', 'sms_flash_sale']) {
      assert.ok(instruction.includes(word), `catalogue entry ${word} in the prompt`);
    }
    // Only the objective and the as-of date go in the user turn: no customer records, ids or contact details.
    assert.equal(body.contents.length, 1);
    assert.equal(body.contents[0]!.parts[0]!.text, `As-of date: ${AS_OF}\n<objective>\n${TEXT}\n</objective>`);
    assert.doesNotMatch(JSON.stringify(body), /@[a-z0-9-]+\.[a-z]{2,}|\+?\d{3}[ -]?\d{3}[ -]?\d{4}|cust_[a-z0-9]/i);
  });

  it('falls back to the rules on malformed JSON, saying why', async () => {
    const { interpreter, warnings } = await setup([{ kind: 'text', text: '{"objective": {"goal": "reactivation",' }]);
    const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
    assert.equal(result.interpretedBy, 'rules_fallback');
    assert.match(result.objective.ambiguities[0]!.reason, /not JSON/);
    assert.equal(warnings.length, 1);
  });

  it('falls back on a reply that breaks the schema or the catalogue', async () => {
    const extraField = { ...GEMINI_COO, sql: 'DROP TABLE customers' };
    const unknownAttribute = {
      ...GEMINI_COO,
      audience: { all: [{ attribute: 'ssn', op: 'eq', value: 1, valueTo: null, windowDays: null, category: null }] },
    };
    const unknownTrigger = { ...GEMINI_COO, triggers: ['free_money'] };
    for (const [bad, why] of [
      [extraField, /schema/],
      [unknownAttribute, /unknown attribute "ssn"/],
      [unknownTrigger, /unknown trigger "free_money"/],
    ] as const) {
      const { interpreter } = await setup([valid(bad)]);
      const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
      assert.equal(result.interpretedBy, 'rules_fallback');
      assert.match(result.objective.ambiguities[0]!.reason, why);
      assert.ok(!JSON.stringify(result).includes('DROP TABLE'));
    }
  });

  it('falls back when the answer is later than the deadline', async () => {
    const { interpreter } = await setup([valid(GEMINI_COO, 1_500)], { timeoutMs: 200 });
    const started = performance.now();
    const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
    const elapsed = performance.now() - started;
    assert.equal(result.interpretedBy, 'rules_fallback');
    assert.match(result.objective.ambiguities[0]!.reason, /no reply within 200 ms/);
    assert.ok(elapsed < 1_000, `gave up after ${elapsed.toFixed(0)} ms`);
  });

  it('retries after a 429 and uses the answer that follows', async () => {
    const { fake, interpreter, warnings } = await setup([{ kind: 'status', status: 429 }, valid()]);
    const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
    assert.equal(result.interpretedBy, 'gemini');
    assert.equal(fake.requests.length, 2);
    assert.equal(warnings.length, 1);
  });

  it('retries a 500 up to the attempt limit, then falls back', async () => {
    const { fake, interpreter } = await setup([{ kind: 'status', status: 500 }]);
    const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
    assert.equal(result.interpretedBy, 'rules_fallback');
    assert.equal(fake.requests.length, 3);
    assert.match(result.objective.ambiguities[0]!.reason, /HTTP 500 after 3 attempt/);
  });

  it('does not retry a 400', async () => {
    const { fake, interpreter } = await setup([{ kind: 'status', status: 400 }]);
    const result = interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF }));
    assert.equal(result.interpretedBy, 'rules_fallback');
    assert.equal(fake.requests.length, 1);
  });

  it('passes on the model’s rejection of a non-objective', async () => {
    const { interpreter } = await setup([reply({ objective: null, rejectionReasons: ['this is not a campaign objective'] })]);
    const result = await interpreter.interpret('purple monkey dishwasher', { asOf: AS_OF });
    assert.deepEqual(result, { ok: false, reasons: ['this is not a campaign objective'] });
  });

  it('caches by normalised text, as-of date and model', async () => {
    const cache = createInterpretationCache();
    const { fake, interpreter } = await setup([valid()], { cache });
    await interpreter.interpret(TEXT, { asOf: AS_OF });
    const again = interpretation(await interpreter.interpret(`  ${TEXT.toUpperCase()}  `, { asOf: AS_OF }));
    assert.equal(again.interpretedBy, 'gemini');
    assert.equal(fake.requests.length, 1, 'the second call was served from the cache');
    await interpreter.interpret(TEXT, { asOf: '2026-12-01' });
    assert.equal(fake.requests.length, 2, 'another as-of date is another question');
  });

  it('does not cache a fallback', async () => {
    const cache = createInterpretationCache();
    const { fake, interpreter } = await setup([{ kind: 'status', status: 400 }, valid()], { cache });
    assert.equal(interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF })).interpretedBy, 'rules_fallback');
    assert.equal(interpretation(await interpreter.interpret(TEXT, { asOf: AS_OF })).interpretedBy, 'gemini');
    assert.equal(fake.requests.length, 2);
  });
});
