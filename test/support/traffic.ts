/** Steady, concurrent /v1/messages traffic through a proxy (half streaming), counting every answer and every failure. */
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { send, type RawResponse } from './http.js';

/** One passthrough request with the fake's key; `stream` picks SSE or JSON. */
export function sendMessage(baseUrl: string, stream: boolean, text = 'hi'): Promise<RawResponse> {
  return send(baseUrl, {
    method: 'POST',
    path: '/v1/messages',
    headers: { host: 'localhost', 'x-api-key': DEFAULT_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, stream, messages: [{ role: 'user', content: text }] }),
  });
}

export interface TrafficOptions {
  url: string;
  total: number;
  concurrency: number;
  /** Pause of each worker between two requests, to spread the traffic over time. */
  pauseMs: number;
}

export interface Traffic {
  /** Every answer received so far, in arrival order. */
  answers: RawResponse[];
  /** Requests that got no answer (socket errors, timeouts). */
  failures: unknown[];
  /** Settles once all `total` requests are answered or failed. */
  done: Promise<void>;
}

/** Starts `total` requests over `concurrency` workers; request i streams when i is even. */
export function startTraffic({ url, total, concurrency, pauseMs }: TrafficOptions): Traffic {
  const answers: RawResponse[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      try {
        answers.push(await sendMessage(url, index % 2 === 0, `request ${index}`));
      } catch (error) {
        failures.push(error);
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);
  return { answers, failures, done };
}
