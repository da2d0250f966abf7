/**
 * One clock for every process of the bench: process.hrtime is CLOCK_MONOTONIC on Linux, which is
 * system-wide, so a timestamp taken in the fake Zalo child and one taken in the load generator are
 * directly comparable (unlike performance.now(), whose origin is per process).
 */
export const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Epoch milliseconds minus hrMs(), to place wall-clock stamps (the store's Dates) on the same axis. */
export function epochOffsetMs(): number {
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const a = hrMs();
    const epoch = performance.timeOrigin + performance.now();
    const b = hrMs();
    samples.push(epoch - (a + b) / 2);
  }
  samples.sort((x, y) => x - y);
  return samples[3]!;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
