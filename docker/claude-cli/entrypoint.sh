#!/bin/sh
# Entry point of the claude-cli container: copies the client credential into the home, then runs
# the command asked for: claude (default), ccusage, monitor, or idles so `compose exec` has a target.
set -eu

log() { printf 'entrypoint: %s\n' "$*" >&2; }

# The read-only mount holds the host's client-setup/; the copy in the home is private (0600).
sync_credentials() {
  src="${CLIENT_SETUP_DIR:-/client-setup}/.credentials.json"
  home="${CLAUDE_HOME:-$HOME/.claude}"
  [ -e "$src" ] || return 0
  if [ ! -r "$src" ]; then
    log "cannot read $src as $(id -un) (uid $(id -u)); on the host run: sudo chown $(id -u) client-setup/.credentials.json"
    return 0
  fi
  mkdir -p "$home"
  chmod 700 "$home"
  tmp="$home/.credentials.json.$$"
  (umask 077 && cat "$src" >"$tmp")
  chmod 600 "$tmp"
  mv -f "$tmp" "$home/.credentials.json"
}

# Keeps the service up for `docker compose exec`; ends at once on SIGTERM/SIGINT.
idle() {
  trap 'exit 0' TERM INT
  while :; do
    sleep 3600 &
    wait $! || true
  done
}

sync_credentials

case "${1:-}" in
  claude | cli)
    shift
    exec claude "$@"
    ;;
  ccusage | usage)
    shift
    exec ccusage "$@"
    ;;
  monitor | claude-monitor)
    shift
    exec monitor "$@"
    ;;
  idle)
    idle
    ;;
  shell | sh)
    shift
    exec /bin/sh "$@"
    ;;
  *)
    # A prompt, claude's own flags, or nothing (interactive): all go to claude.
    exec claude "$@"
    ;;
esac
