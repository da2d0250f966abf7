#!/usr/bin/env bash
# The whole suite, as CI runs it (`npm test`; .ci/run calls exactly that).
# Order: cheapest, most structural checks first; then the services the tests need (real Redis,
# FerretDB on PostgreSQL, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTENV_CONFIG_QUIET=true   # natural pulls in dotenv, which prints on import

echo '== typecheck';          npx tsc --noEmit
echo '== import rules';       npm run --silent lint:deps
echo '== circular imports';   npm run --silent lint:circular
echo '== process.env reads';  npm run --silent lint:env
echo '== catalog freshness';  npm run --silent catalog:stale -- --days 30 --quiet
echo '== redis';              [ -n "${REDIS_URL:-}" ] || bash scripts/ensure-redis.sh
# A MongoDB-wire server for the store contract and the production-mode tests: FerretDB on the local
# PostgreSQL (built with Go on first use), unless MONGODB_URL already points to one (e.g. MongoDB).
echo '== mongodb (ferretdb)'
if [ -z "${MONGODB_URL:-}" ]; then
  line="$(FERRETDB_LOG_LEVEL=error bash scripts/ensure-ferretdb.sh | tail -n1)"
  export MONGODB_URL="${line#MONGODB_URL=}"
fi
echo '== chromium';           bash scripts/ensure-chromium.sh
# The fault tests (private Redis and FerretDB processes, outages of seconds: mostly waiting) run beside
# the main suite; their output is printed after it. Both must pass.
faults_log="$(mktemp)"
bash scripts/test-faults.sh >"$faults_log" 2>&1 &
faults_pid=$!
trap 'kill "$faults_pid" 2>/dev/null || true; rm -f "$faults_log"' EXIT
echo '== tests'
status=0
# Three test files at a time on two cores: most integration files wait on child processes and sockets.
npx vitest run --project unit --project integration --project e2e --maxWorkers=3 || status=$?
echo '== faults (ran beside the tests)'
faults_status=0
wait "$faults_pid" || faults_status=$?
cat "$faults_log"
[ "$faults_status" -eq 0 ] || status=$faults_status
exit "$status"
