#!/bin/sh
# The claude-cli container's `claude`: takes the credential from client-setup/.credentials.json
# (api_key, oauth.accessToken, or Claude Code's own claudeAiOauth), hands it to Claude Code in the
# variable it reads, and runs Claude Code against the proxy (ANTHROPIC_BASE_URL). DEBUG=true explains.
set -eu

log() { printf 'claude-wrapper: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 2
}
debugging() {
  case "${DEBUG:-}" in
    1 | true | TRUE | True | yes | on) return 0 ;;
    *) return 1 ;;
  esac
}
debug() { if debugging; then log "debug: $*"; fi; }
# Enough to tell keys apart, never enough to use one.
masked() { printf '%.7s… (%s characters)' "$1" "${#1}"; }

self=$(realpath "$0" 2>/dev/null || printf '%s' "$0")
claude_home=${CLAUDE_HOME:-$HOME/.claude}
# Claude Code keeps its settings, sessions and .claude.json in CLAUDE_CONFIG_DIR: make CLAUDE_HOME that.
CLAUDE_CONFIG_DIR=${CLAUDE_CONFIG_DIR:-$claude_home}
export CLAUDE_CONFIG_DIR
setup_file=${CLIENT_SETUP_DIR:-/client-setup}/.credentials.json
copy=$claude_home/.credentials.json

# The real Claude Code: CLAUDE_CODE_BIN, else the first `claude` on PATH that is not this script.
find_claude() {
  if [ -n "${CLAUDE_CODE_BIN:-}" ]; then
    command -v "$CLAUDE_CODE_BIN" || return 1
    return 0
  fi
  old_ifs=$IFS
  IFS=:
  set -f
  for dir in $PATH; do
    candidate=${dir:-.}/claude
    if [ -f "$candidate" ] && [ -x "$candidate" ] && [ "$(realpath "$candidate" 2>/dev/null)" != "$self" ]; then
      IFS=$old_ifs
      set +f
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  IFS=$old_ifs
  set +f
  return 1
}

# Keeps the private copy in the home equal to the read-only mount (picks up edits made on the host).
sync_credentials() {
  [ -e "$setup_file" ] || return 0
  [ -r "$setup_file" ] || die "cannot read $setup_file as $(id -un) (uid $(id -u)). On the host: sudo chown $(id -u) client-setup/.credentials.json (keep it chmod 600)."
  if [ -f "$copy" ] && cmp -s "$setup_file" "$copy"; then return 0; fi
  mkdir -p "$claude_home"
  chmod 700 "$claude_home"
  tmp=$copy.$$
  (umask 077 && cat "$setup_file" >"$tmp")
  chmod 600 "$tmp"
  mv -f "$tmp" "$copy"
  debug "copied $setup_file to $copy (mode 600)"
}

# Prints three lines: kind (api_key | oauth | invalid), the token, and expired | valid | unknown.
# shellcheck disable=SC2016 # $variables below are jq's, not the shell's.
JQ_EXTRACT='
  def clean: if type == "string" and test("^[!-~]+$") then . else null end;
  def str(f): first((try f catch null), null) | clean;
  def expiry(f): first((try f catch null), null) as $at
    | (if ($at | type) == "number" then $at / 1000
       elif ($at | type) == "string" then first((try ($at | sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601) catch null), null)
       else null end) as $seconds
    | if $seconds == null then "unknown" elif $seconds < now then "expired" else "valid" end;
  def api_key: str(.api_key) as $k | if $k == null then empty else ["api_key", $k, "valid"] end;
  def oauth: str(.oauth.accessToken) as $t | if $t == null then empty else ["oauth", $t, expiry(.oauth.expiresAt)] end;
  def claude_code: str(.claudeAiOauth.accessToken) as $t | if $t == null then empty else ["oauth", $t, expiry(.claudeAiOauth.expiresAt)] end;
  if type != "object" then ["invalid"]
  elif .type == "api_key" then first(api_key, ["invalid"])
  elif .type == "oauth" then first(oauth, ["invalid"])
  else first(api_key, oauth, claude_code, ["invalid"]) end
  | .[]
'
SHAPES='{"type":"api_key","api_key":"…"}, {"type":"oauth","oauth":{"accessToken":"…"}} or Claude Code'"'"'s own {"claudeAiOauth":{"accessToken":"…"}}'

