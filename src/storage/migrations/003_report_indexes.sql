-- Indexes for the `nexus` usage reports: the 5-hour reset times per account are read with a skip
-- scan over this index (one probe per distinct reset, however many snapshots repeat it).

CREATE INDEX rate_limit_snapshots_five_hour_reset_idx ON rate_limit_snapshots (account, five_hour_reset) WHERE five_hour_reset IS NOT NULL;
