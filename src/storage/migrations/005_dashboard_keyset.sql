-- Keyset pagination for the dashboard. The requests page reads newest first by (started_at, id),
-- ties broken by id, straight off one index in either direction; it replaces the index on
-- started_at alone (a prefix of it), so each written row still maintains one time index.
CREATE INDEX requests_started_at_id_idx ON requests (started_at, id);
DROP INDEX requests_started_at_idx;

-- Requests that did not end in 200 (a few percent): the requests page filtered by one status code
-- (429, 529, 0 …) finds and counts them without reading every request of the range, and with the
-- other filters' columns included, counts them from the index alone.
CREATE INDEX requests_status_idx ON requests (status, started_at) INCLUDE (model, account, domain) WHERE status <> 200;

-- The conversations page walks usage_sessions newest first by (last_at, conversation_id).
CREATE INDEX usage_sessions_last_at_id_idx ON usage_sessions (last_at, conversation_id);
DROP INDEX usage_sessions_last_at_idx;