# A fresh home would start Claude Code's onboarding, and an API key from the environment its "use
# this key?" question: record both as done in its config (approvals are kept as the key's last 20
# characters). $1: the API key, or empty for a token.
prepare_claude_config() {
  config=$CLAUDE_CONFIG_DIR/.claude.json
  mkdir -p "$CLAUDE_CONFIG_DIR"
  [ -s "$config" ] || printf '{}\n' >"$config"
  suffix=$(printf '%s' "$1" | tail -c 20)
  # shellcheck disable=SC2016 # jq's own syntax.
  if ! updated=$(KEY_SUFFIX=$suffix jq '
      .hasCompletedOnboarding = true
      | if env.KEY_SUFFIX == "" then . else
          .customApiKeyResponses.approved = (((.customApiKeyResponses.approved // []) - [env.KEY_SUFFIX]) + [env.KEY_SUFFIX])
          | .customApiKeyResponses.rejected = ((.customApiKeyResponses.rejected // []) - [env.KEY_SUFFIX])
        end' "$config" 2>/dev/null); then
    debug "left $config alone: it is not valid JSON"
    return 0
  fi
  if [ "$updated" != "$(cat "$config")" ]; then
    (umask 077 && printf '%s\n' "$updated" >"$config.$$")
    mv -f "$config.$$" "$config"
    debug "recorded onboarding (and an API key approval) as done in $config"
  fi
}

use_credential_file() {
  command -v jq >/dev/null 2>&1 || die "jq is needed to read $copy"
  if ! out=$(jq -r "$JQ_EXTRACT" <"$copy" 2>&1); then
    die "$setup_file is not valid JSON ($(printf '%s\n' "$out" | head -n 1)). Check it with: jq . client-setup/.credentials.json"
  fi
  kind=$(printf '%s\n' "$out" | sed -n 1p)
  token=$(printf '%s\n' "$out" | sed -n 2p)
  expiry=$(printf '%s\n' "$out" | sed -n 3p)
  case "$kind" in
    api_key)
      ANTHROPIC_API_KEY=$token
      export ANTHROPIC_API_KEY
      debug "credential: api_key from $setup_file, sent as x-api-key (ANTHROPIC_API_KEY=$(masked "$token"))"
      prepare_claude_config "$token"
      ;;
    oauth)
      case "$token" in
        sk-ant-oat*)
          # A Claude subscription token: Claude Code sends it as a bearer with the OAuth beta.
          CLAUDE_CODE_OAUTH_TOKEN=$token
          export CLAUDE_CODE_OAUTH_TOKEN
          debug "credential: OAuth access token from $setup_file (CLAUDE_CODE_OAUTH_TOKEN=$(masked "$token"))"
          ;;
        *)
          # Anything else in the OAuth slot is a proxy client key: a plain bearer.
          ANTHROPIC_AUTH_TOKEN=$token
          export ANTHROPIC_AUTH_TOKEN
          debug "credential: bearer token from $setup_file (ANTHROPIC_AUTH_TOKEN=$(masked "$token"))"
          ;;
      esac
      prepare_claude_config ''
      if [ "$expiry" = expired ]; then
        log "warning: the OAuth access token in client-setup/.credentials.json has expired, so requests will get a 401. Log in again and copy the new token, or give the token to the proxy (credentials/proxy.credentials.json), which refreshes it by itself."
      fi
      ;;
    '')
      die "$setup_file is empty. Expected $SHAPES."
      ;;
    *)
      die "$setup_file holds no usable credential. Expected $SHAPES."
      ;;
  esac
}

claude_bin=$(find_claude) || die "Claude Code is not installed: no claude on PATH${CLAUDE_CODE_BIN:+ (CLAUDE_CODE_BIN=$CLAUDE_CODE_BIN)}"
if [ "$(realpath "$claude_bin" 2>/dev/null || printf '%s' "$claude_bin")" = "$self" ]; then
  die "CLAUDE_CODE_BIN points at this wrapper; point it at Claude Code itself"
fi

sync_credentials
if [ -n "${ANTHROPIC_API_KEY:-}${ANTHROPIC_AUTH_TOKEN:-}${CLAUDE_CODE_OAUTH_TOKEN:-}" ]; then
  debug "credential: taken from the environment as given; $setup_file not read"
elif [ -f "$copy" ]; then
  use_credential_file
else
  case "${1:-}" in
    -v | --version | -h | --help) ;;
    *) die "no credential: create client-setup/.credentials.json on the host (mounted at ${CLIENT_SETUP_DIR:-/client-setup}) holding $SHAPES. See docker/claude-cli/README.md." ;;
  esac
fi

# Claude Code reads one prompt argument and drops the rest: `claude "Compare these" a.js b.js` would
# lose the file names. A sentence followed by more words, and no options, is one prompt. (A single
# word first is left alone: it may be a subcommand, as in `claude mcp list`.)
if [ $# -ge 2 ]; then
  case "$1" in
    *' '*)
      only_words=true
      for arg in "$@"; do
        case "$arg" in -*) only_words=false ;; esac
      done
      if [ "$only_words" = true ]; then
        old_ifs=$IFS
        IFS=' '
        prompt="$*"
        IFS=$old_ifs
        debug "joined $# arguments into one prompt"
        set -- "$prompt"
      fi
      ;;
  esac
fi

debug "ANTHROPIC_BASE_URL=${ANTHROPIC_BASE_URL:-unset (api.anthropic.com)}; CLAUDE_CONFIG_DIR=$CLAUDE_CONFIG_DIR"
debug "running $claude_bin with $# argument(s); Claude Code's own debug log goes to $CLAUDE_CONFIG_DIR/debug/"
exec "$claude_bin" "$@"
