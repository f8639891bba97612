#!/usr/bin/env bash
# Runs the black-box Channelstream conformance cases (../shared/conformance) against the built server.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES="${CONFORMANCE_DIR:-../shared/conformance}"
PORT="${CONFORMANCE_PORT:-18000}"
PY=/usr/bin/python3
ENGINE="${CONFORMANCE_ENGINE:-memory}"
PREFIX="csconformance:$$:"

if [ ! -d "$CASES" ]; then
  echo "conformance cases not found at $CASES" >&2
  exit 1
fi

# The cases need Debian's pytest, requests, websocket-client and itsdangerous.
if ! "$PY" -c 'import pytest, requests, websocket, itsdangerous' 2>/dev/null; then
  echo "installing the Python packages the conformance cases need"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pytest python3-requests python3-websocket python3-itsdangerous >/dev/null
fi

[ -f dist/main.js ] || npm run build

LOG="$(mktemp)"
env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
  CHANNELSTREAM_PORT="$PORT" CHANNELSTREAM_HOST=127.0.0.1 \
  CHANNELSTREAM_SECRET=secret CHANNELSTREAM_ADMIN_USER=admin CHANNELSTREAM_ADMIN_SECRET=admin_secret \
  CHANNELSTREAM_ALLOW_POSTING_FROM=127.0.0.1 CHANNELSTREAM_LOG_LEVEL=warning \
  CHANNELSTREAM_ENGINE="$ENGINE" CHANNELSTREAM_REDIS_PREFIX="$PREFIX" \
  node dist/main.js >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  if [ "$ENGINE" = redis ]; then
    redis-cli --scan --pattern "${PREFIX}*" | xargs -r redis-cli del >/dev/null || true
  fi
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG" >&2; echo "server did not start" >&2; exit 1; fi
  sleep 0.2
done

echo "conformance cases against the $ENGINE engine"
CS_URL="http://127.0.0.1:$PORT" CS_SECRET=secret "$PY" -m pytest -q -p no:cacheprovider -m "not quirk" "$CASES"
