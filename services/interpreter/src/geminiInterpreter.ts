/**
 * Gemini on Vertex AI through `@google/genai`, with the rule-based interpreter as fallback. Structured output with
 * the COO schema generated from the contract, temperature 0, one overall deadline, retries with exponential
 * backoff on 429 and 5xx. Every reply passes the same contract gate as the rules (`parseObjective`); an invalid,
 * failed or late reply yields the rule-based COO marked `rules_fallback`, with the reason in its ambiguities.
 */
import { CampaignObjective as CampaignObjectiveSchema } from '@aether/contracts/objective';
import { parseObjective } from '@aether/contracts/objectiveCheck';
import { formatIssues, parse } from '@aether/contracts/validation';
import type { Logger } from '@aether/platform/logger';
import { ApiError, GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';
import { systemInstruction, userTurn } from './geminiPrompt.ts';
import type { InterpretationCache } from './interpretationCache.ts';
import type { InterpretationResult, InterpretOptions, ObjectiveInterpreter } from './interpreterPort.ts';
import { InterpreterReply, toGeminiSchema } from './llmSchema.ts';
import { CATALOGUE_VERSION } from './ruleBasedInterpreter.ts';

export type GeminiInterpreterOptions = {
  project: string;
  location: string;
  model: string;
  /** Overrides the Vertex AI endpoint (tests point it at a local server). */
  baseUrl?: string;
  /** Whole-call deadline, retries included. */
  timeoutMs: number;
  /** Calls in all, first included. */
  maxAttempts: number;
  /** First backoff; doubles on each retry. */
  backoffMs: number;
  /** Credentials; Application Default Credentials when absent. */
  googleAuthOptions?: GoogleGenAIOptions['googleAuthOptions'];
  fallback: ObjectiveInterpreter;
  cache?: InterpretationCache;
  logger: Pick<Logger, 'warn' | 'info'>;
};

type Attempt = { ok: true; result: InterpretationResult } | { ok: false; reason: string };

const RESPONSE_SCHEMA = toGeminiSchema(InterpreterReply);
const SYSTEM_INSTRUCTION = systemInstruction();

export function createGeminiInterpreter(options: GeminiInterpreterOptions): ObjectiveInterpreter {
  const client = new GoogleGenAI({
    vertexai: true,
    project: options.project,
    location: options.location,
    ...(options.googleAuthOptions ? { googleAuthOptions: options.googleAuthOptions } : {}),
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });

  async function callModel(text: string, asOf: string, signal: AbortSignal): Promise<Attempt> {
    const deadline = Date.now() + options.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await client.models.generateContent({
          model: options.model,
          contents: [{ role: 'user', parts: [{ text: userTurn(text, asOf) }] }],
          config: {
            systemInstruction: SYSTEM_INSTRUCTION,
            temperature: 0,
            candidateCount: 1,
            responseMimeType: 'application/json',
            responseJsonSchema: RESPONSE_SCHEMA,
            abortSignal: signal,
          },
        });
        return readReply(response.text, asOf);
      } catch (error) {
        if (signal.aborted) return { ok: false, reason: `no reply within ${options.timeoutMs} ms` };
        const status = error instanceof ApiError ? error.status : null;
        const retryable = status === 429 || (status !== null && status >= 500);
        const wait = options.backoffMs * 2 ** (attempt - 1);
        if (!retryable || attempt >= options.maxAttempts || Date.now() + wait >= deadline) {
          return {
            ok: false,
            reason: status === null ? `request failed: ${(error as Error).message}` : `HTTP ${status} after ${attempt} attempt(s)`,
          };
        }
        options.logger.warn({ status, attempt, waitMs: wait }, 'gemini call failed; retrying');
        await sleep(wait, signal);
      }
    }
  }

  return {
    name: 'gemini',
    async interpret(text: string, interpretOptions: InterpretOptions): Promise<InterpretationResult> {
      const key = { text, asOf: interpretOptions.asOf, model: options.model, catalogueVersion: CATALOGUE_VERSION };
      const cached = options.cache?.get(key);
      if (cached) return cached;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      let attempt: Attempt;
      try {
        attempt = await callModel(text, interpretOptions.asOf, controller.signal);
      } finally {
        clearTimeout(timer);
      }
      if (attempt.ok) {
        options.cache?.set(key, attempt.result);
        return attempt.result;
      }
      options.logger.warn(
        { reason: attempt.reason, model: options.model },
        'gemini interpretation failed; using the rule-based interpreter',
      );
      return fallBack(await options.fallback.interpret(text, interpretOptions), attempt.reason, text);
    },
  };
}

function readReply(text: string | undefined, asOf: string): Attempt {
  if (text === undefined || text.trim() === '') return { ok: false, reason: 'empty reply' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `reply is not JSON: ${(error as Error).message}` };
  }
  const reply = parse(InterpreterReply, json);
  if (!reply.ok) return { ok: false, reason: `reply does not match the schema: ${formatIssues(reply.issues)}` };
  if (reply.value.objective === null) {
    const reasons = reply.value.rejectionReasons.length > 0 ? reply.value.rejectionReasons : ['the model found no campaign objective'];
    return { ok: true, result: { ok: false, reasons } };
  }
  const objective = parseObjective(reply.value.objective);
  if (!objective.ok) return { ok: false, reason: `reply breaks the catalogue rules: ${formatIssues(objective.issues)}` };
  return {
    ok: true,
    result: {
      ok: true,
      interpretation: { objective: objective.value, interpretedBy: 'gemini', asOf, catalogueVersion: CATALOGUE_VERSION },
    },
  };
}

function fallBack(result: InterpretationResult, reason: string, text: string): InterpretationResult {
  if (!result.ok) return { ok: false, reasons: [...result.reasons, `Gemini was not used either: ${reason}`] };
  const { objective } = result.interpretation;
  const note = { text: text.slice(0, 200), reason: `Gemini was not used (${reason}); this is the rule-based interpretation`.slice(0, 500) };
  const ambiguities = [note, ...objective.ambiguities].slice(0, 50);
  const fallen = { ...objective, ambiguities };
  // The note is ours, but the result still goes through the gate: nothing unchecked leaves this module.
  const checked = parse(CampaignObjectiveSchema, fallen);
  if (!checked.ok) return result;
  return { ok: true, interpretation: { ...result.interpretation, objective: checked.value, interpretedBy: 'rules_fallback' } };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
