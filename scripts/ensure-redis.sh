#!/usr/bin/env bash
# Makes sure a Redis server answers at 127.0.0.1:6379 for the BullMQ integration tests (style.md §4).
# Idempotent: does nothing if one already answers; else starts Debian's redis-server, installing
# redis-server and redis-tools with apt-get first if missing. Exits non-zero with a clear message
# if Redis does not answer within ~10 s. The server is ephemeral: no RDB snapshots, no AOF.
set -euo pipefail

HOST=127.0.0.1
PORT=6379

ping_ok() {
  command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null || true)" = "PONG" ]
}

if ping_ok; then
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "ensure-redis: redis-server not found; installing redis-server and redis-tools with apt-get" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "ensure-redis: not root and no sudo: install redis-server and redis-tools, or set REDIS_URL" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq redis-server redis-tools >&2
  # The package may have started its own service; if it answers, we are done.
  if ping_ok; then
    exit 0
  fi
fi

echo "ensure-redis: starting redis-server on $HOST:$PORT" >&2
redis-server --daemonize yes --bind "$HOST" --port "$PORT" --save "" --appendonly no >&2

for _ in $(seq 1 50); do
  if ping_ok; then
    exit 0
  fi
  sleep 0.2
done

echo "ensure-redis: Redis did not answer PONG on $HOST:$PORT within 10 s (is the port taken by something else?)" >&2
exit 1
