#!/usr/bin/env bash
# Docker Compose for Claude Nexus, from any directory, always with the same project name and the
# project's .env:   ./docker-up.sh up -d | ps | logs proxy | exec claude-cli ccusage daily | down
# Every argument goes to compose as given. For exec and run it also adds -T when stdin is not a
# terminal (so pipes and redirects work) and passes DEBUG into the container when it is set.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=claude-nexus
compose_file=$root/docker/docker-compose.yml
env_file=$root/.env
client_credentials=$root/client-setup/.credentials.json
# The users the containers run as: the nexus image's `node` (1000) and the claude-cli image's
# `claude` (build argument CLAUDE_UID, default 1001).
nexus_uid=1000

warn() { printf 'docker-up.sh: %s\n' "$*" >&2; }

# CLAUDE_UID from the environment, else from .env, else 1001 (as the compose file resolves it).
claude_uid() {
  local value=${CLAUDE_UID:-}
  if [[ -z $value && -f $env_file ]]; then
    value=$(sed -n 's/^CLAUDE_UID=\([0-9]*\).*/\1/p' "$env_file" | tail -n 1)
  fi
  printf '%s' "${value:-1001}"
}

# True when a container user (uid $1, with a group of the same id) may access $2 as $3 (r or w).
allowed() {
  local uid=$1 file=$2 how=$3 owner group mode bit
  read -r owner group mode < <(stat -c '%u %g %a' "$file")
  mode=$((8#$mode))
  [[ $how == r ]] && bit=4 || bit=2
  if ((owner == uid)); then ((mode & (bit << 6))); elif ((group == uid)); then ((mode & (bit << 3))); else ((mode & bit)); fi
}

check_env_file() {
  if [[ ! -f $env_file ]]; then
    warn "no .env in $root: run 'cp .env.example .env', then set DASHBOARD_API_KEY and POSTGRES_PASSWORD (openssl rand -hex 32)."
  elif grep -Eq '^(DASHBOARD_API_KEY|POSTGRES_PASSWORD)=replace-' "$env_file"; then
    warn ".env still has an example secret: set DASHBOARD_API_KEY and POSTGRES_PASSWORD (openssl rand -hex 32)."
  fi
}

# Bind mounts keep the host's owners: on Linux, say when a container user cannot use its files.
check_mounts() {
  local uid file
  uid=$(claude_uid)
  if [[ ! -f $client_credentials ]]; then
    warn "no client-setup/.credentials.json: claude in the claude-cli container has no credential (see docker/claude-cli/README.md)."
  elif [[ $(uname -s) == Linux ]] && ! allowed "$uid" "$client_credentials" r; then
    warn "the claude-cli container (uid $uid) cannot read client-setup/.credentials.json: set CLAUDE_UID=$(id -u) in .env and rebuild (./docker-up.sh build claude-cli), or run 'sudo chown $uid client-setup/.credentials.json'."
  fi
  [[ $(uname -s) == Linux ]] || return 0
  if [[ -z ${CLAUDE_WORKSPACE:-} && -d $root/workspace ]] && ! allowed "$uid" "$root/workspace" w; then
    warn "the claude-cli container (uid $uid) cannot write to workspace/: set CLAUDE_UID=$(id -u) in .env and rebuild (./docker-up.sh build claude-cli)."
  fi
  for file in "$root"/credentials/*.credentials.json; do
    [[ -f $file ]] || continue
    if ! allowed "$nexus_uid" "$file" r; then
      warn "the proxy (uid $nexus_uid) cannot read credentials/${file##*/}: run 'sudo chown -R $nexus_uid credentials' (the files stay mode 600)."
    fi
  done
}

if docker compose version </dev/null >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  warn "Docker Compose is not installed: install Docker Engine 20.10+ with the compose plugin (Compose 2.0+)."
  exit 127
fi

check_env_file
case "${1:-}" in
  up | run | exec | start | restart | create) check_mounts ;;
esac

options=(--project-name "$project" -f "$compose_file")
[[ -f $env_file ]] && options+=(--env-file "$env_file")

if [[ ${1:-} == exec || ${1:-} == run ]]; then
  command=$1
  shift
  extra=()
  has_no_tty=false
  for arg in "$@"; do
    [[ $arg == -T || $arg == --no-TTY ]] && has_no_tty=true
  done
  [[ -t 0 || $has_no_tty == true ]] || extra+=(-T)
  [[ -n ${DEBUG:-} ]] && extra+=(-e "DEBUG=$DEBUG")
  set -- "$command" ${extra[@]+"${extra[@]}"} "$@"
fi

exec "${compose[@]}" "${options[@]}" "$@"
