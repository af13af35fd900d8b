/** The transparent proxy for the Anthropic API (the hot path). */
export { createProxyServer, type ProxyAppDeps } from './app.js';
export { OAUTH_BETA } from './headers.js';
export type { ExchangeListener, ExchangeListenerFactory, ExchangeStart, ExchangeIdentity, ExchangeEnd } from './exchange-listener.js';
export { combineListeners } from './exchange-listener.js';
