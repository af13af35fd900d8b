// Anthropic's error shape, written in one place: {"type":"error","error":{type,message},"request_id"}.
import type { OutgoingHttpHeaders } from 'node:http';
import { type Exchange, sendJson } from './exchange.js';
import { newId } from './ids.js';

/** The body of an Anthropic API error; a random request id is used when none is given. */
export function errorBody(type: string, message: string, requestId?: string): object {
  return { type: 'error', error: { type, message }, request_id: requestId ?? newId('req_') };
}

export interface ApiError {
  status: number;
  type: string;
  message: string;
  headers?: OutgoingHttpHeaders | undefined;
}

/** Answers with an Anthropic error whose `request_id` matches the `request-id` header. */
export function sendError(ex: Exchange, error: ApiError): void {
  sendJson(ex, error.status, errorBody(error.type, error.message, ex.requestId), { headers: error.headers });
}

/** `{"type":"error",...}` as it arrives inside a 200 stream (no request_id there). */
export function streamErrorData(type: string, message: string): object {
  return { type: 'error', error: { type, message } };
}
