/**
 * Requests as table rows, shared by the requests page, the rows its script adds live, and a
 * conversation's request lists: one component, so a row reads the same wherever it shows.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { RequestSummary } from '../../storage/index.js';
import { formatCount, formatDateTimeSeconds, formatMs, formatUsdText, keyLabel, shortId } from '../format.js';
import { cursorText } from '../request-query.js';

export const isErrorRequest = (request: { status: number; outcome: string }): boolean => request.status >= 400 || request.outcome === 'failed';

/** `200`, `429 rate_limit_error`, `aborted` (no status). */
export function statusText(request: { status: number; outcome: string }): string {
  return request.status === 0 ? request.outcome : request.outcome === 'completed' ? String(request.status) : `${String(request.status)} ${request.outcome}`;
}

export function RequestHead(props: { session?: boolean }): JSX.Element {
  return (
    <thead>
      <tr>
        <th scope="col">Time</th>
        <th scope="col">Model</th>
        <th scope="col">Account</th>
        <th scope="col">Status</th>
        <th scope="col" class="num">Input</th>
        <th scope="col" class="num">Output</th>
        <th scope="col" class="num">Cache write</th>
        <th scope="col" class="num">Cache read</th>
        <th scope="col" class="num">Cost</th>
        <th scope="col" class="num">Duration</th>
        {props.session === false ? null : <th scope="col">Session</th>}
      </tr>
    </thead>
  );
}

export function RequestRow(props: { request: RequestSummary; tz: string; session?: boolean }): JSX.Element {
  const { request: r, tz } = props;
  return (
    <tr data-id={r.id} data-cursor={cursorText(r.cursor)} class={isErrorRequest(r) ? 'is-error' : undefined}>
      <td>
        <a href={`/requests/${encodeURIComponent(r.id)}`}>
          <time datetime={r.startedAt.toISOString()}>{formatDateTimeSeconds(r.startedAt, tz)}</time>
        </a>
      </td>
      <td data-field="model">{keyLabel(r.model)}</td>
      <td data-field="account">
        {r.account}
        <span class="sub">{r.domain}</span>
      </td>
      <td data-field="status" title={r.errorType ?? undefined}>
        {statusText(r)}
        {r.errorType === null ? null : <span class="sub">{r.errorType}</span>}
      </td>
      <td class="num" data-field="input">{formatCount(r.inputTokens)}</td>
      <td class="num" data-field="output">{formatCount(r.outputTokens)}</td>
      <td class="num" data-field="cache-write">{formatCount(r.cacheWrite5mTokens + r.cacheWrite1hTokens)}</td>
      <td class="num" data-field="cache-read">{formatCount(r.cacheReadTokens)}</td>
      <td class="num" data-field="cost" data-value={r.costUsd ?? ''}>
        {formatUsdText(r.costUsd)}
      </td>
      <td class="num">{formatMs(r.durationMs)}</td>
      {props.session === false ? null : (
        <td data-field="session">
          {r.conversationId === null ? (
            '—'
          ) : (
            <a href={`/conversations/${encodeURIComponent(r.conversationId)}`} title={r.conversationId}>
              <code>{shortId(r.sessionId ?? r.conversationId)}</code>
            </a>
          )}
          {r.agentId === null ? null : <span class="sub" title={r.agentId}>agent {shortId(r.agentId)}</span>}
        </td>
      )}
    </tr>
  );
}

/** Rows only (the live script inserts them above the others). */
export function RequestRows(props: { requests: RequestSummary[]; tz: string }): JSX.Element {
  return (
    <>
      {props.requests.map((request) => (
        <RequestRow request={request} tz={props.tz} />
      ))}
    </>
  );
}
