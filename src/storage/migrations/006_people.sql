-- People and projects: members (persons) in teams, the client keys they hold (hashes only, never
-- a key), passthrough fingerprints linked to members, and on every request who and which project
-- it was for. The roll-ups gain member and project so per-person and per-project reports stay fast.

CREATE TABLE members (
  id text PRIMARY KEY,
  email text NOT NULL,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A removed member keeps the row: their past usage stays theirs, their keys are revoked.
  removed_at timestamptz
);

CREATE UNIQUE INDEX members_email_idx ON members (lower(email));

CREATE TABLE teams (
  name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE member_teams (
  member_id text NOT NULL REFERENCES members (id),
  team text NOT NULL REFERENCES teams (name),
  PRIMARY KEY (member_id, team)
);

CREATE INDEX member_teams_team_idx ON member_teams (team);

CREATE TABLE client_keys (
  id text PRIMARY KEY,
  domain text NOT NULL,
  member_id text NOT NULL REFERENCES members (id),
  -- SHA-256 of the key: keys are 240 random bits, so a plain hash cannot be reversed or guessed.
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  last4 text NOT NULL,
  label text,
  expires_at timestamptz,
  allowed_models text[],
  -- A gateway key (another gateway in front) may name the member per request in identity headers.
  gateway boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz,
  -- Proxies poll for keys changed since their last look (revocations reach every instance).
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX client_keys_updated_at_idx ON client_keys (updated_at);
CREATE INDEX client_keys_member_idx ON client_keys (member_id);

-- A passthrough client's own credential, known by its account fingerprint, linked to a member.
CREATE TABLE member_fingerprints (
  fingerprint text PRIMARY KEY,
  member_id text NOT NULL REFERENCES members (id),
  linked_at timestamptz NOT NULL DEFAULT now()
);

-- Per-installation values shared by every instance (the salt of presented-key fingerprints).
CREATE TABLE installation (
  name text PRIMARY KEY,
  value text NOT NULL
);

ALTER TABLE requests ADD COLUMN member_id text, ADD COLUMN teams text[], ADD COLUMN project text, ADD COLUMN branch text;

CREATE INDEX requests_member_idx ON requests (member_id, started_at) WHERE member_id IS NOT NULL;
CREATE INDEX requests_project_idx ON requests (project, started_at) WHERE project IS NOT NULL;

-- Per hour × domain × account × model × member × project: what the people and projects views read
-- (filters and breakdowns by member, team or project). The other roll-ups keep their keys, so reports
-- that do not ask for people read no more rows than before. '' stands for no member or project.
CREATE TABLE usage_people_hourly (
  hour timestamptz NOT NULL,
  domain text NOT NULL,
  account text NOT NULL,
  model text NOT NULL,
  member_id text NOT NULL,
  project text NOT NULL,
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
  PRIMARY KEY (hour, domain, account, model, member_id, project)
);

CREATE INDEX usage_people_hourly_member_idx ON usage_people_hourly (member_id, hour) WHERE member_id <> '';
CREATE INDEX usage_people_hourly_project_idx ON usage_people_hourly (project, hour) WHERE project <> '';

ALTER TABLE usage_sessions ADD COLUMN member_id text, ADD COLUMN project text, ADD COLUMN branch text;
