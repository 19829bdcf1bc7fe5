/**
 * `pnpm generate`: writes the files derived from the contracts — Terraform's event topology and the published
 * JSON Schemas of the events. `pnpm test` fails when a committed file differs from what this would write.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENTS } from '@aether/contracts/events';
import { PRODUCERS, SUBSCRIPTIONS, TOPICS } from '@aether/contracts/topics';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Service folders that have an entry point: the deployable services. */
export function deployableServices(): string[] {
  return readdirSync(join(repoRoot, 'services'))
    .filter((name) => existsSync(join(repoRoot, 'services', name, 'src', 'main.ts')))
    .sort();
}

function terraformEventVariables(): unknown {
  const publishers: Record<string, string[]> = {};
  for (const [event, services] of Object.entries(PRODUCERS)) {
    publishers[EVENTS[event as keyof typeof EVENTS].topic] = [...services];
  }
  return {
    topics: [...TOPICS],
    publishers,
    subscriptions: SUBSCRIPTIONS.map((s) => ({
      name: s.name,
      service: s.service,
      topic: s.topic,
      dead_letter_topic: s.deadLetterTopic,
      max_delivery_attempts: s.maxDeliveryAttempts,
      min_backoff_seconds: s.minBackoffSeconds,
      max_backoff_seconds: s.maxBackoffSeconds,
      ack_deadline_seconds: s.ackDeadlineSeconds,
    })),
    services: deployableServices(),
  };
}

function eventSchema(name: keyof typeof EVENTS): unknown {
  const definition = EVENTS[name];
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${definition.type} data`,
    'x-cloudevents-type': definition.type,
    'x-pubsub-topic': definition.topic,
    ...JSON.parse(JSON.stringify(definition.data)),
  };
}

/** Path (relative to the repo) → file content. */
export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'infra/terraform/events.auto.tfvars.json': `${JSON.stringify(terraformEventVariables(), null, 2)}\n`,
  };
  for (const name of Object.keys(EVENTS) as Array<keyof typeof EVENTS>) {
    files[`docs/schemas/${EVENTS[name].type}.json`] = `${JSON.stringify(eventSchema(name), null, 2)}\n`;
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, content] of Object.entries(generatedFiles())) {
    mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
    writeFileSync(join(repoRoot, path), content);
    console.log(`generate: wrote ${path}`);
  }
}
