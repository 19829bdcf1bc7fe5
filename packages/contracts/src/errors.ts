/** Application errors: a closed set of codes, each with its HTTP status, retryability and log level. */
import Type, { type Static } from 'typebox';

export const ERROR_CODES = {
  invalid_request: { status: 400, retryable: false, level: 'info' },
  invalid_objective: { status: 422, retryable: false, level: 'info' },
  objective_rejected: { status: 422, retryable: false, level: 'info' },
  not_found: { status: 404, retryable: false, level: 'info' },
  conflict: { status: 409, retryable: false, level: 'info' },
  invalid_message: { status: 400, retryable: false, level: 'warn' },
  dependency_unavailable: { status: 503, retryable: true, level: 'warn' },
  internal: { status: 500, retryable: true, level: 'error' },
} as const satisfies Record<string, { status: number; retryable: boolean; level: 'info' | 'warn' | 'error' }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

/** RFC 9457 problem details, the body of every HTTP error. */
export const ProblemDetails = Type.Object(
  {
    type: Type.String({ description: 'URI naming the error code, e.g. https://aethersegment.dev/errors/not_found.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: false }))),
  },
  { $id: 'ProblemDetails', additionalProperties: true, description: 'RFC 9457 problem details.' },
);
export type ProblemDetails = Static<typeof ProblemDetails>;

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
