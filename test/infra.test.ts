import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deadLetterReaderOf, SERVICES, SUBSCRIPTIONS, TOPICS } from '@aether/contracts/topics';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { parse as parseYaml } from 'yaml';
import { deployableServices, generatedFiles, repoRoot } from '../scripts/generate.ts';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('generated files', () => {
  for (const [path, content] of Object.entries(generatedFiles())) {
    it(`${path} matches the contracts (run \`pnpm generate\` after changing them)`, () => {
      assert.equal(read(path), content);
    });
  }
});

describe('terraform', () => {
  const tfvars = JSON.parse(read('infra/terraform/events.auto.tfvars.json'));

  it('declares exactly the topics and subscriptions of the contracts', () => {
    assert.deepEqual(tfvars.topics, TOPICS);
    assert.deepEqual(
      tfvars.subscriptions.map((s: { name: string }) => s.name),
      SUBSCRIPTIONS.map((s) => s.name),
    );
  });

  it('creates every topic and its subscriptions with dead-letter and retry policies from those variables', async () => {
    const main = await parseHcl('main.tf', read('infra/terraform/main.tf'));
    const topicModule = main.module.topic[0];
    assert.equal(topicModule.source, './modules/event_topic');
    assert.match(topicModule.for_each, /var\.topics/);
    assert.match(JSON.stringify(topicModule.subscriptions), /var\.subscriptions/);

    const module = await parseHcl('event_topic.tf', read('infra/terraform/modules/event_topic/main.tf'));
    const subscription = module.resource.google_pubsub_subscription.this[0];
    assert.match(subscription.dead_letter_policy[0].max_delivery_attempts, /max_delivery_attempts/);
    assert.match(subscription.retry_policy[0].minimum_backoff, /min_backoff_seconds/);
    assert.ok(subscription.push_config[0].oidc_token, 'push subscriptions carry an OIDC token');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JavaScript template
    assert.equal(module.resource.google_pubsub_topic.dead_letter[0].name, '${var.name}-dead-letter');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JavaScript template
    assert.equal(module.resource.google_pubsub_subscription.dead_letter_reader[0].name, deadLetterReaderOf('${var.name}-dead-letter'));
  });

  it('deploys one Cloud Run service with its own service account per service folder', async () => {
    assert.deepEqual(tfvars.services, deployableServices());
    for (const service of tfvars.services) assert.ok((SERVICES as readonly string[]).includes(service), `${service} is a known service`);
    const module = await parseHcl('cloud_run.tf', read('infra/terraform/modules/cloud_run_service/main.tf'));
    assert.ok(module.resource.google_service_account.this);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JavaScript template
    assert.equal(module.resource.google_cloud_run_v2_service.this[0].template[0].service_account, '${google_service_account.this.email}');
  });

  it('declares the Firestore indexes the segment store list query needs', async () => {
    const main = await parseHcl('main.tf', read('infra/terraform/main.tf'));
    const indexes = Object.values(main.resource.google_firestore_index as Record<string, Array<{ fields: Array<{ field_path: string }> }>>);
    const fieldLists = indexes.map((index) => index[0]!.fields.map((field) => field.field_path).join(','));
    assert.deepEqual(fieldLists.sort(), ['createdAt,id', 'status,createdAt,id']);
    assert.match(read('packages/platform/src/firestoreSegmentStore.ts'), /orderBy\('createdAt', 'desc'\)\.orderBy\('id', 'desc'\)/);
  });

  it('gives every IAM binding a one-line reason', () => {
    const files = [
      'infra/terraform/main.tf',
      ...readdirSync(join(repoRoot, 'infra/terraform/modules')).map((m) => `infra/terraform/modules/${m}/main.tf`),
    ];
    for (const file of files) {
      for (const line of read(file).split('\n')) {
        if (/^\s*role\s*=/.test(line)) assert.match(line, /#\s*\S/, `${file}: "${line.trim()}" needs a reason comment`);
      }
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true });

  it('runs both emulators with health checks', () => {
    assert.match(compose.services.pubsub.command, /emulators pubsub start/);
    assert.match(compose.services.firestore.command, /emulators firestore start/);
    assert.ok(compose.services.pubsub.healthcheck && compose.services.firestore.healthcheck);
  });

  it('runs every service folder pointed at the emulators', () => {
    for (const service of deployableServices()) {
      const definition = compose.services[service];
      assert.ok(definition, `compose runs ${service}`);
      assert.equal(definition.environment.SERVICE, service);
      assert.equal(definition.environment.PUBSUB_EMULATOR_HOST, 'pubsub:8085');
      assert.equal(definition.environment.FIRESTORE_EMULATOR_HOST, 'firestore:8086');
      assert.equal(definition.depends_on.pubsub.condition, 'service_healthy');
    }
  });
});
