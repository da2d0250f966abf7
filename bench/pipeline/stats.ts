/** Percentiles (nearest rank) and the small formatting helpers of the report. */

/** Nearest-rank percentile of an ascending array; NaN when empty. Infinity entries stand for "no reply". */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function sortedOf(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Milliseconds for a table cell: 3 significant figures, "∞"-style censoring shown as ">N s". */
export function ms(value: number, censoredAboveMs?: number): string {
  if (Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return censoredAboveMs !== undefined ? `>${(censoredAboveMs / 1000).toFixed(0)} s` : 'n/a';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${value.toFixed(0)}`;
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : '-';
}

export function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '-';
}

/** A plain text table: first row is the header; columns right-aligned except the first. */
export function table(rows: string[][], leftAligned = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c < leftAligned ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  return out.map((l) => `  ${l}`).join('\n');
}
