/** How a failed upstream exchange is reported to the client, and which failures may be retried. */
import { ApiError } from '../shared/api-error.js';

/** The client went away; nothing is sent to anyone. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function codeOf(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

/** A connection that failed before the request could have been processed: safe to send once more. */
export function isRetryableConnectionError(error: Error): boolean {
  const code = codeOf(error);
  return code !== undefined && CONNECTION_CODES.has(code);
}

/** The API-shaped error for an upstream failure that happened before any response byte. */
export function upstreamFailureToApiError(error: Error, timeoutMs: number): ApiError {
  if (error instanceof ApiError) return error;
  const code = codeOf(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new ApiError('api_error', `The upstream API did not answer within ${timeoutMs} ms.`, 504);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ApiError('api_error', 'Connecting to the upstream API timed out.', 504);
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new ApiError('invalid_request_error', 'The request body does not match its Content-Length.');
  }
  return new ApiError('api_error', `The upstream API could not be reached (${code ?? error.name}).`, 502);
}
