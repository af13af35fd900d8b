/**
 * Errors the gateway itself produces, in the Anthropic API's own shape, written in exactly one place.
 * Upstream error bodies never pass through here: they reach the client untouched.
 * Shape and statuses: https://docs.claude.com/en/api/errors
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Error types of the Anthropic API that the gateway may answer with, and their HTTP statuses. */
export const API_ERROR_STATUS = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
} as const;

export type ApiErrorType = keyof typeof API_ERROR_STATUS;

/** A failure to report to the client; `status` defaults to the one the API uses for `type`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly type: ApiErrorType,
    message: string,
    status?: number,
  ) {
    super(message);
    this.status = status ?? API_ERROR_STATUS[type];
  }
}

/** A request id in the API's style (`req_…`), so proxy-made errors look like the upstream's. */
export function createRequestId(): string {
  // randomUUID draws from a pre-filled entropy cache: far cheaper per request than randomBytes.
  return `req_nexus_${randomUUID().replaceAll('-', '')}`;
}

/** `{"type":"error","error":{"type","message"},"request_id"}` */
export function apiErrorBody(type: string, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
}

/** Answers with `error` unless headers already went out, in which case the connection is cut. */
export function sendApiError(res: ServerResponse, error: ApiError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = apiErrorBody(error.type, error.message, requestId);
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'request-id': requestId,
    'x-should-retry': String(error.status >= 500),
  });
  res.end(body);
}
