/**
 * One conversation: its totals (whole conversation, per model), then the main thread's requests in
 * order with each subagent nested under the agent that started it, each with its own requests,
 * tokens, cost and first → last span. Every request links to its detail.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { RequestSummary, SessionDetail } from '../../storage/index.js';
import type { AgentNode } from '../agent-tree.js';
import { subagentCount } from '../agent-tree.js';
import { formatCompact, formatCount, formatDateTime, formatSpan, formatUsdText, keyLabel } from '../format.js';
import { Layout, Panel, Stat, TableScroll, type PageContext } from '../layout.js';
import { conversationKind } from './conversations.js';
import { RequestHead, RequestRow } from './request-rows.js';

export interface ConversationDetailProps {
  page: PageContext;
  detail: SessionDetail;
  tree: AgentNode<RequestSummary>;
  /** Requests left out of the lists (a very long conversation). */
  requestsOmitted: number;
}

export function ConversationDetailPage(props: ConversationDetailProps): JSX.Element {
  const { detail, tree } = props;
  const { summary } = detail;
  const tz = props.page.tz;
  const id = summary.conversationId;
  const exportSearch = new URLSearchParams({ id }).toString();
  return (
    <Layout title={`Conversation ${id}`} page={props.page} section="conversations">
      <div class="page-head">
        <h1>
          {conversationKind(summary)} <code>{id}</code>
        </h1>
      </div>
      <p class="range-note">
        <a href="/conversations">All conversations</a> · {summary.account} on {summary.domain} · {formatDateTime(summary.firstAt, tz)} → {formatDateTime(summary.lastAt, tz)} ({tz})
      </p>
      <section class="stats" aria-label="Conversation totals" data-conversation-totals={id}>
        <Stat label="Cost" name="costUsd" value={summary.costUsd} text={formatUsdText(summary.costUsd)} {...(summary.unpricedRequests > 0 ? { hint: `${formatCount(summary.unpricedRequests)} unpriced requests not included` } : {})} />
        <Stat label="Tokens" name="totalTokens" value={String(summary.totalTokens)} text={formatCompact(summary.totalTokens)} hint={`${formatCount(summary.inputTokens)} in · ${formatCount(summary.outputTokens)} out · ${formatCount(summary.cacheWriteTokens)} cache write · ${formatCount(summary.cacheReadTokens)} cache read`} />
        <Stat label="Requests" name="requests" value={String(summary.requests)} text={formatCount(summary.requests)} hint={`${formatCount(summary.errors)} failed`} />
        <Stat label="Duration" name="duration" value={String(summary.lastAt.getTime() - summary.firstAt.getTime())} text={formatSpan(summary.lastAt.getTime() - summary.firstAt.getTime())} hint="first request → last request" />
        <Stat label="Subagents" name="subagents" value={String(subagentCount(tree))} text={formatCount(subagentCount(tree))} />
      </section>
      <Panel title="By model">
        <TableScroll label="Usage by model">
          <table class="data" data-by-model>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="num">Requests</th>
                <th scope="col" class="num">Input</th>
                <th scope="col" class="num">Output</th>
                <th scope="col" class="num">Cache write</th>
                <th scope="col" class="num">Cache read</th>
                <th scope="col" class="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {detail.byModel.map((row) => (
                <tr data-model={row.model ?? ''}>
                  <td>{keyLabel(row.model)}</td>
                  <td class="num">{formatCount(row.requests)}</td>
                  <td class="num">{formatCount(row.inputTokens)}</td>
                  <td class="num">{formatCount(row.outputTokens)}</td>
                  <td class="num">{formatCount(row.cacheWriteTokens)}</td>
                  <td class="num">{formatCount(row.cacheReadTokens)}</td>
                  <td class="num" data-value={row.costUsd}>
                    {formatUsdText(row.costUsd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Panel>
      <Panel
        title="Requests by agent"
        actions={
          <span class="exports">
            Export requests:{' '}
            <a href={`/export/conversation.csv?${exportSearch}`} download data-export="csv">
              CSV
            </a>{' '}
            ·{' '}
            <a href={`/export/conversation.json?${exportSearch}`} download data-export="json">
              JSON
            </a>
          </span>
        }
      >
        {props.requestsOmitted > 0 ? <p class="clipped">The last {formatCount(props.requestsOmitted)} requests are not listed (the totals include them).</p> : null}
        <AgentSection node={tree} tz={tz} />
      </Panel>
    </Layout>
  );
}

function AgentSection(props: { node: AgentNode<RequestSummary>; tz: string }): JSX.Element {
  const { node, tz } = props;
  const usage = node.usage;
  const span = usage.lastAt.getTime() - usage.firstAt.getTime();
  return (
    <section class={node.agentId === null ? 'agent agent-main' : 'agent'} data-agent={node.agentId ?? 'main'}>
      <header class="agent-head">
        <h3>{node.agentId === null ? 'Main thread' : <>Subagent <code>{node.agentId}</code></>}</h3>
        <span class="agent-figures" data-agent-figures>
          <span data-field="requests">
            {formatCount(usage.requests)} {usage.requests === 1 ? 'request' : 'requests'}
          </span> · <span data-field="tokens" data-value={String(usage.totalTokens)}>{formatCompact(usage.totalTokens)} tokens</span> ·{' '}
          <span data-field="cost" data-value={usage.costUsd}>
            {formatUsdText(usage.costUsd)}
          </span>{' '}
          · {formatDateTime(usage.firstAt, tz)} → {formatDateTime(usage.lastAt, tz)} ({formatSpan(span)})
        </span>
      </header>
      {node.requests.length === 0 ? null : (
        <TableScroll label={node.agentId === null ? 'Main thread requests' : `Requests of subagent ${node.agentId}`}>
          <table class="data requests">
            <RequestHead session={false} />
            <tbody>
              {node.requests.map((request) => (
                <RequestRow request={request} tz={tz} session={false} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {node.children.length === 0 ? null : (
        <div class="agent-children">
          {node.children.map((child) => (
            <AgentSection node={child} tz={tz} />
          ))}
        </div>
      )}
    </section>
  );
}
