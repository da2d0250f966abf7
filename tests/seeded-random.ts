import type { RandomInt } from '../src/domain/tracking-code.js';

/** A small deterministic PRNG (mulberry32) as a RandomInt, so failures reproduce and two services can draw the same codes. */
export function seeded(seed: number): RandomInt {
  let a = seed >>> 0;
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}
