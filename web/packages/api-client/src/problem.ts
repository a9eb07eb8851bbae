// API errors as the client sees them: the server's problem+json (RFC 9457) when there is one, otherwise a
// network failure or an answer that is not a problem. The `title` comes translated from the server (it follows
// the Accept-Language the client sends); the UI shows it, never the raw body.
import type { components } from './schema.gen';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

/** Codes the client itself gives to failures that have no problem+json body. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const BAD_RESPONSE = 'BAD_RESPONSE';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The server's problem, when the answer was one. */
  readonly problem: Problem | null;

  constructor(status: number, code: string, problem: Problem | null, message?: string) {
    super(message ?? problem?.title ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }

  /** The server's translated title, or null when the failure had none (network, unexpected answer). */
  get title(): string | null {
    return this.problem?.title ?? null;
  }

  /** Field errors of a 422 (and of a wrong SMS code). */
  get fieldErrors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.title === 'string' && typeof v.status === 'number' && typeof v.code === 'string';
}

/** An ApiError for a failed answer whose body (already parsed, or text) may be a problem. */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (isProblem(body)) return new ApiError(status, body.code, body);
  return new ApiError(status, BAD_RESPONSE, null, `unexpected answer (HTTP ${status})`);
}

export function networkError(cause: unknown): ApiError {
  const e = new ApiError(0, NETWORK_ERROR, null, cause instanceof Error ? cause.message : 'network failure');
  return e;
}
