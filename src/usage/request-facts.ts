/** Cheap facts from the start of a request body, without parsing it (bodies reach megabytes). */

const MODEL_PATTERN = /"model"\s*:\s*"([^"\\]{1,200})"/;
const STREAM_PATTERN = /"stream"\s*:\s*true\b/;

/** How much of the body is searched: `model` and `stream` sit at its top level, usually near the start. */
export const REQUEST_FACTS_BYTES = 64 * 1024;

export function requestFacts(head: Buffer): { model: string | null; stream: boolean } {
  const text = head.toString('latin1', 0, Math.min(head.length, REQUEST_FACTS_BYTES));
  return { model: MODEL_PATTERN.exec(text)?.[1] ?? null, stream: STREAM_PATTERN.test(text) };
}
