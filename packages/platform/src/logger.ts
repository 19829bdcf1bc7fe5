/**
 * The one logger: pino, made once in `main.ts` and passed down (`log.child({ segmentId, eventId, eventType })`).
 * Three formats: `cloud` (Cloud Logging's structured format: `severity`, `message`, the trace field from a
 * `traceparent` child binding), `json` (plain pino), `pretty` (for people). Secrets and customer PII are redacted
 * in every format, by default.
 */
import { createGcpLoggingPinoConfig } from '@google-cloud/pino-logging-gcp-config';
import { type Bindings, type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config.ts';

export type { Logger };

export type LoggerSettings = {
  service: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; standard output by default. Tests pass a stream to read them back. */
  destination?: DestinationStream & NodeJS.WritableStream;
  /** Google Cloud project, to turn a trace id into `projects/<id>/traces/<trace>` (cloud format). */
  projectId?: string;
  version?: string;
  /** Extra field names to redact, on top of the defaults. */
  redact?: string[];
};

export const REDACTED = '[redacted]';

/** Field names that hold credentials. */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'api_key',
  'apikey',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'privateKey',
  'private_key',
];
/** Header names with dashes, redacted inside any `headers` object. */
const SECRET_HEADERS = ['x-api-key', 'proxy-authorization', 'set-cookie', 'x-goog-iap-jwt-assertion'];
/** Customer PII: contact details and identity. */
const PII_KEYS = [
  'email',
  'emailAddress',
  'phone',
  'phoneNumber',
  'mobile',
  'customerName',
  'customer_name',
  'firstName',
  'lastName',
  'fullName',
  'first_name',
  'last_name',
  'address',
  'streetAddress',
  'postalCode',
  'dateOfBirth',
];

/**
 * pino's redaction takes explicit paths (no recursive wildcard), so each key is listed at the top level and up to
 * three objects deep: `email`, `customer.email`, `req.body.email`, `event.data.customer.email`.
 */
export function redactionPaths(extra: readonly string[] = []): string[] {
  const paths: string[] = [];
  for (const key of [...SECRET_KEYS, ...PII_KEYS, ...extra]) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  // A bare `name` is too common (errors, topics, triggers) to redact everywhere; a customer's name is.
  paths.push('customer.name', '*.customer.name', '*.*.customer.name');
  for (const header of SECRET_HEADERS) {
    paths.push(`headers["${header}"]`, `*.headers["${header}"]`, `*.*.headers["${header}"]`);
  }
  return paths;
}

export function createLogger(settings: LoggerSettings): Logger {
  const { service, level = 'info', format = 'json', destination } = settings;
  const common: LoggerOptions = {
    level,
    base: { service },
    redact: { paths: redactionPaths(settings.redact), censor: REDACTED },
  };
  switch (format) {
    case 'cloud': {
      const options = createGcpLoggingPinoConfig(
        {
          serviceContext: { service, ...(settings.version ? { version: settings.version } : {}) },
          // An empty string keeps the library from asking the metadata server for the project.
          traceGoogleCloudProjectId: settings.projectId ?? '',
          inihibitDiagnosticMessage: true,
        },
        { ...common, onChild: addCloudTrace(settings.projectId) },
      );
      return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
    }
    case 'json':
      return pino(common, destination ?? pino.destination({ dest: 1, sync: false }));
    case 'pretty': {
      const stream = pretty({
        destination: destination ?? 1,
        colorize: destination === undefined && process.stdout.isTTY === true,
        ignore: 'pid,hostname',
        translateTime: 'SYS:HH:MM:ss.l',
        sync: true,
      });
      return pino(common, stream);
    }
  }
}

/**
 * W3C trace context: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`. A `traceparent` child binding (as
 * carried by the event) becomes Cloud Logging's trace fields, so one segment's lines group across services.
 */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/**
 * pino applies `formatters.bindings` to the root logger only, so child bindings are read back after the child is
 * made and the trace fields appended; the raw `traceparent` stays on the line too.
 */
function addCloudTrace(projectId: string | undefined): (child: Logger) => void {
  return (child) => {
    const fields = traceFields(child.bindings(), projectId);
    if (fields && child.bindings()['logging.googleapis.com/trace'] !== fields['logging.googleapis.com/trace']) child.setBindings(fields);
  };
}

function traceFields(bindings: Bindings, projectId: string | undefined): Bindings | null {
  const traceparent = bindings.traceparent;
  if (typeof traceparent !== 'string') return null;
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!match) return null;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  return {
    'logging.googleapis.com/trace': projectId ? `projects/${projectId}/traces/${traceId}` : traceId,
    'logging.googleapis.com/spanId': spanId,
    'logging.googleapis.com/trace_sampled': (Number.parseInt(flags, 16) & 1) === 1,
  };
}
