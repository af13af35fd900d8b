/** Reading stored request and response bodies back, whichever way they were stored. */
import { gunzipSync } from 'node:zlib';
import type { Queryable } from './database.js';
import type { StoredBodies } from './usage-records.js';

/**
 * The bodies kept for one request, or null. Rows written before migration 002 hold gzip bytes
 * instead of text: they are unpacked here so readers see one shape.
 */
export async function readStoredBodies(db: Queryable, requestId: string): Promise<StoredBodies | null> {
  const [row] = await db.query<{
    request_headers: Record<string, string | string[]>;
    response_headers: Record<string, string | string[]>;
    request_text: string | null;
    response_text: string | null;
    request_body: Uint8Array | null;
    response_body: Uint8Array | null;
    request_truncated: boolean;
    response_truncated: boolean;
  }>(
    `SELECT request_headers, response_headers, request_text, response_text, request_body, response_body,
       request_truncated, response_truncated
     FROM request_bodies WHERE request_id = $1`,
    [requestId],
  );
  if (row === undefined) return null;
  return {
    requestHeaders: row.request_headers,
    responseHeaders: row.response_headers,
    request: row.request_text ?? gunzipped(row.request_body),
    response: row.response_text ?? gunzipped(row.response_body),
    requestTruncated: row.request_truncated,
    responseTruncated: row.response_truncated,
  };
}

function gunzipped(bytes: Uint8Array | null): string | null {
  if (bytes === null) return null;
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch {
    return null;
  }
}
