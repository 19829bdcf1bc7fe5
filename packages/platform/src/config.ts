/**
 * Configuration from environment variables, described by a TypeBox object schema and checked once at start.
 * Environment values are strings; each is converted to the type its schema declares (integer, number, boolean,
 * or left a string), defaults are filled in, and the result is validated with the one contract validator. Every
 * missing or invalid variable is reported in one error, so a misconfigured deployment is fixed in one go.
 */
import { parse } from '@aether/contracts/validation';
import Type, { type Static, type TObject, type TSchema } from 'typebox';

export type ConfigIssue = { variable: string; message: string };

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((issue) => `  - ${issue.variable} ${issue.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** A check across variables (e.g. cloud mode needs a project); it sees the values that passed their own checks. */
export type ConfigRule<T> = (config: Partial<T>) => ConfigIssue[];

export type Env = Readonly<Record<string, string | undefined>>;

type Kind = 'string' | 'number' | 'integer' | 'boolean';

export function loadConfig<S extends TObject>(schema: S, env: Env = process.env, rules: ConfigRule<Static<S>>[] = []): Static<S> {
  const issues: ConfigIssue[] = [];
  const reported = new Set<string>();
  const values: Record<string, unknown> = {};
  const required = new Set<string>(schema.required ?? []);

  for (const [variable, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const raw = env[variable];
    // An empty variable (`PORT=`) means "not set": that is how shells and compose files unset things.
    if (raw === undefined || raw === '') {
      if ('default' in property) values[variable] = property.default;
      else if (required.has(variable)) {
        issues.push({ variable, message: `is required${describeExpected(property)}` });
        reported.add(variable);
      }
      continue;
    }
    const converted = convert(kindOf(property), raw.trim());
    if (converted.ok) values[variable] = converted.value;
    else {
      issues.push({ variable, message: `${converted.message}, got ${shown(variable, raw)}` });
      reported.add(variable);
    }
  }

  const result = parse(schema, values);
  if (!result.ok) {
    for (const issue of result.issues) {
      const variable = issue.path.split('/')[1];
      // Root-level issues are the `required` ones, already reported with a better message above.
      if (variable === undefined || variable === '' || reported.has(variable)) continue;
      issues.push({ variable, message: `${issue.message}, got ${shown(variable, String(env[variable] ?? values[variable]))}` });
      reported.add(variable);
    }
  }
  const valid = Object.fromEntries(Object.entries(values).filter(([variable]) => !reported.has(variable))) as Partial<Static<S>>;
  for (const rule of rules) issues.push(...rule(valid));

  if (issues.length > 0) throw new ConfigError(issues);
  return values as Static<S>;
}

function kindOf(schema: TSchema): Kind {
  const declared = (schema as { type?: unknown }).type;
  if (declared === 'integer' || declared === 'number' || declared === 'boolean') return declared;
  const members = (schema as { anyOf?: TSchema[] }).anyOf;
  const enumValues = (schema as { enum?: unknown[] }).enum;
  const memberKinds = new Set<string>([
    ...(members ?? []).map((member) => kindOf(member)),
    ...(enumValues ?? []).map((value) => (typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string')),
  ]);
  if (memberKinds.size === 1) {
    const only = [...memberKinds][0];
    if (only === 'integer' || only === 'number' || only === 'boolean') return only;
  }
  return 'string';
}

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

function convert(kind: Kind, raw: string): Converted {
  switch (kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'integer':
      return /^[+-]?\d+$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, message: 'must be an integer' };
    case 'number':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)
        ? { ok: true, value: Number(raw) }
        : { ok: false, message: 'must be a number' };
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return { ok: true, value: true };
      if (['false', '0', 'no'].includes(lower)) return { ok: true, value: false };
      return { ok: false, message: 'must be a boolean (true/false, 1/0, yes/no)' };
    }
  }
}

function describeExpected(schema: TSchema): string {
  const description = (schema as { description?: unknown }).description;
  return typeof description === 'string' ? ` (${description})` : '';
}

/** Echo the offending value so the fix is obvious, except for variables that look like secrets. */
function shown(variable: string, raw: string): string {
  if (/KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i.test(variable)) return 'a value (hidden)';
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}

// ---- Platform pieces that every service's env schema composes: `Type.Object({ ...PlatformEnv, ...PortEnv, … })`.

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json', 'cloud'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const PlatformEnv = {
  AETHER_MODE: Type.Enum(['embedded', 'cloud'], {
    default: 'embedded',
    description: 'embedded: one process, state on disk; cloud: Pub/Sub and Firestore',
  }),
  AETHER_DATA_DIR: Type.String({ minLength: 1, default: '.data', description: 'where the embedded mode keeps its state' }),
  GOOGLE_CLOUD_PROJECT: Type.Optional(Type.String({ minLength: 1, description: 'Google Cloud project id, required in cloud mode' })),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info' }),
  LOG_FORMAT: Type.Enum(LOG_FORMATS, { default: 'pretty', description: 'pretty for people, json, or cloud (Cloud Logging)' }),
};

export const PortEnv = {
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, description: 'HTTP port for /healthz, /readyz and push' }),
};

export const PlatformConfig = Type.Object(PlatformEnv);
export type PlatformConfig = Static<typeof PlatformConfig>;

/** Cloud mode talks to Google Cloud, so it must know which project. */
export const cloudModeNeedsProject: ConfigRule<PlatformConfig> = (config) =>
  config.AETHER_MODE === 'cloud' && !config.GOOGLE_CLOUD_PROJECT
    ? [{ variable: 'GOOGLE_CLOUD_PROJECT', message: 'is required when AETHER_MODE is "cloud"' }]
    : [];
