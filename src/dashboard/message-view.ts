/**
 * Stored Messages API bodies turned into what the request page shows: the request's system prompt,
 * tools and messages (roles; text, tool calls with their input, tool results, thinking; images and
 * documents as a placeholder naming their type and size, never their data), and the response as
 * its final message (a stream is assembled first). Pure, and capped: a body can be megabytes, so
 * only the last messages and so many characters are shown, and the view says what it left out.
 */
import { assembleStream } from './sse-message.js';

export interface RenderLimits {
  /** Characters of one text, thinking or JSON block. */
  blockChars: number;
  /** Characters over the whole body. */
  totalChars: number;
  /** Messages shown (the last ones). */
  messages: number;
  /** Tools listed. */
  tools: number;
}

export const RENDER_LIMITS: RenderLimits = { blockChars: 20_000, totalChars: 400_000, messages: 100, tools: 100 };

/** A text shown in part: `cut` characters were left out. */
export interface Clipped {
  text: string;
  cut: number;
}

export type BlockView =
  | { kind: 'text'; text: Clipped }
  | { kind: 'thinking'; text: Clipped; redacted: boolean }
  | { kind: 'tool_use'; type: string; id: string; name: string; input: Clipped }
  | { kind: 'tool_result'; type: string; toolUseId: string; isError: boolean; content: BlockView[] }
  | { kind: 'media'; type: string; mediaType: string; bytes: number | null; source: string; title: string | null }
  | { kind: 'other'; type: string; json: Clipped };

export interface MessageView {
  /** Position in the request's messages (0-based). */
  index: number;
  role: string;
  blocks: BlockView[];
}

/** A body that cannot be rendered, and why (the raw view still shows it). */
export interface Unreadable {
  unreadable: string;
}

export interface RequestView {
  model: string | null;
  /** Other top-level parameters worth seeing (max_tokens, stream, temperature, thinking, tool_choice…). */
  params: [name: string, value: string][];
  system: BlockView[];
  tools: { name: string; description: string }[];
  toolsOmitted: number;
  messages: MessageView[];
  /** Messages before the first one shown. */
  messagesOmitted: number;
  /** Something was cut to stay within the limits. */
  clipped: boolean;
}

export interface ResponseView {
  /** From a stream: its events, and whether it reached message_stop. */
  stream: { events: number; complete: boolean } | null;
  message: { id: string | null; model: string | null; role: string; stopReason: string | null; blocks: BlockView[]; usage: [string, string][] } | null;
  error: { type: string; message: string } | null;
  clipped: boolean;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Characters left to show over one body; `clipped` once anything was cut. */
class Budget {
  clipped = false;
  constructor(
    private left: number,
    readonly limits: RenderLimits,
  ) {}

  clip(text: string): Clipped {
    const room = Math.max(Math.min(this.limits.blockChars, this.left), 0);
    if (text.length <= room) {
      this.left -= text.length;
      return { text, cut: 0 };
    }
    this.clipped = true;
    this.left -= room;
    return { text: text.slice(0, room), cut: text.length - room };
  }
}

/** Parameters shown beside the messages; anything else is in the raw view. */
const PARAMS = ['max_tokens', 'stream', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'thinking', 'tool_choice', 'service_tier', 'metadata'];

/**
 * The request body as a view, or why it cannot be shown (not JSON, cut short).
 * @example requestViewOf('{"model":"claude-opus-4-5","messages":[{"role":"user","content":"hi"}]}')
 */
export function requestViewOf(text: string, limits: RenderLimits = RENDER_LIMITS): RequestView | Unreadable {
  const body = parseJson(text);
  if (!isObject(body)) return { unreadable: 'The request body is not a JSON object (it may have been cut short when stored).' };
  const budget = new Budget(limits.totalChars, limits);
  const allMessages = Array.isArray(body.messages) ? body.messages : [];
  const first = Math.max(allMessages.length - limits.messages, 0);
  const system = typeof body.system === 'string' ? [{ kind: 'text' as const, text: budget.clip(body.system) }] : blocksOf(body.system, budget);
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObject) : [];
  return {
    model: typeof body.model === 'string' ? body.model : null,
    params: PARAMS.filter((name) => body[name] !== undefined).map((name) => [name, typeof body[name] === 'string' ? body[name] : JSON.stringify(body[name])]),
    system,
    tools: tools.slice(0, limits.tools).map((tool) => ({ name: str(tool.name) || str(tool.type), description: budget.clip(str(tool.description).split('\n')[0] ?? '').text })),
    toolsOmitted: Math.max(tools.length - limits.tools, 0),
    messages: allMessages.slice(first).map((message: unknown, i) => {
      const m = isObject(message) ? message : {};
      return { index: first + i, role: str(m.role) || '?', blocks: typeof m.content === 'string' ? [{ kind: 'text', text: budget.clip(m.content) }] : blocksOf(m.content, budget) };
    }),
    messagesOmitted: first,
    clipped: budget.clipped,
  };
}

