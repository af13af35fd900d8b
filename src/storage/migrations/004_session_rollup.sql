-- Per-conversation roll-up (Claude Code session, or the conversation hash of sessionless clients),
-- per domain, account and model: the session report and the conversations list read it instead of
-- aggregating every raw request. Maintained by the same statement that inserts requests.
CREATE TABLE usage_sessions (
  conversation_id text NOT NULL,
  domain text NOT NULL,
  account text NOT NULL,
  model text NOT NULL,
  session_id text,
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  requests bigint NOT NULL,
  errors bigint NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  cache_write_5m_tokens bigint NOT NULL,
  cache_write_1h_tokens bigint NOT NULL,
  cache_read_tokens bigint NOT NULL,
  web_search_requests bigint NOT NULL,
  cost_usd numeric NOT NULL,
  unpriced_requests bigint NOT NULL,
  PRIMARY KEY (conversation_id, domain, account, model)
);

CREATE INDEX usage_sessions_last_at_idx ON usage_sessions (last_at);

INSERT INTO usage_sessions (conversation_id, domain, account, model, session_id, first_at, last_at, requests, errors,
  input_tokens, output_tokens, cache_write_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
  web_search_requests, cost_usd, unpriced_requests)
SELECT conversation_id, domain, account, coalesce(model, ''), max(session_id), min(started_at), max(started_at), count(*),
  count(*) FILTER (WHERE status >= 400 OR outcome = 'failed'),
  sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_5m_tokens),
  sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(web_search_requests), coalesce(sum(cost_usd), 0),
  count(*) FILTER (WHERE cost_usd IS NULL AND input_tokens + output_tokens + cache_write_tokens + cache_read_tokens > 0)
FROM requests WHERE conversation_id IS NOT NULL
GROUP BY conversation_id, domain, account, coalesce(model, '');
