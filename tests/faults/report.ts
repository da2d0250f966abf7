/**
 * The fault report (issue 14): every fault test records one row per injected fault, appended as a JSON
 * line to tests/faults/out/report.jsonl; `npm run test:faults` (scripts/test-faults.sh) empties the file
 * first and prints the table after the run (scripts/fault-report.mjs), failing when a row reports a lost
 * or duplicated message or when an expected fault has no row.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPORT_FILE = fileURLToPath(new URL('./out/report.jsonl', import.meta.url));

export interface FaultRow {
  /** Short name, unique across the suite: `redis-flush-mid-burst`, `ferretdb-restart`, `zalo-5xx-storm`, … */
  fault: string;
  /** How long the fault was applied (ms). */
  durationMs: number;
  /** Citizen messages accepted (webhook 200) while the fault was on or in flight when it began. */
  inFlight: number;
  /** Messages accepted and never answered / deliveries never made. Must be 0. */
  lost: number;
  /** Sends a citizen got more than once (same reply twice on the fake platform). Must be 0. */
  duplicated: number;
  /** From the end of the fault to the last pending message answered (ms). */
  recoverMs: number;
  /** Anything else the fault shows (503s answered, retries, breaker openings …). */
  notes?: string;
}

export function recordFault(row: FaultRow): void {
  mkdirSync(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true });
  appendFileSync(REPORT_FILE, `${JSON.stringify(row)}\n`);
}
