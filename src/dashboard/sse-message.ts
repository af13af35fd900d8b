/**
 * A stored Messages API stream (server-sent events) put back together as the final message: the
 * message_start skeleton, each content block grown by its deltas (text, tool input JSON, thinking,
 * signatures, citations), then message_delta's stop reason and usage. A stream cut short gives what
 * it had, flagged incomplete. Pure: text in, message out.
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import { createParser } from 'eventsource-parser';

export interface AssembledStream {
  /** The message as the non-streaming API would have returned it (as far as the stream went). */
  message: Record<string, unknown> | null;
  /** An `event: error` in the stream. */
  error: { type: string; message: string } | null;
  events: number;
  /** message_stop was seen. */
  complete: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function assembleStream(text: string): AssembledStream {
  // Held in an object: TypeScript does not see the assignments inside the parser's callback.
  const state: { message: Json | null } = { message: null };
  const blocks: Json[] = [];
  const partialJson = new Map<number, string>();
  let error: AssembledStream['error'] = null;
  let events = 0;
  let complete = false;

  const onData = (data: Json): void => {
    const index = typeof data.index === 'number' ? data.index : -1;
    switch (data.type) {
      case 'message_start':
        if (isObject(data.message)) state.message = { ...data.message };
        return;
      case 'content_block_start':
        if (index >= 0 && isObject(data.content_block)) blocks[index] = { ...data.content_block };
        return;
      case 'content_block_delta':
        if (index >= 0 && isObject(data.delta)) applyDelta(blocks, partialJson, index, data.delta);
        return;
      case 'content_block_stop':
        finishBlock(blocks, partialJson, index);
        return;
      case 'message_delta':
      {
        const message = (state.message ??= {});
        if (isObject(data.delta)) Object.assign(message, data.delta);
        if (isObject(data.usage)) message.usage = { ...(isObject(message.usage) ? message.usage : {}), ...data.usage };
        return;
      }
      case 'message_stop':
        complete = true;
        return;
      case 'error':
        if (isObject(data.error)) error = { type: str(data.error.type) || 'error', message: str(data.error.message) };
        return;
      default:
        return;
    }
  };

  const parser = createParser({
    onEvent(event) {
      events += 1;
      try {
        const data: unknown = JSON.parse(event.data);
        if (isObject(data)) onData(data);
      } catch {
        // A line cut short by the storage cap, or not JSON: the raw view still has it.
      }
    },
  });
  parser.feed(text);
  // Blocks still open when the stream ended (cut short): keep their partial tool input as text.
  for (const index of [...partialJson.keys()]) finishBlock(blocks, partialJson, index);
  const assembled: Json | null = state.message === null && blocks.length === 0 ? null : { ...(state.message ?? {}), content: blocks.filter(isObject) };
  return { message: assembled, error, events, complete };
}

function applyDelta(blocks: Json[], partialJson: Map<number, string>, index: number, delta: Json): void {
  const block = (blocks[index] ??= { type: 'text', text: '' });
  switch (delta.type) {
    case 'text_delta':
      block.text = str(block.text) + str(delta.text);
      return;
    case 'input_json_delta':
      partialJson.set(index, (partialJson.get(index) ?? '') + str(delta.partial_json));
      return;
    case 'thinking_delta':
      block.thinking = str(block.thinking) + str(delta.thinking);
      return;
    case 'signature_delta':
      block.signature = str(delta.signature);
      return;
    case 'citations_delta':
      block.citations = [...(Array.isArray(block.citations) ? (block.citations as unknown[]) : []), delta.citation];
      return;
    default:
      return;
  }
}

/** A tool call's input arrives as JSON text in pieces: parsed once the block ends (kept as text if it does not parse). */
function finishBlock(blocks: Json[], partialJson: Map<number, string>, index: number): void {
  const json = partialJson.get(index);
  const block = blocks[index];
  partialJson.delete(index);
  if (json === undefined || block === undefined) return;
  if (json.trim() === '') return;
  try {
    block.input = JSON.parse(json) as unknown;
  } catch {
    block.input = json;
  }
}