/**
 * The response body as a view: a Message, an error, or a stream assembled into its message.
 * `contentType` is the stored response's; a body starting with `event:` is taken as a stream anyway.
 */
export function responseViewOf(text: string, contentType: string | null, limits: RenderLimits = RENDER_LIMITS): ResponseView | Unreadable {
  const budget = new Budget(limits.totalChars, limits);
  const isStream = (contentType ?? '').includes('text/event-stream') || /^\s*(event|data):/.test(text);
  let body: unknown;
  let stream: ResponseView['stream'] = null;
  let error: ResponseView['error'] = null;
  if (isStream) {
    const assembled = assembleStream(text);
    stream = { events: assembled.events, complete: assembled.complete };
    body = assembled.message;
    error = assembled.error;
  } else {
    body = parseJson(text);
    if (!isObject(body)) return { unreadable: 'The response body is not JSON (it may have been cut short when stored).' };
    if (body.type === 'error' && isObject(body.error)) error = { type: str(body.error.type), message: str(body.error.message) };
  }
  const message = isObject(body) && body.type !== 'error' ? body : null;
  return {
    stream,
    message:
      message === null
        ? null
        : {
            id: typeof message.id === 'string' ? message.id : null,
            model: typeof message.model === 'string' ? message.model : null,
            role: str(message.role) || 'assistant',
            stopReason: typeof message.stop_reason === 'string' ? message.stop_reason : null,
            blocks: blocksOf(message.content, budget),
            usage: isObject(message.usage) ? Object.entries(message.usage).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]) : [],
          },
    error,
    clipped: budget.clipped,
  };
}

function blocksOf(content: unknown, budget: Budget): BlockView[] {
  if (typeof content === 'string') return [{ kind: 'text', text: budget.clip(content) }];
  if (!Array.isArray(content)) return [];
  return content.map((block: unknown) => blockOf(block, budget));
}

function blockOf(block: unknown, budget: Budget): BlockView {
  if (!isObject(block)) return { kind: 'other', type: typeof block, json: budget.clip(pretty(block)) };
  const type = str(block.type);
  switch (type) {
    case 'text':
      return { kind: 'text', text: budget.clip(str(block.text)) };
    case 'thinking':
      return { kind: 'thinking', text: budget.clip(str(block.thinking)), redacted: false };
    case 'redacted_thinking':
      return { kind: 'thinking', text: { text: '', cut: 0 }, redacted: true };
    case 'image':
    case 'document':
      return mediaOf(type, block);
    default:
      break;
  }
  if (type === 'tool_use' || type === 'server_tool_use' || type === 'mcp_tool_use') {
    return { kind: 'tool_use', type, id: str(block.id), name: str(block.name), input: budget.clip(typeof block.input === 'string' ? block.input : pretty(block.input)) };
  }
  if (type.endsWith('tool_result')) {
    return { kind: 'tool_result', type, toolUseId: str(block.tool_use_id), isError: block.is_error === true, content: blocksOf(block.content, budget) };
  }
  return { kind: 'other', type: type || 'unknown', json: budget.clip(pretty(withoutData(block))) };
}

/** An image or document: its media type and size, never its bytes. */
function mediaOf(type: string, block: Json): BlockView {
  const source = isObject(block.source) ? block.source : {};
  const sourceType = str(source.type);
  const data = str(source.data);
  const mediaType = str(source.media_type) || (sourceType === 'text' ? 'text/plain' : 'unknown');
  let described = sourceType || 'unknown source';
  if (sourceType === 'url') described = `url ${str(source.url)}`;
  if (sourceType === 'file') described = `file ${str(source.file_id)}`;
  return {
    kind: 'media',
    type,
    mediaType,
    bytes: sourceType === 'base64' ? base64Bytes(data) : sourceType === 'text' ? Buffer.byteLength(data) : null,
    source: described,
    title: typeof block.title === 'string' ? block.title : null,
  };
}

/** Decoded size of base64 text (padding taken off). */
function base64Bytes(data: string): number {
  const clean = data.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(Math.floor((clean.length * 3) / 4) - padding, 0);
}

/** A block of an unknown type, with any inline `data` replaced by its size. */
function withoutData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutData);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === 'data' && typeof item === 'string' && item.length > 200 ? `[${String(item.length)} characters of data]` : withoutData(item)]),
  );
}

function pretty(value: unknown): string {
  // JSON.stringify gives undefined for undefined (and functions), whatever its declared type says.
  const json = JSON.stringify(value, null, 2) as string | undefined;
  return json ?? 'undefined';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
