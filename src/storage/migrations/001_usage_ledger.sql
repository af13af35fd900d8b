-- The usage ledger: one row per proxied request, hourly and daily roll-ups maintained as rows are
-- written, the server's rate-limit headers as a time series, and (optionally) compressed bodies.

CREATE TABLE requests (
  id text PRIMARY KEY,
  upstream_request_id text,
  started_at timestamptz NOT NULL,
  domain text NOT NULL,
  account text NOT NULL,
  client_key_id text,
  method text NOT NULL,
  path text NOT NULL,
  model text,
  stream boolean NOT NULL,
  status integer NOT NULL,
  outcome text NOT NULL,
  error_type text,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cache_write_tokens bigint NOT NULL DEFAULT 0,
  cache_write_5m_tokens bigint NOT NULL DEFAULT 0,
  cache_write_1h_tokens bigint NOT NULL DEFAULT 0,
  cache_read_tokens bigint NOT NULL DEFAULT 0,
  web_search_requests integer NOT NULL DEFAULT 0,
  server_tool_use jsonb,
  service_tier text,
  inference_geo text,
  cost_usd numeric(24, 12),
  price_version text,
  ttfb_ms double precision,
  duration_ms double precision NOT NULL,
  session_id text,
  agent_id text,
  parent_agent_id text,
  request_class text,
  user_agent text,
  conversation_id text
);

CREATE INDEX requests_started_at_idx ON requests (started_at);
CREATE INDEX requests_account_started_at_idx ON requests (account, started_at);
CREATE INDEX requests_session_idx ON requests (session_id, started_at) WHERE session_id IS NOT NULL;
CREATE INDEX requests_conversation_idx ON requests (conversation_id, started_at) WHERE conversation_id IS NOT NULL;

CREATE TABLE usage_hourly (
  hour timestamptz NOT NULL,
  domain text NOT NULL,
  account text NOT NULL,
  model text NOT NULL,
  requests bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cache_write_tokens bigint NOT NULL DEFAULT 0,
  cache_write_5m_tokens bigint NOT NULL DEFAULT 0,
  cache_write_1h_tokens bigint NOT NULL DEFAULT 0,
  cache_read_tokens bigint NOT NULL DEFAULT 0,
  web_search_requests bigint NOT NULL DEFAULT 0,
  cost_usd numeric(24, 12) NOT NULL DEFAULT 0,
  unpriced_requests bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, domain, account, model)
);

CREATE TABLE usage_daily (
  day date NOT NULL,
  domain text NOT NULL,
  account text NOT NULL,
  model text NOT NULL,
  requests bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cache_write_tokens bigint NOT NULL DEFAULT 0,
  cache_write_5m_tokens bigint NOT NULL DEFAULT 0,
  cache_write_1h_tokens bigint NOT NULL DEFAULT 0,
  cache_read_tokens bigint NOT NULL DEFAULT 0,
  web_search_requests bigint NOT NULL DEFAULT 0,
  cost_usd numeric(24, 12) NOT NULL DEFAULT 0,
  unpriced_requests bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, domain, account, model)
);

CREATE TABLE rate_limit_snapshots (
  request_id text PRIMARY KEY,
  observed_at timestamptz NOT NULL,
  domain text NOT NULL,
  account text NOT NULL,
  unified_status text,
  five_hour_utilization double precision,
  five_hour_reset timestamptz,
  seven_day_utilization double precision,
  seven_day_reset timestamptz,
  headers jsonb NOT NULL
);

CREATE INDEX rate_limit_snapshots_account_idx ON rate_limit_snapshots (account, observed_at);

CREATE TABLE request_bodies (
  request_id text PRIMARY KEY,
  stored_at timestamptz NOT NULL,
  request_headers jsonb NOT NULL,
  response_headers jsonb NOT NULL,
  request_body bytea,
  response_body bytea,
  request_truncated boolean NOT NULL DEFAULT false,
  response_truncated boolean NOT NULL DEFAULT false
);

CREATE INDEX request_bodies_stored_at_idx ON request_bodies (stored_at);
