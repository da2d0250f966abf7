// Preloaded into a system under test (NODE_OPTIONS="--import …/clock-shift.mjs"): the process's wall
// clock (Date.now(), new Date()) is the real one plus an offset that the test changes at will: it writes
// the offset in milliseconds to the file CLOCK_SHIFT_FILE names and sends SIGUSR2. The monotonic clock
// (performance.now(), timers) is left alone, as when NTP or an operator steps a host's clock.
import { readFileSync } from 'node:fs';

const file = process.env.CLOCK_SHIFT_FILE;
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = 0;

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset);
    else super(...args);
  }

  static now() {
    return realNow() + offset;
  }
}

globalThis.Date = ShiftedDate;
if (file) {
  process.on('SIGUSR2', () => {
    offset = Number(readFileSync(file, 'utf8').trim()) || 0;
  });
}
