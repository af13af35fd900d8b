/**
 * Conversations: Claude Code sessions (by their session id) and SDK conversations (grouped by a hash
 * of their opening messages), latest activity first, from the per-conversation roll-up. Listed by
 * their last request in the range; their figures cover the whole conversation.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { FilterOptions, SessionSummary } from '../../storage/index.js';
import { formatCompact, formatCount, formatDateTime, formatSpan, formatUsdText, shortId } from '../format.js';
import { Empty, Layout, Panel, TableScroll, type PageContext } from '../layout.js';
import { rangeSearch } from '../ranges.js';
import { cursorText, type SessionsQuery } from '../request-query.js';
import { FilterSelect, RangeControls } from './range-controls.js';

export interface ConversationsPageProps {
  page: PageContext;
  query: SessionsQuery;
  sessions: SessionSummary[];
  hasOlder: boolean;
  options: FilterOptions;
}

/** What kind of conversation an id names. */
export function conversationKind(session: { sessionId: string | null }): string {
  return session.sessionId === null ? 'SDK conversation' : 'Claude Code session';
}

export function ConversationsPage(props: ConversationsPageProps): JSX.Element {
  const { query, sessions } = props;
  const { range } = query;
  const search = rangeSearch(range, query.params);
  const oldest = sessions.at(-1);
  return (
    <Layout title="Conversations" page={props.page} section="conversations">
      <div class="page-head">
        <h1>Conversations</h1>
      </div>
      <RangeControls action="/conversations" range={range}>
        <FilterSelect name="domain" label="Domain" all="All domains" values={props.options.domains} current={query.domain} />
        <FilterSelect name="account" label="Account" all="All accounts" values={props.options.accounts} current={query.account} />
        <FilterSelect name="member" label="Member" all="All members" values={props.options.members} current={query.member} />
        <FilterSelect name="team" label="Team" all="All teams" values={props.options.teams} current={query.team} />
        <FilterSelect name="project" label="Project" all="All projects" values={props.options.projects} current={query.project} />
        {query.params.limit === undefined ? null : <input type="hidden" name="limit" value={query.params.limit} />}
      </RangeControls>
      <p class="range-note">
        Conversations whose last request falls in {formatDateTime(range.since, range.tz)} – {formatDateTime(range.until, range.tz)} ({range.tz}), latest first.
        Their requests, tokens and cost cover the whole conversation, also outside the range.
      </p>
      <Panel
        title={query.before === undefined ? 'Latest conversations' : 'Older conversations'}
        actions={
          <span class="exports">
            Export all listed:{' '}
            <a href={`/export/conversations.csv?${search}`} download data-export="csv">
              CSV
            </a>{' '}
            ·{' '}
            <a href={`/export/conversations.json?${search}`} download data-export="json">
              JSON
            </a>
          </span>
        }
      >
        {sessions.length === 0 ? (
          <Empty>No conversations in this range.</Empty>
        ) : (
          <TableScroll label="Conversations">
            <table class="data" data-conversations>
              <thead>
                <tr>
                  <th scope="col">Conversation</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Account</th>
                  <th scope="col">Models</th>
                  <th scope="col" class="num">Requests</th>
                  <th scope="col" class="num">Tokens</th>
                  <th scope="col" class="num">Cost</th>
                  <th scope="col">Last request</th>
                  <th scope="col" class="num">Span</th>
                </tr>
              </thead>
              <tbody>
                {sessions.map((session) => (
                  <tr data-conversation={session.conversationId}>
                    <td>
                      <a href={`/conversations/${encodeURIComponent(session.conversationId)}`} title={session.conversationId}>
                        <code>{shortId(session.conversationId)}</code>
                      </a>
                    </td>
                    <td>{conversationKind(session)}</td>
                    <td>
                      {session.account}
                      <span class="sub">{session.domain}</span>
                    </td>
                    <td class="wrap">{session.models.join(', ') || '—'}</td>
                    <td class="num" data-field="requests">
                      {formatCount(session.requests)}
                    </td>
                    <td class="num" data-field="tokens" data-value={String(session.totalTokens)}>
                      {formatCompact(session.totalTokens)}
                    </td>
                    <td class="num" data-field="cost" data-value={session.costUsd}>
                      {formatUsdText(session.costUsd)}
                    </td>
                    <td>
                      {formatDateTime(session.lastAt, range.tz)}
                      <span class="sub">from {formatDateTime(session.firstAt, range.tz)}</span>
                    </td>
                    <td class="num">{formatSpan(session.lastAt.getTime() - session.firstAt.getTime())}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <nav class="pager" aria-label="Pages">
          {query.before === undefined ? null : (
            <a href={`/conversations?${search}`} rel="first">
              « Latest
            </a>
          )}
          {props.hasOlder && oldest !== undefined ? (
            <a href={`/conversations?${rangeSearch(range, { ...query.params, before: cursorText(oldest.cursor) })}`} rel="next" data-page="older">
              Older ›
            </a>
          ) : null}
        </nav>
      </Panel>
    </Layout>
  );
}
