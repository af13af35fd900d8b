// Public door of the fake Anthropic API used by integration tests and the benchmark.
export { FAKE_ACCOUNT } from './authorize.js';
export { OAUTH_BETA } from './credentials.js';
export { errorBody } from './errors.js';
export {
  DEFAULT_MODEL,
  DEFAULT_TEXT,
  DEFAULT_USAGE,
  messageJson,
  messageStreamEvents,
  midstreamErrorEvents,
  type MessageOptions,
  type StreamOptions,
  usageWith,
} from './fixtures.js';
export { ORGANIZATION_ID } from './ids.js';
export { largeStreamEvents } from './large-stream.js';
export { MODELS } from './models.js';
export { DEFAULT_API_KEY, startFakeAnthropic } from './server.js';
export { formatSse } from './sse.js';
export type {
  AuthorizedCode,
  FakeAnthropic,
  FakeAnthropicOptions,
  OAuthPair,
  ReceivedRequest,
  ScriptedResponse,
  SseEvent,
  UnifiedLimits,
  Usage,
} from './types.js';
