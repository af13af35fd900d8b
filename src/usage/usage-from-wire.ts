// Wire shapes of the Messages API that carry usage, validated once here and mapped to TokenUsage.
import { z } from 'zod';
import { emptyUsage, type TokenUsage } from '../shared/token-usage.js';

// Counts are non-negative integers; null and absent both mean "not sent in this event".
const count = z.number().int().nonnegative().nullish();
const label = z.string().nullish();

/** `usage` as sent on a Message, `message_start.message` or `message_delta` (docs: api/messages). */
const wireUsageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
  cache_creation: z.object({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }).nullish(),
  server_tool_use: z.record(z.string(), z.unknown()).nullish(),
  service_tier: label,
  inference_geo: label,
});

// `message_start.message` is a Message too; its `type` is not needed to trust its usage.
const messageBodySchema = z.object({
  type: z.literal('message').optional(),
  id: label,
  model: label,
  stop_reason: label,
  usage: z.unknown().optional(),
});
const messageSchema = messageBodySchema.extend({ type: z.literal('message') });
const messageStartSchema = z.object({ type: z.literal('message_start'), message: messageBodySchema });
const messageDeltaSchema = z.object({
  type: z.literal('message_delta'),
  delta: z.object({ stop_reason: label }).nullish(),
  usage: z.unknown().optional(),
});
const errorSchema = z.object({ type: z.literal('error'), error: z.object({ type: z.string() }) });

type Scalars = Exclude<keyof TokenUsage, 'serverToolUse'>;

/** Usage as one event reported it: a field the event did not carry is null, so a later event can overlay it. */
export type PartialUsage = { [K in Scalars]: TokenUsage[K] | null } & { serverToolUse: Record<string, number> };

/** What a Message (a JSON response or `message_start.message`) says about itself. */
export interface MessageInfo {
  id: string | null;
  model: string | null;
  stopReason: string | null;
  /** null when the message carried no usage object at all. */
  usage: PartialUsage | null;
}

/** What a `message_delta` event carries. */
export interface MessageDeltaInfo {
  stopReason: string | null;
  usage: PartialUsage | null;
}

/** A wire error: a JSON error body or the data of an SSE `event: error`. */
export interface WireError {
  errorType: string;
}

/** The verdict on one wire value: `invalid` when it had the right `type` but a shape we cannot trust. */
export type WireResult<T> = { ok: true; value: T } | { ok: false; invalid: boolean };

/** Reads a `usage` object; `null` in, `{ok: true, value: null}` out; bad counts are `invalid`. */
export function partialUsageFromWire(raw: unknown): WireResult<PartialUsage | null> {
  if (raw === undefined || raw === null) return { ok: true, value: null };
  const parsed = wireUsageSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, invalid: true };
  const wire = parsed.data;
  return {
    ok: true,
    value: {
      inputTokens: wire.input_tokens ?? null,
      outputTokens: wire.output_tokens ?? null,
      cacheWriteTokens: wire.cache_creation_input_tokens ?? null,
      cacheWrite5mTokens: wire.cache_creation?.ephemeral_5m_input_tokens ?? null,
      cacheWrite1hTokens: wire.cache_creation?.ephemeral_1h_input_tokens ?? null,
      cacheReadTokens: wire.cache_read_input_tokens ?? null,
      serverToolUse: countsOf(wire.server_tool_use),
      serviceTier: wire.service_tier ?? null,
      inferenceGeo: wire.inference_geo ?? null,
    },
  };
}

function countsOf(record: Record<string, unknown> | null | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(record ?? {})) {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) counts[key] = value;
  }
  return counts;
}

/**
 * `message_delta` counts are cumulative: the later report wins field by field wherever it sent a
 * value (docs: build-with-claude/streaming), nested server_tool_use counts included.
 */
export function overlayUsage(base: PartialUsage, later: PartialUsage): PartialUsage {
  return {
    inputTokens: later.inputTokens ?? base.inputTokens,
    outputTokens: later.outputTokens ?? base.outputTokens,
    cacheWriteTokens: later.cacheWriteTokens ?? base.cacheWriteTokens,
    cacheWrite5mTokens: later.cacheWrite5mTokens ?? base.cacheWrite5mTokens,
    cacheWrite1hTokens: later.cacheWrite1hTokens ?? base.cacheWrite1hTokens,
    cacheReadTokens: later.cacheReadTokens ?? base.cacheReadTokens,
    serverToolUse: { ...base.serverToolUse, ...later.serverToolUse },
    serviceTier: later.serviceTier ?? base.serviceTier,
    inferenceGeo: later.inferenceGeo ?? base.inferenceGeo,
  };
}

/** Fills what no event reported: counts with 0, labels with null. */
export function completeUsage(partial: PartialUsage): TokenUsage {
  const empty = emptyUsage();
  return {
    inputTokens: partial.inputTokens ?? empty.inputTokens,
    outputTokens: partial.outputTokens ?? empty.outputTokens,
    cacheWriteTokens: partial.cacheWriteTokens ?? empty.cacheWriteTokens,
    cacheWrite5mTokens: partial.cacheWrite5mTokens ?? empty.cacheWrite5mTokens,
    cacheWrite1hTokens: partial.cacheWrite1hTokens ?? empty.cacheWrite1hTokens,
    cacheReadTokens: partial.cacheReadTokens ?? empty.cacheReadTokens,
    serverToolUse: { ...partial.serverToolUse },
    serviceTier: partial.serviceTier,
    inferenceGeo: partial.inferenceGeo,
  };
}

/**
 * One wire `usage` object as TokenUsage, or null when absent or invalid.
 * @example usageFromWire({ input_tokens: 3, output_tokens: 9 }) // { inputTokens: 3, outputTokens: 9, … }
 */
export function usageFromWire(raw: unknown): TokenUsage | null {
  const read = partialUsageFromWire(raw);
  return read.ok && read.value !== null ? completeUsage(read.value) : null;
}

function messageInfo(message: z.infer<typeof messageBodySchema>): WireResult<MessageInfo> {
  const usage = partialUsageFromWire(message.usage);
  if (!usage.ok) return usage;
  const info = { id: message.id ?? null, model: message.model ?? null, stopReason: message.stop_reason ?? null };
  return { ok: true, value: { ...info, usage: usage.value } };
}

/** A non-streaming response body: a Message, or `{ok: false, invalid: false}` for anything else. */
export function messageFromWire(json: unknown): WireResult<MessageInfo> {
  const parsed = messageSchema.safeParse(json);
  return parsed.success ? messageInfo(parsed.data) : { ok: false, invalid: false };
}

/** The data of a `message_start` event. */
export function messageStartFromWire(json: unknown): WireResult<MessageInfo> {
  const parsed = messageStartSchema.safeParse(json);
  return parsed.success ? messageInfo(parsed.data.message) : { ok: false, invalid: true };
}

/** The data of a `message_delta` event. */
export function messageDeltaFromWire(json: unknown): WireResult<MessageDeltaInfo> {
  const parsed = messageDeltaSchema.safeParse(json);
  if (!parsed.success) return { ok: false, invalid: true };
  const usage = partialUsageFromWire(parsed.data.usage);
  if (!usage.ok) return usage;
  return { ok: true, value: { stopReason: parsed.data.delta?.stop_reason ?? null, usage: usage.value } };
}

/** `{"type":"error","error":{"type":…}}`, from a JSON body or an SSE `event: error`. */
export function errorFromWire(json: unknown): WireResult<WireError> {
  const parsed = errorSchema.safeParse(json);
  return parsed.success ? { ok: true, value: { errorType: parsed.data.error.type } } : { ok: false, invalid: true };
}
