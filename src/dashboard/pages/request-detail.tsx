/**
 * One request: tokens by kind, cost and price version, timing, status, the session and agent it
 * belongs to, its headers (credentials were removed before storing, and are dropped again here),
 * and its bodies rendered as messages with the raw text beside them (capped; the whole body is a
 * download).
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { RequestDetail, StoredBodies } from '../../storage/index.js';
import { formatBytes, formatCount, formatDateTimeSeconds, formatMs, formatUsdText, keyLabel } from '../format.js';
import { Layout, Panel, TableScroll, type PageContext } from '../layout.js';
import type { RequestView, ResponseView, Unreadable } from '../message-view.js';
import { Blocks, Messages } from './message-blocks.js';
import { isErrorRequest, statusText } from './request-rows.js';

/** Characters of a raw body shown in the page; the download has all of it. */
export const RAW_CHARS = 200_000;

/** Never shown, even if a header slipped into storage: the credentials a client or server sends. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'set-cookie']);

export interface RequestDetailProps {
  page: PageContext;
  request: RequestDetail;
  bodies: StoredBodies | null;
  requestView: RequestView | Unreadable | null;
  responseView: ResponseView | Unreadable | null;
}

export function RequestDetailPage(props: RequestDetailProps): JSX.Element {
  const { request: r, bodies } = props;
  const tz = props.page.tz;
  return (
    <Layout title={`Request ${r.id}`} page={props.page} section="requests">
      <div class="page-head">
        <h1>
          Request <code>{r.id}</code>
        </h1>
        <span class={`status-badge${isErrorRequest(r) ? ' is-error' : ''}`} data-field="status">
          {statusText(r)}
        </span>
      </div>
      <p class="range-note">
        <a href="/requests">All requests</a>
        {r.conversationId === null ? null : (
          <>
            {' · '}
            <a href={`/conversations/${encodeURIComponent(r.conversationId)}`}>its conversation</a>
          </>
        )}
      </p>
      <div class="detail-grid">
        <Panel title="Request">
          <dl class="facts" data-facts="request">
            <Fact label="Started" value={`${formatDateTimeSeconds(r.startedAt, tz)} (${tz})`} name="started" />
            <Fact label="Domain" value={r.domain} name="domain" />
            <Fact label="Account" value={r.account} name="account" />
            <Fact label="Client key" value={r.clientKeyId ?? '—'} name="client-key" />
            <Fact label="Endpoint" value={`${r.method} ${r.path}`} name="endpoint" />
            <Fact label="Model" value={keyLabel(r.model)} name="model" />
            <Fact label="Streamed" value={r.stream ? 'yes' : 'no'} name="stream" />
            <Fact label="Status" value={`${r.status === 0 ? 'none' : String(r.status)} · ${r.outcome}`} name="status" />
            <Fact label="Error type" value={r.errorType ?? '—'} name="error-type" />
            <Fact label="Upstream request id" value={r.upstreamRequestId ?? '—'} name="upstream-id" />
            <Fact label="Service tier · geo" value={`${r.serviceTier ?? '—'} · ${r.inferenceGeo ?? '—'}`} name="tier" />
            <Fact label="User agent" value={r.userAgent ?? '—'} name="user-agent" />
          </dl>
        </Panel>
        <Panel title="Tokens and cost">
          <TableScroll label="Tokens by kind">
            <table class="data" data-tokens>
              <tbody>
                <TokenRow label="Input" name="input" value={r.inputTokens} />
                <TokenRow label="Output" name="output" value={r.outputTokens} />
                <TokenRow label="Cache write, 5 min" name="cache-write-5m" value={r.cacheWrite5mTokens} />
                <TokenRow label="Cache write, 1 hour" name="cache-write-1h" value={r.cacheWrite1hTokens} />
                <TokenRow label="Cache read" name="cache-read" value={r.cacheReadTokens} />
                <TokenRow label="Total" name="total" value={r.inputTokens + r.outputTokens + r.cacheWriteTokens + r.cacheReadTokens} />
                {r.webSearchRequests > 0 ? <TokenRow label="Web searches" name="web-search" value={r.webSearchRequests} /> : null}
              </tbody>
            </table>
          </TableScroll>
          <dl class="facts">
            <div>
              <dt>Cost</dt>
              <dd data-field="cost" data-value={r.costUsd ?? ''}>
                {formatUsdText(r.costUsd)}
                {r.costUsd === null ? ' (no price for this model)' : ''}
              </dd>
            </div>
            <Fact label="Price version" value={r.priceVersion ?? '—'} name="price-version" />
            <Fact label="Time to first byte" value={formatMs(r.ttfbMs)} name="ttfb" />
            <Fact label="Duration" value={formatMs(r.durationMs)} name="duration" />
          </dl>
        </Panel>
        <Panel title="Session">
          <dl class="facts" data-facts="session">
            <div>
              <dt>Conversation</dt>
              <dd data-field="conversation">
                {r.conversationId === null ? '—' : <a href={`/conversations/${encodeURIComponent(r.conversationId)}`}>{r.conversationId}</a>}
              </dd>
            </div>
            <Fact label="Claude Code session id" value={r.sessionId ?? '—'} name="session" />
            <Fact label="Agent id" value={r.agentId ?? '— (main thread)'} name="agent" />
            <Fact label="Parent agent id" value={r.parentAgentId ?? '—'} name="parent-agent" />
            <Fact label="Request class" value={r.requestClass ?? '—'} name="request-class" />
            <Fact label="Member" value={r.member ?? '— (no member)'} name="member" />
            <Fact label="Project · branch" value={`${r.project ?? '—'} · ${r.branch ?? '—'}`} name="project" />
          </dl>
        </Panel>
      </div>
      {bodies === null ? (
        <Panel title="Bodies">
          <p class="empty">No bodies were stored for this request (STORE_BODIES off, not a /v1/messages call, or pruned).</p>
        </Panel>
      ) : (
        <>
          <RequestBody id={r.id} bodies={bodies} view={props.requestView} />
          <ResponseBody id={r.id} bodies={bodies} view={props.responseView} />
        </>
      )}
    </Layout>
  );
}

function Fact(props: { label: string; value: string; name: string }): JSX.Element {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd data-field={props.name}>{props.value}</dd>
    </div>
  );
}

function TokenRow(props: { label: string; name: string; value: number }): JSX.Element {
  return (
    <tr data-kind={props.name}>
      <th scope="row">{props.label}</th>
      <td class="num" data-value={String(props.value)}>
        {formatCount(props.value)}
      </td>
    </tr>
  );
}

function RequestBody(props: { id: string; bodies: StoredBodies; view: RequestView | Unreadable | null }): JSX.Element {
  const { bodies, view } = props;
  return (
    <Panel title="Request body" id="request-body" actions={<BodyActions id={props.id} part="request" text={bodies.request} />}>
      {bodies.requestTruncated ? <p class="clipped">The stored body was cut short (bodies are kept up to 8 MiB).</p> : null}
      {view === null ? <p class="empty">No request body.</p> : 'unreadable' in view ? <p class="clipped">{view.unreadable}</p> : <RequestMessages view={view} />}
      <Headers title="Request headers" headers={bodies.requestHeaders} name="request" />
      <Raw text={bodies.request} label="Raw request" />
    </Panel>
  );
}

function RequestMessages(props: { view: RequestView }): JSX.Element {
  const { view } = props;
  return (
    <div data-rendered="request">
      {view.params.length === 0 && view.model === null ? null : (
        <p class="params">
          {view.model === null ? null : <code>model: {view.model}</code>}
          {view.params.map(([name, value]) => (
            <code>
              {name}: {value}
            </code>
          ))}
        </p>
      )}
      {view.system.length === 0 ? null : (
        <details class="system" open data-system>
          <summary>System prompt</summary>
          <Blocks blocks={view.system} />
        </details>
      )}
      {view.tools.length === 0 ? null : (
        <details class="tools" data-tools>
          <summary>
            {formatCount(view.tools.length + view.toolsOmitted)} tools{view.toolsOmitted > 0 ? ` (the first ${formatCount(view.tools.length)} listed)` : ''}
          </summary>
          <ul>
            {view.tools.map((tool) => (
              <li>
                <code>{tool.name}</code> {tool.description}
              </li>
            ))}
          </ul>
        </details>
      )}
      {view.messagesOmitted > 0 ? (
        <p class="clipped">The first {formatCount(view.messagesOmitted)} messages are not shown here (see the raw body); the last {formatCount(view.messages.length)} follow.</p>
      ) : null}
      <Messages messages={view.messages} />
      {view.clipped ? <p class="clipped">Some long blocks were cut to keep this page readable; the raw body has everything.</p> : null}
    </div>
  );
}

function ResponseBody(props: { id: string; bodies: StoredBodies; view: ResponseView | Unreadable | null }): JSX.Element {
  const { bodies, view } = props;
  return (
    <Panel title="Response body" id="response-body" actions={<BodyActions id={props.id} part="response" text={bodies.response} />}>
      {bodies.responseTruncated ? <p class="clipped">The stored body was cut short (bodies are kept up to 8 MiB).</p> : null}
      {view === null ? <p class="empty">No response body.</p> : 'unreadable' in view ? <p class="clipped">{view.unreadable}</p> : <ResponseMessage view={view} />}
      <Headers title="Response headers" headers={bodies.responseHeaders} name="response" />
      <Raw text={bodies.response} label="Raw response" />
    </Panel>
  );
}

function ResponseMessage(props: { view: ResponseView }): JSX.Element {
  const { view } = props;
  return (
    <div data-rendered="response">
      {view.stream === null ? null : (
        <p class="muted" data-stream>
          Assembled from a stream of {formatCount(view.stream.events)} events{view.stream.complete ? '' : ' that ended before message_stop'}.
        </p>
      )}
      {view.error === null ? null : (
        <p class="form-error" data-error>
          {view.error.type}: {view.error.message}
        </p>
      )}
      {view.message === null ? null : (
        <>
          <p class="params">
            {view.message.id === null ? null : <code>id: {view.message.id}</code>}
            {view.message.stopReason === null ? null : <code>stop_reason: {view.message.stopReason}</code>}
            {view.message.usage.map(([name, value]) => (
              <code>
                {name}: {value}
              </code>
            ))}
          </p>
          <Messages messages={[{ index: 0, role: view.message.role, blocks: view.message.blocks }]} />
        </>
      )}
      {view.clipped ? <p class="clipped">Some long blocks were cut to keep this page readable; the raw body has everything.</p> : null}
    </div>
  );
}

function BodyActions(props: { id: string; part: 'request' | 'response'; text: string | null }): JSX.Element | null {
  if (props.text === null) return null;
  return (
    <a href={`/requests/${encodeURIComponent(props.id)}/${props.part}-body`} download>
      Download ({formatBytes(Buffer.byteLength(props.text))})
    </a>
  );
}

function Headers(props: { title: string; headers: Record<string, string | string[]>; name: string }): JSX.Element {
  const entries = Object.entries(props.headers)
    .filter(([name]) => !SECRET_HEADERS.has(name.toLowerCase()))
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <details class="headers" data-headers={props.name}>
      <summary>
        {props.title} ({formatCount(entries.length)}; credentials removed)
      </summary>
      <TableScroll label={props.title}>
        <table class="data">
          <tbody>
            {entries.map(([name, value]) => (
              <tr>
                <th scope="row">
                  <code>{name}</code>
                </th>
                <td>
                  <code>{Array.isArray(value) ? value.join('\n') : value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </details>
  );
}

function Raw(props: { text: string | null; label: string }): JSX.Element | null {
  if (props.text === null) return null;
  const shown = props.text.length > RAW_CHARS ? props.text.slice(0, RAW_CHARS) : props.text;
  return (
    <details class="raw" data-raw>
      <summary>{props.label}</summary>
      <pre class="json">{pretty(shown, props.text.length > RAW_CHARS)}</pre>
      {props.text.length > RAW_CHARS ? <p class="clipped">The first {formatCount(RAW_CHARS)} of {formatCount(props.text.length)} characters; download the body for the rest.</p> : null}
    </details>
  );
}

/** JSON laid out with indents when it parses whole; anything else (a stream, a cut body) as stored. */
function pretty(text: string, cut: boolean): string {
  if (cut) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
