#!/usr/bin/env bash
# Run by `npm test` before the tests: brings what they drive on a machine of this project's kind, so
# the README's test command alone passes on a fresh one. Each step is skipped when already done.
#  - Debian's Chromium (never a browser downloaded by playwright), shellcheck, docker-compose (the
#    compose file's check; no Docker engine needed), jq and tmux (the live monitor's terminal test);
#  - the local PostgreSQL cluster started, with password auth for user postgres (the tests' default
#    TEST_DATABASE_URL), unless TEST_DATABASE_URL names another server.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
for tool in shellcheck docker-compose jq tmux; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian packages the tests drive)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -z "${TEST_DATABASE_URL:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 { print $1 " " $2 " " $4 }')
  if [ -n "$cluster" ]; then
    read -r version name status <<<"$cluster"
    if [ "$status" != "online" ]; then
      echo "== starting PostgreSQL $version/$name"
      as_root pg_ctlcluster "$version" "$name" start
    fi
    for _ in $(seq 1 30); do
      pg_isready -h 127.0.0.1 -p 5432 -q && break
      sleep 1
    done
    as_root runuser -u postgres -- psql -q -c "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null
  fi
fi
