#!/usr/bin/env bash
# `npm run test:faults` (issue 14): injects each fault into the system against real services (private
# redis-server and FerretDB processes, fake platforms in failure modes) and prints the fault report.
# Needs what scripts/test.sh starts (redis-server installed, FerretDB built); run on its own, it makes
# sure of both itself. Fails if any fault loses or duplicates a message or a required fault has no row.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTENV_CONFIG_QUIET=true

bash scripts/ensure-redis.sh
FERRETDB_LOG_LEVEL=error bash scripts/ensure-ferretdb.sh >/dev/null

# Every fault issue 14 names; a missing row means its test did not run to the end.
export FAULTS_REQUIRED="${FAULTS_REQUIRED:-redis-flush-mid-burst,redis-restart,redis-down-at-start,redis-flush-mid-burst-production,ferretdb-restart,disk-full,zalo-5xx-storm,graph-timeouts,zalo-rate-limit,zalo-token-expiry,zalo-token-expiry-2-workers,clock-jump}"

rm -f tests/faults/out/report.jsonl
status=0
npx vitest run --project faults "$@" || status=$?
node scripts/fault-report.mjs || status=$?
exit "$status"
