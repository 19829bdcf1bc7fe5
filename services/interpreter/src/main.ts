/**
 * Runs the interpreter service alone: `node services/interpreter/src/main.ts`. Embedded mode (default) keeps the
 * bus and segments under AETHER_DATA_DIR; cloud mode uses Pub/Sub and Firestore. INTERPRETER_PROVIDER=gemini uses
 * Gemini on Vertex AI with the rule-based interpreter as fallback.
 */
import { join } from 'node:path';
import { systemClock } from '@aether/platform/clock';
import { type ConfigRule, cloudModeNeedsProject, loadConfig, PlatformEnv, PortEnv } from '@aether/platform/config';
import { openEmbeddedSegmentStore } from '@aether/platform/embeddedSegmentStore';
import { createFirestoreSegmentStore } from '@aether/platform/firestoreSegmentStore';
import { openInProcessBus } from '@aether/platform/inProcessBus';
import { createLogger } from '@aether/platform/logger';
import { createPubSubBus } from '@aether/platform/pubSubBus';
import { runService } from '@aether/platform/serviceHarness';
import Type, { type Static } from 'typebox';
import { createGeminiInterpreter } from './geminiInterpreter.ts';
import { createInterpretationCache } from './interpretationCache.ts';
import { createInterpreterService, interpreterSubscription } from './interpreterService.ts';
import { createRuleBasedInterpreter } from './ruleBasedInterpreter.ts';

const InterpreterConfig = Type.Object({
  ...PlatformEnv,
  ...PortEnv,
  INTERPRETER_PROVIDER: Type.Enum(['rules', 'gemini'], { default: 'rules', description: 'rules (offline) or gemini (Vertex AI)' }),
  GEMINI_MODEL: Type.String({ minLength: 1, default: 'gemini-2.5-flash' }),
  GEMINI_LOCATION: Type.String({ minLength: 1, default: 'us-central1', description: 'Vertex AI location' }),
  GEMINI_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 120_000,
    default: 8000,
    description: 'deadline per objective, retries included',
  }),
  GEMINI_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  GEMINI_BASE_URL: Type.Optional(Type.String({ minLength: 1, description: 'overrides the Vertex AI endpoint' })),
});
type InterpreterConfig = Static<typeof InterpreterConfig>;

const geminiNeedsProject: ConfigRule<InterpreterConfig> = (config) =>
  config.INTERPRETER_PROVIDER === 'gemini' && !config.GOOGLE_CLOUD_PROJECT
    ? [{ variable: 'GOOGLE_CLOUD_PROJECT', message: 'is required when INTERPRETER_PROVIDER is "gemini"' }]
    : [];

const config = loadConfig(InterpreterConfig, process.env, [cloudModeNeedsProject, geminiNeedsProject]);
const log = createLogger({
  service: 'interpreter',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  ...(config.GOOGLE_CLOUD_PROJECT ? { projectId: config.GOOGLE_CLOUD_PROJECT } : {}),
});
const clock = systemClock;
const project = config.GOOGLE_CLOUD_PROJECT ?? '';

const bus =
  config.AETHER_MODE === 'cloud'
    ? createPubSubBus({ projectId: project, service: 'interpreter', log })
    : await openInProcessBus({ dataDir: join(config.AETHER_DATA_DIR, 'bus'), service: 'interpreter', log });
const store =
  config.AETHER_MODE === 'cloud'
    ? createFirestoreSegmentStore({ projectId: project, clock })
    : await openEmbeddedSegmentStore({ dataDir: config.AETHER_DATA_DIR, clock });

const rules = createRuleBasedInterpreter();
const interpreter =
  config.INTERPRETER_PROVIDER === 'gemini'
    ? createGeminiInterpreter({
        project,
        location: config.GEMINI_LOCATION,
        model: config.GEMINI_MODEL,
        timeoutMs: config.GEMINI_TIMEOUT_MS,
        maxAttempts: config.GEMINI_MAX_ATTEMPTS,
        backoffMs: 250,
        ...(config.GEMINI_BASE_URL ? { baseUrl: config.GEMINI_BASE_URL } : {}),
        fallback: rules,
        cache: createInterpretationCache(),
        logger: log,
      })
    : rules;

await bus.ensureTopology([interpreterSubscription()]);
const service = createInterpreterService({ store, bus, interpreter, clock });
await runService({
  name: service.name,
  subscriptions: service.subscriptions,
  bus,
  log,
  port: config.PORT,
  handleSignals: true,
  onClosed: async () => {
    await bus.close();
    await store.close();
  },
});
