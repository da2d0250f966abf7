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
echo '== tests';              npx vitest run --project unit --project integration --project e2e
echo '== faults';             bash scripts/test-faults.sh
