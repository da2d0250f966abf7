#!/usr/bin/env bash
# The whole suite, as CI runs it (`npm test`; .ci/run calls exactly that).
# Order: cheapest, most structural checks first; then the services the tests need (real Redis).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTENV_CONFIG_QUIET=true   # natural pulls in dotenv, which prints on import

echo '== typecheck';          npx tsc --noEmit
echo '== import rules';       npm run --silent lint:deps
echo '== circular imports';   npm run --silent lint:circular
echo '== process.env reads';  npm run --silent lint:env
echo '== redis';              [ -n "${REDIS_URL:-}" ] || bash scripts/ensure-redis.sh
echo '== chromium';           bash scripts/ensure-chromium.sh
echo '== tests';              npx vitest run
