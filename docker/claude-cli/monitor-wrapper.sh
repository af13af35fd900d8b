#!/bin/sh
# The claude-cli container's usage tools, `ccusage` and `monitor`: the nexus reports and live monitor
# reading the team's ledger from the dashboard over the compose network (NEXUS_URL), so they show the
# proxy's exact, team-wide figures rather than this container's own log files.
# Installed as /usr/local/bin/ccusage and /usr/local/bin/monitor; also `monitor-wrapper.sh ccusage|monitor …`.
set -eu

log() { printf '%s: %s\n' "$tool" "$*" >&2; }
die() {
  log "$*"
  exit 2
}

REPORTS='daily, weekly, monthly, session, blocks'

tool=$(basename "$0")
case "$tool" in
  ccusage | usage | monitor | claude-monitor) ;;
  *)
    tool=${1:-}
    [ $# -eq 0 ] || shift
    ;;
esac

NEXUS_URL=${NEXUS_URL:-http://dashboard:3001}
export NEXUS_URL
NEXUS_API_KEY=${NEXUS_API_KEY:-${DASHBOARD_API_KEY:-}}
export NEXUS_API_KEY
command -v nexus >/dev/null 2>&1 || die "the nexus CLI is not installed (it comes with the claude-cli image)"

ccusage_usage() {
  cat <<USAGE
Usage: ccusage [daily|weekly|monthly|session|blocks] [options]

The proxy's usage reports with ccusage's flags (nexus <report>), read from $NEXUS_URL.
With no report, daily. Options of a report: ccusage <report> --help
USAGE
}

# A report's --help needs no key; everything else reads the dashboard.
need_key() {
  for arg in "$@"; do
    case "$arg" in -h | --help) return 0 ;; esac
  done
  [ -n "$NEXUS_API_KEY" ] || die "no dashboard key: set DASHBOARD_API_KEY in the project's .env (the compose file passes it to this container as NEXUS_API_KEY), then recreate the container: ./docker-up.sh up -d"
}

case "$tool" in
  ccusage | usage)
    case "${1:-}" in
      daily | weekly | monthly | session | blocks) ;;
      -h | --help | help)
        ccusage_usage
        exit 0
        ;;
      '' | -*) set -- daily "$@" ;;
      *) die "\"$1\" is not a report here; the reports are $REPORTS (ccusage --help)" ;;
    esac
    need_key "$@"
    exec nexus "$@"
    ;;
  monitor | claude-monitor)
    need_key "$@"
    exec nexus monitor "$@"
    ;;
  *)
    tool=monitor-wrapper
    die "usage: monitor-wrapper.sh ccusage [report] [options] | monitor [options]"
    ;;
esac
