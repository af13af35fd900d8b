// A message stream of arbitrary size, generated lazily so the fake itself stays small in memory.
import { messageStartEvent, streamTailEvents, textBlockStartEvent, textDeltaEvent } from './fixtures.js';
import type { SseEvent } from './types.js';

const CHUNK_TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(364); // ~16 KiB per delta

/** Text deltas adding up to exactly totalBytes (ASCII) of text; output_tokens ≈ bytes / 4. */
export function* largeStreamEvents(totalBytes: number, model?: string): Generator<SseEvent> {
  const outputTokens = Math.max(1, Math.round(totalBytes / 4));
  yield messageStartEvent({ model });
  yield textBlockStartEvent();
  for (let sent = 0; sent < totalBytes; sent += CHUNK_TEXT.length) {
    yield textDeltaEvent(CHUNK_TEXT.slice(0, Math.min(CHUNK_TEXT.length, totalBytes - sent)));
  }
  yield* streamTailEvents({ output_tokens: outputTokens });
}
