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

-- Roll-ups keyed by member and project too ('' for none, as model): reports filter and break down
-- by them without reading raw requests. Every query already sums over the rows it groups.
ALTER TABLE usage_hourly ADD COLUMN member_id text NOT NULL DEFAULT '', ADD COLUMN project text NOT NULL DEFAULT '';
ALTER TABLE usage_hourly DROP CONSTRAINT usage_hourly_pkey;
ALTER TABLE usage_hourly ADD PRIMARY KEY (hour, domain, account, model, member_id, project);
ALTER TABLE usage_daily ADD COLUMN member_id text NOT NULL DEFAULT '', ADD COLUMN project text NOT NULL DEFAULT '';
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_pkey;
ALTER TABLE usage_daily ADD PRIMARY KEY (day, domain, account, model, member_id, project);

CREATE INDEX usage_hourly_member_idx ON usage_hourly (member_id, hour) WHERE member_id <> '';
CREATE INDEX usage_hourly_project_idx ON usage_hourly (project, hour) WHERE project <> '';

ALTER TABLE usage_sessions ADD COLUMN member_id text, ADD COLUMN project text, ADD COLUMN branch text;
