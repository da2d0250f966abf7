#!/usr/bin/env node
// Prints the fault report that tests/faults/*.faults.test.ts appended to tests/faults/out/report.jsonl
// (tests/faults/report.ts) and exits non-zero when a fault lost or duplicated a message, or when one of
// the faults issue 14 requires has no row (its test did not run to the end).
import { existsSync, readFileSync } from 'node:fs';

const FILE = new URL('../tests/faults/out/report.jsonl', import.meta.url);
const REQUIRED = (process.env.FAULTS_REQUIRED ?? '').split(',').filter(Boolean);

const rows = existsSync(FILE) ? readFileSync(FILE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const cols = ['fault', 'durationMs', 'inFlight', 'lost', 'duplicated', 'recoverMs', 'notes'];
const head = ['fault', 'duration', 'in flight', 'lost', 'duplicated', 'recovered in', 'notes'];
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const cells = rows.map((r) => cols.map((c) => (c === 'durationMs' || c === 'recoverMs' ? secs(r[c] ?? 0) : String(r[c] ?? ''))));
const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === 6 ? 0 : c[i].length))));
const line = (c) => c.map((v, i) => (i === 6 ? v : v.padEnd(widths[i]))).join('  ');
console.log('\nFault report');
console.log(line(head));
for (const c of cells) console.log(line(c));

const bad = rows.filter((r) => r.lost !== 0 || r.duplicated !== 0);
const missing = REQUIRED.filter((f) => !rows.some((r) => r.fault === f));
if (bad.length) console.error(`\nfaults that lost or duplicated: ${bad.map((r) => r.fault).join(', ')}`);
if (missing.length) console.error(`\nfaults with no row (their test did not finish): ${missing.join(', ')}`);
process.exit(bad.length || missing.length || rows.length === 0 ? 1 : 0);
