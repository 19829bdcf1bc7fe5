import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Type from 'typebox';
import { ConfigError, cloudModeNeedsProject, loadConfig, PlatformConfig, PlatformEnv, PortEnv } from './config.ts';

const ServiceConfig = Type.Object({
  ...PlatformEnv,
  ...PortEnv,
  WEBHOOK_URL: Type.String({ pattern: '^https?://', description: 'where activations are posted' }),
  MAX_BATCH: Type.Integer({ minimum: 1, default: 100 }),
  SAMPLE_RATE: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
  DRY_RUN: Type.Boolean({ default: false }),
  API_KEY: Type.Optional(Type.String({ minLength: 20 })),
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('converts each variable to its declared type and fills in defaults', () => {
    const config = loadConfig(ServiceConfig, {
      WEBHOOK_URL: 'https://hooks.example.com/x',
      PORT: '9090',
      SAMPLE_RATE: '0.25',
      DRY_RUN: 'yes',
      LOG_FORMAT: 'json',
      UNRELATED: 'ignored',
    });
    assert.deepEqual(config, {
      AETHER_MODE: 'embedded',
      AETHER_DATA_DIR: '.data',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORT: 9090,
      WEBHOOK_URL: 'https://hooks.example.com/x',
      MAX_BATCH: 100,
      SAMPLE_RATE: 0.25,
      DRY_RUN: true,
    });
  });

  it('lists every missing or invalid variable at once, by name, with why', () => {
    const error = configError(() =>
      loadConfig(ServiceConfig, {
        AETHER_MODE: 'hybrid',
        PORT: '80a',
        MAX_BATCH: '0',
        SAMPLE_RATE: 'half',
        DRY_RUN: 'maybe',
        LOG_LEVEL: 'loud',
        API_KEY: 'short-secret',
      }),
    );
    const byVariable = Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.message]));
    assert.deepEqual(Object.keys(byVariable).sort(), [
      'AETHER_MODE',
      'API_KEY',
      'DRY_RUN',
      'LOG_LEVEL',
      'MAX_BATCH',
      'PORT',
      'SAMPLE_RATE',
      'WEBHOOK_URL',
    ]);
    assert.match(byVariable.WEBHOOK_URL ?? '', /is required \(where activations are posted\)/);
    assert.match(byVariable.PORT ?? '', /must be an integer, got "80a"/);
    assert.match(byVariable.SAMPLE_RATE ?? '', /must be a number, got "half"/);
    assert.match(byVariable.DRY_RUN ?? '', /must be a boolean/);
    assert.match(byVariable.AETHER_MODE ?? '', /must be one of "embedded", "cloud", got "hybrid"/);
    assert.match(byVariable.MAX_BATCH ?? '', /must be >= 1, got "0"/);
    // Secret-looking values are never echoed into logs.
    assert.match(byVariable.API_KEY ?? '', /a value \(hidden\)/);
    assert.doesNotMatch(error.message, /short-secret/);
    for (const variable of Object.keys(byVariable)) assert.match(error.message, new RegExp(`- ${variable} `));
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(ServiceConfig, { WEBHOOK_URL: 'http://x', PORT: '' });
    assert.equal(config.PORT, 8080);
  });

  it('applies rules across variables: cloud mode needs a project', () => {
    const error = configError(() => loadConfig(PlatformConfig, { AETHER_MODE: 'cloud' }, [cloudModeNeedsProject]));
    assert.deepEqual(error.issues, [{ variable: 'GOOGLE_CLOUD_PROJECT', message: 'is required when AETHER_MODE is "cloud"' }]);
    const config = loadConfig(PlatformConfig, { AETHER_MODE: 'cloud', GOOGLE_CLOUD_PROJECT: 'acme' }, [cloudModeNeedsProject]);
    assert.equal(config.GOOGLE_CLOUD_PROJECT, 'acme');
  });

  it('rejects numbers that JavaScript would half-parse', () => {
    for (const bad of ['1e', '12px', '0x10', 'Infinity']) {
      const error = configError(() => loadConfig(ServiceConfig, { WEBHOOK_URL: 'http://x', SAMPLE_RATE: bad }));
      assert.equal(error.issues[0]?.variable, 'SAMPLE_RATE', bad);
    }
  });
});
